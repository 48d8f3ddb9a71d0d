package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.extensions.siwx.SiwxChain;
import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.extensions.siwx.SiwxDeclaration;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Siwe;
import io.x402j.evm.SiweSigner;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.GateResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.svm.Siws;
import io.x402j.svm.SiwsSigner;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * sign-in-with-x against {@code @x402/extensions} 2.27.0: the SIWE and SIWS texts x402j builds are
 * the official package's byte for byte (and what it refuses to build, x402j refuses too); the
 * official client's {@code SIGN-IN-WITH-X} header, signed for x402j's 402, is admitted by x402j's
 * gate; and x402j's header passes the official server-side parsing, validation and verification.
 */
class SiwxInteropIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final Network SOLANA_DEVNET = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  static final String ORIGIN = "https://api.example.com";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "42".repeat(32));
  static final SolanaKeypair SOL_BUYER = SolanaKeypair.fromSeed(new byte[32]);

  ScriptedFacilitator facilitator;

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request ->
            request.operation() == FacilitatorOperation.SUPPORTED
                ? ScriptedAnswer.supported(
                    new SupportedResponse(
                        List.of(
                            SupportedKind.of(2, "exact", BASE_SEPOLIA.toString()),
                            new SupportedKind(
                                2,
                                "exact",
                                SOLANA_DEVNET.toString(),
                                Map.of(
                                    "feePayer",
                                    SolanaKeypair.fromSeed(
                                            new byte[] {
                                              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                              17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                                              30, 31, 32
                                            })
                                        .address()
                                        .toString()),
                                Map.of())),
                        List.of(),
                        Map.of(),
                        Map.of()))
                : ScriptedAnswer.status(500, "not used"));
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  static Map<String, Object> info(SiwxChallenge c, String chainId) {
    Map<String, Object> json = new LinkedHashMap<>(c.toJson());
    json.put("chainId", chainId);
    json.put("type", SignInWithX.typeFor(chainId));
    return json;
  }

  @Test
  void messagesAreTheOfficialPackagesByteForByte() throws Exception {
    SecureRandom random = new SecureRandom();
    String[] statements = {
      null, "", "Sign in to access premium data", "x: y, z's (1+1=2) @home ~ok"
    };
    String[] expirations = {null, "", "2024-01-15T10:35:00.000Z", "2030-06-01T00:00:00+02:00"};
    String[] requestIds = {null, "", "req-123", "a%20b"};
    List<List<String>> resources =
        java.util.Arrays.asList(
            null,
            List.of(),
            List.of("https://api.example.com/x"),
            List.of("https://a/1", "ipfs://Qm1"));
    String[] chains = {
      "eip155:1",
      "eip155:8453",
      "eip155:84532",
      "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
      "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"
    };
    List<Map<String, Object>> cases = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      String chain = chains[i % chains.length];
      SiwxChallenge c =
          new SiwxChallenge(
              i % 7 == 0 ? "localhost:8080" : "api.example.com",
              "https://api.example.com/premium-data?i=" + i,
              "1",
              String.format("%032x", random.nextLong() & Long.MAX_VALUE),
              "2024-01-15T10:30:00.000Z",
              expirations[i % expirations.length],
              i % 3 == 0 ? "2024-01-15T10:29:00Z" : null,
              statements[(i / 2) % statements.length],
              requestIds[(i / 3) % requestIds.length],
              resources.get((i / 5) % resources.size()));
      String address;
      String message;
      if (chain.startsWith("eip155:")) {
        EvmAddress a = PrivateKeySigner.generate(random).address();
        // The official package checksums a lowercase address itself; x402j always signs EIP-55.
        address = i % 2 == 0 ? a.toLowerHex() : a.toString();
        message = Siwe.message(c, chain, EvmAddress.parse(address));
      } else {
        SolanaAddress a = SolanaKeypair.generate(random).address();
        address = a.toString();
        message = Siws.message(c, chain, a);
      }
      cases.add(Map.of("info", info(c, chain), "address", address));
      expected.add(message);
    }

    JsonNode results = run("format", Map.of("X402J_CASES", JSON.writeValueAsString(cases)));

    assertThat(results.path("results")).hasSize(cases.size());
    for (int i = 0; i < cases.size(); i++) {
      JsonNode r = results.path("results").get(i);
      assertThat(r.has("error")).as("case %d: %s", i, r).isFalse();
      assertThat(r.path("message").asText()).as("case %d", i).isEqualTo(expected.get(i));
    }
  }

  @Test
  void whatTheOfficialPackageRefusesToBuildX402jRefusesToo() throws Exception {
    String address = BUYER.address().toString();
    List<SiwxChallenge> bad =
        List.of(
            challenge("api.example.com", "short", null), // nonce under 8 characters
            challenge("api.example.com", "a1b2c3d4e5f67890", "say \"hi\""), // quote in statement
            challenge("api.example.com", "a1b2c3d4e5f6789-", null), // nonce not alphanumeric
            challenge("api example.com", "a1b2c3d4e5f67890", null)); // space in domain
    List<Map<String, Object>> cases = new ArrayList<>();
    for (SiwxChallenge c : bad) {
      cases.add(Map.of("info", info(c, "eip155:8453"), "address", address));
      assertThatThrownBy(() -> Siwe.message(c, "eip155:8453", BUYER.address()))
          .isInstanceOf(IllegalArgumentException.class);
    }
    // A mixed-case address with a wrong checksum: the official package refuses, x402j does not
    // parse.
    String badChecksum = flipFirstLetter(address);
    cases.add(
        Map.of(
            "info",
            info(challenge("api.example.com", "a1b2c3d4e5f67890", null), "eip155:8453"),
            "address",
            badChecksum));
    assertThat(EvmAddress.isValid(badChecksum)).isFalse();

    JsonNode results = run("format", Map.of("X402J_CASES", JSON.writeValueAsString(cases)));

    for (JsonNode r : results.path("results")) {
      assertThat(r.has("error")).as(r.toString()).isTrue();
    }
  }

  static String flipFirstLetter(String address) {
    for (int i = 2; i < address.length(); i++) {
      char c = address.charAt(i);
      if (Character.isLetter(c)) {
        char flipped =
            Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
        return address.substring(0, i) + flipped + address.substring(i + 1);
      }
    }
    throw new IllegalStateException("no letter in " + address);
  }

  static SiwxChallenge challenge(String domain, String nonce, String statement) {
    return new SiwxChallenge(
        domain,
        "https://api.example.com/x",
        "1",
        nonce,
        "2024-01-15T10:30:00.000Z",
        null,
        null,
        statement,
        null,
        null);
  }

  PaymentGate gate(SignInWithXExtension siwx) {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .routes(
            RouteTable.builder()
                .route(
                    "GET /weather",
                    PaidRoute.builder()
                        .accept(
                            PaymentOption.builder(BASE_SEPOLIA)
                                .price("$0.01")
                                .payTo("0x857b06519E91e3A54538791bDbb0E22373e36b66")
                                .build())
                        .accept(
                            PaymentOption.builder(SOLANA_DEVNET)
                                .price("$0.01")
                                .payTo(
                                    SolanaKeypair.fromSeed(
                                            new byte[] {
                                              9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                                              9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9
                                            })
                                        .address()
                                        .toString())
                                .build())
                        .build())
                .build())
        .extension(siwx)
        .build();
  }

  static GateRequest get(Map<String, String> headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    return GateRequest.of("GET", "/weather", ORIGIN + "/weather", h);
  }

  static Map<String, Object> declaration(PaymentGate gate) {
    GateDecision d = gate.check(get(Map.of())).join();
    GateResponse r = ((GateDecision.Respond) d).response();
    PaymentRequired required = HEADERS.decodePaymentRequired(r.header("PAYMENT-REQUIRED"));
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) required.extensions().get(SignInWithX.KEY);
    return json;
  }

  @Test
  void theOfficialClientsHeaderIsAdmittedByX402jsGate() throws Exception {
    SignInWithXExtension siwx = SignInWithXExtension.builder().origin(ORIGIN).build();
    PaymentGate gate = gate(siwx);
    Instant now = Instant.now();
    siwx.history()
        .record("GET /weather /weather", BASE_SEPOLIA.toString(), BUYER.address().toString(), now);
    siwx.history()
        .record(
            "GET /weather /weather", SOLANA_DEVNET.toString(), SOL_BUYER.address().toString(), now);

    // EVM: viem's account through createSIWxClientHook.
    JsonNode evm =
        run(
            "sign",
            Map.of(
                "X402J_DECLARATION", JSON.writeValueAsString(declaration(gate)),
                "X402J_URL", ORIGIN + "/weather",
                "X402J_EVM_KEY", BUYER.exportPrivateKeyHex()));
    assertThat(evm.has("header")).as(evm.toString()).isTrue();
    assertThat(gate.check(get(Map.of(SignInWithX.HEADER, evm.path("header").asText()))).join())
        .isInstanceOf(GateDecision.Free.class);

    // Solana: a @solana/kit key pair signer (the hook picks the ed25519 chain).
    StringBuilder secret = new StringBuilder("[");
    for (byte b : SOL_BUYER.secret()) {
      secret.append(secret.length() > 1 ? "," : "").append(b & 0xff);
    }
    JsonNode sol =
        run(
            "sign",
            Map.of(
                "X402J_DECLARATION", JSON.writeValueAsString(declaration(gate)),
                "X402J_URL", ORIGIN + "/weather",
                "X402J_SOLANA_SECRET", secret.append("]").toString()));
    assertThat(sol.has("header")).as(sol.toString()).isTrue();
    SiwxProof proof = SiwxProof.parseHeader(sol.path("header").asText());
    assertThat(proof.chainId()).isEqualTo(SOLANA_DEVNET.toString());
    assertThat(gate.check(get(Map.of(SignInWithX.HEADER, sol.path("header").asText()))).join())
        .isInstanceOf(GateDecision.Free.class);
  }

  @Test
  void x402jsHeaderPassesTheOfficialServerSideChecks() throws Exception {
    PaymentGate gate = gate(SignInWithXExtension.builder().origin(ORIGIN).build());
    for (boolean solana : new boolean[] {false, true}) {
      SiwxDeclaration d = SiwxDeclaration.fromJson(declaration(gate));
      SiwxChain chain = d.supportedChains().get(solana ? 1 : 0);
      SiwxProof proof =
          solana
              ? new SiwsSigner(SOL_BUYER).sign(d.info(), chain)
              : new SiweSigner(BUYER).sign(d.info(), chain);

      JsonNode out =
          run("verify", Map.of("X402J_HEADER", proof.toHeader(), "X402J_ORIGIN", ORIGIN));

      assertThat(out.path("validation").path("isValid").asBoolean()).as(out.toString()).isTrue();
      assertThat(out.path("verification").path("isValid").asBoolean()).as(out.toString()).isTrue();
      assertThat(out.path("verification").path("payer").asText()).isEqualTo(proof.address());
    }
  }

  static JsonNode run(String mode, Map<String, String> env) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.put("X402J_MODE", mode);
    return Node.project().run("siwx.mjs", all, Duration.ofSeconds(120));
  }
}
