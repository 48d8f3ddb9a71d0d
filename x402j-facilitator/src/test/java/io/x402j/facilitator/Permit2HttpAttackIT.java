package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Witness;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile Permit2 and upto bodies against the facilitator's HTTP API on a real chain: malformed
 * permit fields must get a 200 with a reason or a 400 naming the field, never a 500 or a stack
 * trace, and respelled copies of a settled upto payment (nonce with leading zeros, addresses in
 * other letter cases, JSON key order, the amount with leading zeros) must never send a second
 * transaction nor settle a different amount.
 */
class Permit2HttpAttackIT {
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final BigInteger CEILING = BigInteger.valueOf(100_000);
  static final WireCodec WIRE = WireCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final SecureRandom RANDOM = new SecureRandom();

  static Devnet devnet;
  static DevnetInfo info;
  static PrivateKeySigner buyer;
  static PrivateKeySigner gas;
  static EvmAddress seller;
  static Path dir;
  static FacilitatorApp app;

  @BeforeAll
  static void start() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas-1", ETH, BigInteger.ZERO)
                .account("buyer", ETH, BigInteger.valueOf(1_000_000_000))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    buyer = info.requireAccount("buyer").signer();
    gas = info.requireAccount("gas-1").signer();
    seller = info.requireAccount("seller").address();
    devnet.approvePermit2(buyer.address(), info.token());
    dir = Files.createTempDirectory("x402j-permit2-attack-it");
    FacilitatorConfig config =
        FacilitatorConfig.builder()
            .port(0)
            .database("jdbc:sqlite:" + dir.resolve("ledger.db"))
            .network(
                NetworkSettings.builder(info.network())
                    .rpcUrl(info.rpcUrl())
                    .signersFromEnv("KEYS_GAS")
                    .asset(info.token())
                    .pollInterval(Duration.ofMillis(50))
                    .blockTime(Duration.ofMillis(200))
                    .build())
            .build();
    app =
        FacilitatorApp.start(
            config,
            Map.of("KEYS_GAS", info.requireAccount("gas-1").privateKey()),
            NetworkRegistry.defaults(),
            java.time.Clock.systemUTC(),
            System::nanoTime);
  }

  @AfterAll
  static void stop() {
    app.close();
    devnet.close();
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static PaymentRequirements requirements(String scheme, BigInteger amount) {
    return PaymentRequirements.builder()
        .scheme(scheme)
        .network(info.network())
        .amount(TokenAmount.of(amount))
        .asset(info.token().toString())
        .payTo(seller.toString())
        .maxTimeoutSeconds(60)
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .extra("assetTransferMethod", "permit2")
        .extra("facilitatorAddress", gas.address().toString())
        .build();
  }

  static Permit2Authorization uptoPermit(BigInteger nonce) {
    return new Permit2Authorization(
        info.token(),
        CEILING,
        buyer.address(),
        Permit2.UPTO_PROXY,
        nonce,
        BigInteger.valueOf(now() + 600),
        Permit2Witness.upto(seller, gas.address(), BigInteger.valueOf(now() - 600)));
  }

  /**
   * A JSON body whose payload is the signed upto permit and whose requirement asks {@code amount}.
   */
  static ObjectNode uptoBody(Permit2Authorization a, BigInteger amount) {
    Map<String, Object> payload =
        new Permit2Payload(Permit2.sign(buyer, info.chainId(), a).toString(), a).toMap();
    PaymentPayload paid = PaymentPayload.of(null, requirements("upto", CEILING), payload);
    try {
      return (ObjectNode)
          JSON.readTree(WIRE.toJson(FacilitatorRequest.of(paid, requirements("upto", amount))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(app.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static ObjectNode authorization(ObjectNode body) {
    return (ObjectNode) body.path("paymentPayload").path("payload").path("permit2Authorization");
  }

  /**
   * Proves (held on the current code unless it fails): each malformed Permit2 field, on /verify and
   * /settle, is a 200 with an official reason or a 400 naming the field; never a 500, a stack
   * trace, or a transaction.
   */
  @Test
  void malformedPermit2FieldsAreClearErrorsNeverA500() throws Exception {
    Map<String, Consumer<ObjectNode>> attacks = new LinkedHashMap<>();
    attacks.put("nonce as a JSON number", b -> authorization(b).put("nonce", 5));
    attacks.put("nonce in hex", b -> authorization(b).put("nonce", "0x05"));
    attacks.put("nonce in Arabic-Indic digits", b -> authorization(b).put("nonce", "\u0661\u0662"));
    attacks.put("nonce above uint256", b -> authorization(b).put("nonce", "1" + "0".repeat(80)));
    attacks.put("negative nonce", b -> authorization(b).put("nonce", "-1"));
    attacks.put("nonce null", b -> authorization(b).putNull("nonce"));
    attacks.put("permitted as an array", b -> authorization(b).putArray("permitted"));
    attacks.put("witness missing", b -> authorization(b).remove("witness"));
    attacks.put("witness as a string", b -> authorization(b).put("witness", "x"));
    attacks.put(
        "facilitator not an address",
        b -> ((ObjectNode) authorization(b).path("witness")).put("facilitator", "0x1234"));
    attacks.put(
        "facilitator in fullwidth digits",
        b ->
            ((ObjectNode) authorization(b).path("witness"))
                .put("facilitator", "0x\uff10" + gas.address().toLowerHex().substring(3)));
    attacks.put(
        "token as an object",
        b -> ((ObjectNode) authorization(b).path("permitted")).putObject("token"));
    attacks.put(
        "permit2Authorization null",
        b ->
            ((ObjectNode) b.path("paymentPayload").path("payload"))
                .putNull("permit2Authorization"));
    attacks.put(
        "signature not hex",
        b -> ((ObjectNode) b.path("paymentPayload").path("payload")).put("signature", "0xzz"));
    attacks.put(
        "signature 64 bytes",
        b ->
            ((ObjectNode) b.path("paymentPayload").path("payload"))
                .put("signature", "0x" + "11".repeat(64)));
    attacks.put(
        "signature 1 MB-ish of hex",
        b ->
            ((ObjectNode) b.path("paymentPayload").path("payload"))
                .put("signature", "0x" + "ab".repeat(200_000)));
    attacks.put(
        "eip2612 extension malformed",
        b ->
            ((ObjectNode) b.path("paymentPayload"))
                .putObject("extensions")
                .putObject("eip2612GasSponsoring")
                // Every payer field present (else, as for the official facilitator, the extension
                // is only an echo of the declaration and ignored), one of them not an address.
                .putObject("info")
                .put("from", "not an address")
                .put("asset", "0x" + "11".repeat(20))
                .put("spender", "0x000000000022D473030F116dDEE9F6B43aC78BA3")
                .put("amount", "100000")
                .put("nonce", "0")
                .put("deadline", "99999999999")
                .put("signature", "0x" + "11".repeat(65))
                .put("version", "1"));
    attacks.put(
        "settlement amount above uint256",
        b -> ((ObjectNode) b.path("paymentRequirements")).put("amount", "1" + "0".repeat(80)));
    long sentBefore = devnet.transactionCount(gas.address());
    List<String> broken = new ArrayList<>();
    for (Map.Entry<String, Consumer<ObjectNode>> attack : attacks.entrySet()) {
      for (String path : List.of("/verify", "/settle")) {
        ObjectNode body = uptoBody(uptoPermit(new BigInteger(200, RANDOM)), CEILING);
        attack.getValue().accept(body);
        HttpResponse<String> response = post(path, body.toString());
        String text = response.body();
        int status = response.statusCode();
        boolean refused = status == 400 || status == 413;
        if (status == 200) {
          JsonNode answer = JSON.readTree(text);
          String reason =
              answer.path("invalidReason").asText("") + answer.path("errorReason").asText("");
          refused =
              !reason.isEmpty()
                  && !answer.path("isValid").asBoolean(false)
                  && !answer.path("success").asBoolean(false);
        }
        boolean clear = refused && !text.contains("Exception") && !text.contains("\tat ");
        if (!clear) {
          broken.add(
              attack.getKey()
                  + " "
                  + path
                  + " -> "
                  + response.statusCode()
                  + " "
                  + abbreviate(text));
        }
      }
    }
    assertThat(broken).as("hostile bodies without a clear refusal").isEmpty();
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(sentBefore);
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  /**
   * Proves (held on the current code unless it fails): an upto permit settled once over HTTP for
   * 4000 cannot be settled again, by respelled copies, for the same or another amount: exactly one
   * transaction leaves the facilitator and the buyer loses exactly 4000.
   */
  @Test
  void respelledUptoCopiesNeverSettleTwice() throws Exception {
    BigInteger nonce = new BigInteger(200, RANDOM);
    Permit2Authorization a = uptoPermit(nonce);
    BigInteger charged = BigInteger.valueOf(4000);
    long sentBefore = devnet.transactionCount(gas.address());
    BigInteger buyerBefore = devnet.tokenBalance(buyer.address());

    HttpResponse<String> first = post("/settle", uptoBody(a, charged).toString());
    assertThat(JSON.readTree(first.body()).path("success").asBoolean()).as(first.body()).isTrue();

    List<ObjectNode> copies = new ArrayList<>();
    ObjectNode zeros = uptoBody(a, charged);
    authorization(zeros).put("nonce", "000" + nonce);
    copies.add(zeros);
    ObjectNode upper = uptoBody(a, charged);
    authorization(upper)
        .put("from", "0x" + buyer.address().toLowerHex().substring(2).toUpperCase());
    ((ObjectNode) authorization(upper).path("witness"))
        .put("facilitator", gas.address().toLowerHex());
    copies.add(upper);
    ObjectNode amountZeros = uptoBody(a, charged);
    ((ObjectNode) amountZeros.path("paymentRequirements")).put("amount", "0004000");
    copies.add(amountZeros);
    for (BigInteger other : List.of(BigInteger.ZERO, BigInteger.valueOf(3999), CEILING)) {
      copies.add(uptoBody(a, other));
    }
    // Key order reversed in the permit.
    ObjectNode reordered = uptoBody(a, BigInteger.valueOf(5000));
    ObjectNode auth = authorization(reordered);
    List<String> names = new ArrayList<>();
    auth.fieldNames().forEachRemaining(names::add);
    ObjectNode reversed = JSON.createObjectNode();
    for (int i = names.size() - 1; i >= 0; i--) {
      reversed.set(names.get(i), auth.get(names.get(i)));
    }
    ((ObjectNode) reordered.path("paymentPayload").path("payload"))
        .set("permit2Authorization", reversed);
    copies.add(reordered);

    for (ObjectNode copy : copies) {
      HttpResponse<String> again = post("/settle", copy.toString());
      assertThat(again.statusCode()).as(again.body()).isIn(200, 400);
      JsonNode answer = JSON.readTree(again.body());
      if (answer.path("success").asBoolean(false)) {
        // Only an identical repeat may answer success, and then for the same transaction/amount.
        assertThat(answer.path("amount").asText()).as(again.body()).isEqualTo("4000");
        assertThat(answer.path("transaction").asText())
            .isEqualTo(JSON.readTree(first.body()).path("transaction").asText());
      }
    }
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(sentBefore + 1);
    assertThat(devnet.tokenBalance(buyer.address())).isEqualTo(buyerBefore.subtract(charged));
  }
}
