package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.extensions.siwx.SiwxChain;
import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.extensions.siwx.SiwxDeclaration;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.SiweSigner;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sign-in-with-x behind a real gate and a scripted facilitator: the 402 declares a challenge; a
 * wallet that paid signs in and is served free; everything hostile (replays, a nonce raced at two
 * gates, domain tricks, another address's signature, extra message lines, altered or stale
 * challenges, unsupported chains, a contract wallet that fails) gets the usual 402 with a reason.
 */
class SignInWithXGateTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "22".repeat(32));
  static final PrivateKeySigner OTHER = PrivateKeySigner.fromHex("0x" + "33".repeat(32));
  static final String ORIGIN = "https://api.example.com";
  static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  ScriptedFacilitator facilitator;
  final AtomicInteger settled = new AtomicInteger();
  final ManualClock clock = new ManualClock(Instant.now());
  final ReplayStore nonces = ReplayStore.inMemory(clock);

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(SupportedKind.of(2, "exact", NET.toString())),
                    List.of(),
                    Map.of(),
                    Map.of()));
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(VerifyResponse.valid(BUYER.address().toString()));
          }
          settled.incrementAndGet();
          PaymentRequirements r = request.v2().paymentRequirements();
          return ScriptedAnswer.settle(
              SettleResponse.success(
                  "0x" + "ab".repeat(32), r.network().toString(), BUYER.address().toLowerHex()));
        });
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  SignInWithXExtension.Builder extension() {
    return SignInWithXExtension.builder()
        .origin(ORIGIN)
        .clock(clock)
        .nonceSecret(SECRET)
        .nonceStore(nonces);
  }

  PaymentGate gate(SignInWithXExtension siwx) {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .routes(
            RouteTable.builder()
                .route("GET /weather", PaidRoute.of("$0.01", NET, SELLER))
                .route("GET /forecast", PaidRoute.of("$0.01", NET, SELLER))
                .build())
        .extension(siwx)
        .build();
  }

  static GateRequest get(String path, Map<String, String> headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    // The adapter saw another Host: the gate must go by its configured origin, not by this.
    return GateRequest.of("GET", path, "http://10.0.0.7:8080" + path, h);
  }

  static PaymentRequired challenge(PaymentGate gate, String path) {
    GateDecision d = gate.check(get(path, Map.of())).join();
    GateResponse r = ((GateDecision.Respond) d).response();
    assertThat(r.status()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(r.header("PAYMENT-REQUIRED"));
  }

  static SiwxDeclaration declaration(PaymentRequired required) {
    return SiwxDeclaration.fromJson(required.extensions().get(SignInWithX.KEY));
  }

  static SiwxProof sign(PrivateKeySigner who, SiwxChallenge info, SiwxChain chain) {
    return new SiweSigner(who).sign(info, chain);
  }

  static String signIn(PaymentGate gate, String path, PrivateKeySigner who) {
    SiwxDeclaration d = declaration(challenge(gate, path));
    return sign(who, d.info(), d.supportedChains().get(0)).toHeader();
  }

  static GateDecision withHeader(PaymentGate gate, String path, String header) {
    return gate.check(get(path, Map.of(SignInWithX.HEADER, header))).join();
  }

  /** The 402's error, asserting the decision is a 402 that still declares a fresh challenge. */
  static String refusal(GateDecision decision) {
    assertThat(decision).isInstanceOf(GateDecision.Respond.class);
    GateResponse r = ((GateDecision.Respond) decision).response();
    assertThat(r.status()).isEqualTo(402);
    PaymentRequired again = HEADERS.decodePaymentRequired(r.header("PAYMENT-REQUIRED"));
    assertThat(again.extensions()).containsKey(SignInWithX.KEY);
    return again.error();
  }

  void pay(PaymentGate gate, String path) {
    PaymentRequired required = challenge(gate, path);
    PaymentRequirements accepted = required.accepts().get(0);
    String payment =
        HEADERS.encodePaymentSignature(
            new PaymentPayload(
                ResourceInfo.of("http://10.0.0.7:8080" + path),
                accepted,
                ExactEvmClient.of(BUYER).createPayload(2, accepted),
                null,
                Map.of()));
    GateDecision d = gate.check(get(path, Map.of("PAYMENT-SIGNATURE", payment))).join();
    Completion c = ((GateDecision.Admit) d).admission().complete(200).join();
    assertThat(c).isInstanceOf(Completion.Release.class);
  }

  @Test
  void the402DeclaresAFreshChallengeOnTheConfiguredOrigin() {
    PaymentGate gate = gate(extension().build());

    SiwxDeclaration first = declaration(challenge(gate, "/weather"));
    SiwxDeclaration second = declaration(challenge(gate, "/weather"));

    SiwxChallenge info = first.info();
    assertThat(info.domain()).isEqualTo("api.example.com");
    assertThat(info.uri()).isEqualTo("https://api.example.com/weather");
    assertThat(info.version()).isEqualTo("1");
    assertThat(info.nonce()).matches("[0-9a-f]{32}").isNotEqualTo(second.info().nonce());
    assertThat(Instant.parse(info.issuedAt()))
        .isBetween(clock.instant().minusMillis(1), clock.instant());
    assertThat(
            Duration.between(Instant.parse(info.issuedAt()), Instant.parse(info.expirationTime())))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(info.resources()).containsExactly("https://api.example.com/weather");
    assertThat(first.supportedChains())
        .containsExactly(new SiwxChain("eip155:84532", "eip191", null));
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) challenge(gate, "/weather").extensions().get(SignInWithX.KEY);
    assertThat(json).containsKeys("info", "supportedChains", "schema");
  }

  @Test
  void aWalletThatPaidSignsInAndIsServedWithoutPaying() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");
    int settlements = settled.get();

    GateDecision decision = withHeader(gate, "/weather", signIn(gate, "/weather", BUYER));

    assertThat(decision).isInstanceOf(GateDecision.Free.class);
    assertThat(settled.get()).isEqualTo(settlements); // nothing settled
  }

  @Test
  void aWalletThatNeverPaidGetsThe402WithTheReason() {
    PaymentGate gate = gate(extension().build());

    String error = refusal(withHeader(gate, "/weather", signIn(gate, "/weather", BUYER)));

    assertThat(error)
        .startsWith("extensions.sign-in-with-x: ")
        .contains(BUYER.address().toString())
        .contains("has not paid for this resource within PT24H");
  }

  @Test
  void aPaymentForAnotherResourceOrOlderThanTheWindowIsNoPass() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");

    assertThat(refusal(withHeader(gate, "/forecast", signIn(gate, "/forecast", BUYER))))
        .contains("has not paid");

    clock.advance(Duration.ofHours(24).plusSeconds(1));
    assertThat(refusal(withHeader(gate, "/weather", signIn(gate, "/weather", BUYER))))
        .contains("has not paid");
  }

  @Test
  void aReplayedHeaderIsRefused() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");
    String header = signIn(gate, "/weather", BUYER);

    assertThat(withHeader(gate, "/weather", header)).isInstanceOf(GateDecision.Free.class);
    assertThat(refusal(withHeader(gate, "/weather", header))).contains("nonce was already used");
  }

  @Test
  void oneNonceRacedAtTwoGatesSharingAStoreIsServedOnce() throws Exception {
    SignInWithXExtension one = extension().build();
    SignInWithXExtension two = extension().history(one.history()).build();
    PaymentGate a = gate(one);
    PaymentGate b = gate(two);
    pay(a, "/weather");
    String header = signIn(b, "/weather", BUYER);

    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<GateDecision>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        PaymentGate gate = i % 2 == 0 ? a : b;
        Callable<GateDecision> task =
            () -> {
              go.await();
              return withHeader(gate, "/weather", header);
            };
        results.add(pool.submit(task));
      }
      go.countDown();
      int free = 0;
      for (Future<GateDecision> f : results) {
        GateDecision d = f.get();
        if (d instanceof GateDecision.Free) {
          free++;
        } else {
          assertThat(refusal(d)).contains("nonce was already used");
        }
      }
      assertThat(free).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aChallengeFromAGateWithAnotherSecretIsRefused() {
    PaymentGate mine = gate(extension().build());
    PaymentGate theirs =
        gate(
            extension()
                .nonceSecret(
                    "another secret, 32 bytes or more.".getBytes(StandardCharsets.US_ASCII))
                .build());
    pay(mine, "/weather");

    assertThat(refusal(withHeader(mine, "/weather", signIn(theirs, "/weather", BUYER))))
        .contains("nonce was not issued by this server");
  }

  @Test
  void domainTricksAreRefused() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");
    for (String domain :
        List.of(
            "API.example.com",
            "api.example.com:443",
            "api.example.com.",
            "10.0.0.7:8080",
            "evil.example",
            "api.example.com.evil.example")) {
      SiwxDeclaration d = declaration(challenge(gate, "/weather"));
      SiwxChallenge info = d.info();
      SiwxChallenge moved =
          new SiwxChallenge(
              domain,
              info.uri(),
              info.version(),
              info.nonce(),
              info.issuedAt(),
              info.expirationTime(),
              null,
              null,
              null,
              info.resources());
      String header = sign(BUYER, moved, d.supportedChains().get(0)).toHeader();

      assertThat(refusal(withHeader(gate, "/weather", header)))
          .as(domain)
          .contains("the sign-in is for domain")
          .contains("this server is api.example.com");
    }
  }

  @Test
  void aUriOfAnotherOriginOrResourceIsRefused() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");

    // A challenge for /forecast shown on /weather.
    assertThat(refusal(withHeader(gate, "/weather", signIn(gate, "/forecast", BUYER))))
        .contains("this resource is https://api.example.com/weather");
  }

  @Test
  void aSignatureByAnotherKeyForThePayersAddressIsRefused() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");
    SiwxDeclaration d = declaration(challenge(gate, "/weather"));
    SiwxProof byOther = sign(OTHER, d.info(), d.supportedChains().get(0));
    SiwxProof claimed =
        new SiwxProof(
            byOther.challenge(),
            BUYER.address().toString(),
            byOther.chainId(),
            byOther.type(),
            null,
            byOther.signature());

    assertThat(refusal(withHeader(gate, "/weather", claimed.toHeader())))
        .contains("does not recover to " + BUYER.address());
  }

  @Test
  void aFieldChangedAfterTheChallengeIsRefused() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");
    SiwxDeclaration d = declaration(challenge(gate, "/weather"));
    SiwxChallenge i = d.info();
    List<SiwxChallenge> altered =
        List.of(
            new SiwxChallenge(
                i.domain(),
                i.uri(),
                i.version(),
                i.nonce(),
                i.issuedAt(),
                clock.instant().plus(Duration.ofDays(365)).toString(),
                null,
                null,
                null,
                i.resources()),
            new SiwxChallenge(
                i.domain(),
                i.uri(),
                i.version(),
                i.nonce(),
                i.issuedAt(),
                i.expirationTime(),
                null,
                "I agree",
                null,
                i.resources()),
            new SiwxChallenge(
                i.domain(),
                i.uri(),
                i.version(),
                i.nonce(),
                i.issuedAt(),
                i.expirationTime(),
                null,
                null,
                "req-1",
                i.resources()),
            new SiwxChallenge(
                i.domain(),
                i.uri(),
                i.version(),
                i.nonce(),
                i.issuedAt(),
                i.expirationTime(),
                null,
                null,
                null,
                List.of(i.uri(), "https://api.example.com/forecast")));
    for (SiwxChallenge c : altered) {
      String header = sign(BUYER, c, d.supportedChains().get(0)).toHeader();
      assertThat(refusal(withHeader(gate, "/weather", header))).contains("nonce was not issued");
    }
  }

  @Test
  void extraLinesInAFieldAreRefusedBeforeAnythingIsSigned() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");
    SiwxDeclaration d = declaration(challenge(gate, "/weather"));
    Map<String, Object> json =
        new LinkedHashMap<>(sign(BUYER, d.info(), d.supportedChains().get(0)).toJson());
    json.put("statement", "hello\nURI: https://evil.example/");
    String header =
        Base64.getEncoder()
            .encodeToString(
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .valueToTree(json)
                    .toString()
                    .getBytes(StandardCharsets.UTF_8));

    assertThat(refusal(withHeader(gate, "/weather", header)))
        .contains("statement")
        .contains("line-break");
  }

  @Test
  void staleExpiredAndFutureChallengesAreRefused() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");

    String stale = signIn(gate, "/weather", BUYER);
    clock.advance(Duration.ofMinutes(5).plusMillis(1));
    assertThat(refusal(withHeader(gate, "/weather", stale))).contains("issued more than PT5M ago");

    String future = signIn(gate, "/weather", BUYER);
    clock.advance(Duration.ofMinutes(-1));
    assertThat(refusal(withHeader(gate, "/weather", future))).contains("issuedAt is in the future");
  }

  @Test
  void anExpirationShorterThanTheMaximumAgeIsHonoured() {
    SignInWithXExtension siwx = extension().build();
    PaymentGate gate = gate(siwx);
    pay(gate, "/weather");
    // A challenge whose own expiration passed (its nonce authenticates the 1-minute expiry).
    PaymentGate shortLived =
        gate(extension().history(siwx.history()).challengeLifetime(Duration.ofMinutes(1)).build());
    String header = signIn(shortLived, "/weather", BUYER);
    clock.advance(Duration.ofSeconds(61));

    assertThat(refusal(withHeader(gate, "/weather", header)))
        .containsAnyOf("expired", "issued more than");
  }

  @Test
  void aChainTheRouteDoesNotDeclareIsRefused() {
    PaymentGate gate = gate(extension().build());
    pay(gate, "/weather");
    SiwxDeclaration d = declaration(challenge(gate, "/weather"));

    String header = sign(BUYER, d.info(), SiwxChain.of("eip155:1")).toHeader();

    assertThat(refusal(withHeader(gate, "/weather", header)))
        .contains("does not accept sign-ins on 'eip155:1'");
  }

  @Test
  void garbageHeadersAreRefusedWithAClearReason() {
    PaymentGate gate = gate(extension().build());
    assertThat(refusal(withHeader(gate, "/weather", "%%%"))).contains("not base64");
    assertThat(
            refusal(
                withHeader(
                    gate,
                    "/weather",
                    Base64.getEncoder().encodeToString("[1]".getBytes(StandardCharsets.UTF_8)))))
        .contains("not a JSON object");
    assertThat(
            refusal(
                withHeader(
                    gate,
                    "/weather",
                    Base64.getEncoder()
                        .encodeToString("{\"domain\":1}".getBytes(StandardCharsets.UTF_8)))))
        .contains("domain must be a string");
  }

  @Test
  void aRefusedSignInWithAPaymentStillPays() {
    PaymentGate gate = gate(extension().build());
    PaymentRequired required = challenge(gate, "/weather");
    PaymentRequirements accepted = required.accepts().get(0);
    String payment =
        HEADERS.encodePaymentSignature(
            new PaymentPayload(
                ResourceInfo.of("http://10.0.0.7:8080/weather"),
                accepted,
                ExactEvmClient.of(BUYER).createPayload(2, accepted),
                null,
                Map.of()));
    String header = signIn(gate, "/weather", BUYER); // never paid: not admitted

    GateDecision d =
        gate.check(
                get("/weather", Map.of("PAYMENT-SIGNATURE", payment, SignInWithX.HEADER, header)))
            .join();

    assertThat(d).isInstanceOf(GateDecision.Admit.class);
  }

  @Test
  void contractWalletsAreAskedAndAFailingContractIsARefusalNotAnError() {
    AtomicInteger asked = new AtomicInteger();
    SignInWithXExtension ok =
        extension()
            .contractWallets(
                (chain, wallet, hash, sig) -> {
                  asked.incrementAndGet();
                  return CompletableFuture.completedFuture(wallet.equals(BUYER.address()));
                })
            .build();
    PaymentGate gate = gate(ok);
    pay(gate, "/weather");
    SiwxDeclaration d = declaration(challenge(gate, "/weather"));
    SiwxProof byOther = sign(OTHER, d.info(), d.supportedChains().get(0));
    SiwxProof asWallet =
        new SiwxProof(
            byOther.challenge(),
            BUYER.address().toString(),
            byOther.chainId(),
            byOther.type(),
            null,
            byOther.signature());

    assertThat(withHeader(gate, "/weather", asWallet.toHeader()))
        .isInstanceOf(GateDecision.Free.class);
    assertThat(asked).hasValue(1);

    SignInWithXExtension broken =
        extension()
            .history(ok.history())
            .contractWallets(
                (chain, wallet, hash, sig) ->
                    CompletableFuture.failedFuture(
                        new IllegalStateException("https://rpc/KEY-SECRET down")))
            .build();
    PaymentGate brokenGate = gate(broken);
    SiwxDeclaration d2 = declaration(challenge(brokenGate, "/weather"));
    SiwxProof byOther2 = sign(OTHER, d2.info(), d2.supportedChains().get(0));
    SiwxProof asWallet2 =
        new SiwxProof(
            byOther2.challenge(),
            BUYER.address().toString(),
            byOther2.chainId(),
            byOther2.type(),
            null,
            byOther2.signature());

    String error = refusal(withHeader(brokenGate, "/weather", asWallet2.toHeader()));
    assertThat(error).contains("could not be asked on eip155:84532").doesNotContain("KEY-SECRET");
  }

  @Test
  void erc6492SignaturesAreRefusedClearly() {
    PaymentGate gate =
        gate(
            extension()
                .contractWallets((c, w, h, s) -> CompletableFuture.completedFuture(true))
                .build());
    pay(gate, "/weather");
    SiwxDeclaration d = declaration(challenge(gate, "/weather"));
    SiwxProof p = sign(BUYER, d.info(), d.supportedChains().get(0));
    String wrapped = p.signature() + "6492".repeat(16);
    SiwxProof w =
        new SiwxProof(p.challenge(), p.address(), p.chainId(), p.type(), "eip6492", wrapped);

    assertThat(refusal(withHeader(gate, "/weather", w.toHeader()))).contains("ERC-6492");
  }
}
