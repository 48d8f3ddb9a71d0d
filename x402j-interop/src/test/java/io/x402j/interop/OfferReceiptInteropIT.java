package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.extensions.BuilderCode.Attribution;
import io.x402j.core.extensions.offerreceipt.Ed25519Jws;
import io.x402j.core.extensions.offerreceipt.OfferPayload;
import io.x402j.core.extensions.offerreceipt.OfferReceiptSigner;
import io.x402j.core.extensions.offerreceipt.ReceiptPayload;
import io.x402j.core.support.JsonValues;
import io.x402j.evm.Erc8021;
import io.x402j.evm.Es256k;
import io.x402j.evm.Hex;
import io.x402j.evm.OfferReceiptEip712;
import io.x402j.evm.OfferReceiptVerifier;
import io.x402j.evm.PrivateKeySigner;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * offer-receipt and builder-code against the official {@code @x402/extensions} 2.27.0, both ways:
 * x402j's EIP-712, EdDSA and ES256K offers and receipts verify with the official verifiers (signer
 * and payload as signed); the official EIP-712 and EdDSA (did:jwk) offers and receipts verify with
 * x402j's; ERC-8021 suffixes are byte-identical to the official encoder and to the official
 * facilitator's (hostile echoes included), and the official parser reads x402j's.
 */
class OfferReceiptInteropIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void offersReceiptsAndSuffixesAgreeWithTheOfficialPackage() throws Exception {
    PrivateKeySigner evmKey = PrivateKeySigner.generate(new SecureRandom());
    OfferPayload offer =
        new OfferPayload(
            1,
            "https://api.example.com/premium-data?q=\u00fc",
            "exact",
            "eip155:8453",
            "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
            "10000",
            1_703_123_516L);
    ReceiptPayload receipt =
        new ReceiptPayload(
            1,
            "eip155:8453",
            "https://api.example.com/premium-data?q=\u00fc",
            "0x857b06519E91e3A54538791bDbb0E22373e36b66",
            1_703_123_456L,
            "");
    ReceiptPayload receiptWithTx =
        new ReceiptPayload(
            1,
            "eip155:8453",
            "https://a.example/x",
            "0x857b06519E91e3A54538791bDbb0E22373e36b66",
            1_703_123_456L,
            "0x" + "ab".repeat(32));
    OfferReceiptSigner eip712 = OfferReceiptEip712.signer(evmKey);
    OfferReceiptSigner ed = OfferReceiptSigner.jws(Ed25519Jws.generate());
    OfferReceiptSigner k1 = OfferReceiptSigner.jws(Es256k.signer(evmKey));
    Map<String, Object> artifacts = new LinkedHashMap<>();
    artifacts.put("eip712-offer", eip712.signOffer(offer));
    artifacts.put("eip712-receipt", eip712.signReceipt(receipt));
    artifacts.put("eip712-receipt-tx", eip712.signReceipt(receiptWithTx));
    artifacts.put("eddsa-offer", ed.signOffer(offer));
    artifacts.put("eddsa-receipt", ed.signReceipt(receipt));
    artifacts.put("es256k-offer", k1.signOffer(offer));
    artifacts.put("es256k-receipt", k1.signReceipt(receiptWithTx));

    List<Map<String, Object>> suffixes =
        List.of(
            Map.of("a", "bc_myapp"),
            Map.of("a", "bc_myapp", "w", "bc_myfacilitator"),
            Map.of("a", "a", "w", "w", "s", List.of("x".repeat(32), "s_2", "s_3")),
            Map.of("s", List.of("only_s")),
            Map.of(
                "w",
                "w".repeat(32),
                "s",
                List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")));
    List<Attribution> attributions = new ArrayList<>();
    for (Map<String, Object> s : suffixes) {
      @SuppressWarnings("unchecked")
      List<String> codes = (List<String>) s.getOrDefault("s", List.of());
      attributions.add(new Attribution((String) s.get("a"), codes, (String) s.get("w")));
    }
    // What the official facilitator makes of echoes, hostile ones included.
    List<Map<String, Object>> echoes =
        List.of(
            Map.of("a", "bc_app", "s", List.of("c1", "c2")),
            Map.of("a", "BadApp", "s", List.of("ok", "UPPER", "caf\u00e9", "x".repeat(33), "ok2")),
            Map.of("s", "single"),
            Map.of(
                "a",
                "app",
                "s",
                List.of(
                    "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "fac_s")),
            Map.of());
    List<Map<String, Object>> payloads = new ArrayList<>();
    for (Map<String, Object> echo : echoes) {
      payloads.add(
          Map.of("x402Version", 2, "extensions", Map.of(BuilderCode.KEY, Map.of("info", echo))));
    }
    payloads.add(
        Map.of(
            "x402Version",
            1,
            "extensions",
            Map.of(BuilderCode.KEY, Map.of("info", echoes.get(0)))));

    Map<String, Object> input = new LinkedHashMap<>();
    input.put("key", "0x" + evmKey.exportPrivateKeyHex().replaceFirst("^0x", ""));
    input.put("resourceUrl", offer.resourceUrl());
    input.put(
        "offerInput",
        Map.of(
            "acceptIndex",
            0,
            "scheme",
            offer.scheme(),
            "network",
            offer.network(),
            "asset",
            offer.asset(),
            "payTo",
            offer.payTo(),
            "amount",
            offer.amount(),
            "offerValiditySeconds",
            60));
    input.put(
        "receiptInput",
        Map.of(
            "resourceUrl",
            receipt.resourceUrl(),
            "payer",
            receipt.payer(),
            "network",
            receipt.network(),
            "transaction",
            "0x" + "cd".repeat(32)));
    input.put("artifacts", artifacts);
    input.put("suffixes", suffixes);
    input.put(
        "facilitator",
        Map.of(
            "config",
            Map.of("builderCode", "fac_w", "serviceCode", "fac_s"),
            "payloads",
            payloads));
    List<String> calldata = new ArrayList<>();
    for (Attribution a : attributions) {
      calldata.add(Hex.encode(Erc8021.append(Hex.decode("0xa9059cbb" + "00".repeat(64)), a)));
    }
    input.put("calldata", calldata);

    JsonNode out =
        Node.project()
            .run(
                "offer-receipt.mjs",
                Map.of("X402J_CASE", JSON.writeValueAsString(input)),
                Duration.ofSeconds(60));

    // x402j -> official
    JsonNode verified = out.path("verified");
    for (String name : artifacts.keySet()) {
      assertThat(verified.path(name).has("error")).as(name + ": " + verified.path(name)).isFalse();
    }
    for (String name : List.of("eip712-offer", "eip712-receipt", "eip712-receipt-tx")) {
      assertThat(verified.path(name).path("signer").asText())
          .as(name)
          .isEqualToIgnoringCase(evmKey.address().toString());
    }
    assertThat(verified.path("eddsa-offer").path("payload").path("validUntil").asLong())
        .isEqualTo(offer.validUntil());
    assertThat(verified.path("es256k-receipt").path("payload").path("transaction").asText())
        .isEqualTo(receiptWithTx.transaction());
    assertThat(verified.path("eddsa-receipt").path("payload").has("transaction")).isFalse();

    // official -> x402j
    OfferReceiptVerifier verifier = OfferReceiptVerifier.offline();
    JsonNode signed = out.path("signed");
    String officialSigner = out.path("signer").asText();
    var o = verifier.verifyOffer(map(signed.path("eip712Offer")));
    assertThat(o.problem()).isNull();
    assertThat(o.verified().signedBy(officialSigner)).isTrue();
    assertThat(o.verified().payload().amount()).isEqualTo("10000");
    var r = verifier.verifyReceipt(map(signed.path("eip712Receipt")));
    assertThat(r.problem()).isNull();
    assertThat(r.verified().signedBy(officialSigner)).isTrue();
    var jo = verifier.verifyOffer(map(signed.path("jwsOffer")));
    assertThat(jo.problem()).isNull();
    assertThat(jo.verified().signer()).startsWith("did:jwk:");
    assertThat(jo.verified().payload().payTo()).isEqualTo(offer.payTo());
    var jr = verifier.verifyReceipt(map(signed.path("jwsReceipt")));
    assertThat(jr.problem()).isNull();
    assertThat(jr.verified().payload().transaction()).isEqualTo("0x" + "cd".repeat(32));
    // and a tampered official artifact does not verify
    Map<String, Object> tampered = new LinkedHashMap<>(map(signed.path("eip712Offer")));
    Map<String, Object> payload =
        new LinkedHashMap<>(map(signed.path("eip712Offer").path("payload")));
    payload.put("amount", "1");
    tampered.put("payload", payload);
    assertThat(verifier.verifyOffer(tampered).verified().signedBy(officialSigner)).isFalse();

    // builder-code: same bytes as the official encoder, and the official parser reads ours
    for (int i = 0; i < attributions.size(); i++) {
      assertThat(out.path("suffixes").get(i).asText())
          .as("suffix %d", i)
          .isEqualTo(Hex.encode(Erc8021.suffix(attributions.get(i))));
      assertThat(map(out.path("parsed").get(i)))
          .as("parsed %d", i)
          .isEqualTo(JsonValues.canonical(suffixes.get(i), "s"));
    }
    // and the same suffix as the official facilitator for every echo
    for (int i = 0; i < payloads.size(); i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> extensions = (Map<String, Object>) payloads.get(i).get("extensions");
      String ours =
          BuilderCode.forSettlement(
                  (Integer) payloads.get(i).get("x402Version"), extensions, "fac_w", "fac_s")
              .map(a -> Hex.encode(Erc8021.suffix(a)))
              .orElse(null);
      JsonNode theirs = out.path("facilitator").get(i);
      assertThat(ours).as("facilitator %d", i).isEqualTo(theirs.isNull() ? null : theirs.asText());
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(JsonNode node) {
    return (Map<String, Object>) JsonValues.fromNode(node);
  }
}
