package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.extensions.BuilderCode.Attribution;
import io.x402j.core.extensions.offerreceipt.Ed25519Jws;
import io.x402j.core.extensions.offerreceipt.Jws;
import io.x402j.core.extensions.offerreceipt.OfferPayload;
import io.x402j.core.extensions.offerreceipt.OfferReceiptSigner;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ERC-8021 suffixes (the spec's own example bytes, hostile calldata) and the verifier's answers to
 * tampered, re-keyed and malformed offers. Interop with the official package is in x402j-interop.
 */
class OfferReceiptAndBuilderCodeTest {
  static final PrivateKeySigner KEY = PrivateKeySigner.fromHex("0x" + "11".repeat(32));
  static final OfferPayload OFFER =
      new OfferPayload(
          1,
          "https://api.example.com/premium-data",
          "exact",
          "eip155:8453",
          "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
          KEY.address().toString(),
          "10000",
          1_703_123_516L);

  @Test
  void theSpecsExampleSuffixes() {
    assertThat(Hex.encode(Erc8021.suffix(new Attribution("bc_myapp", List.of(), null))))
        .isEqualTo("0xa161616862635f6d79617070000c0280218021802180218021802180218021");
    assertThat(
            Hex.encode(Erc8021.suffix(new Attribution("bc_myapp", List.of(), "bc_myfacilitator"))))
        .isEqualTo(
            "0xa261616862635f6d7961707061777062635f6d79666163696c697461746f72001f02"
                + "80218021802180218021802180218021");
  }

  @Test
  void parsingRefusesWhatIsNotAnAttribution() {
    byte[] good = Erc8021.suffix(new Attribution("app", List.of("s1"), "w1"));
    assertThat(Erc8021.parse(good)).isPresent();
    byte[] otherSchema = good.clone();
    otherSchema[good.length - 17] = 1;
    assertThat(Erc8021.parse(otherSchema)).isEmpty();
    byte[] lengthTooLong = good.clone();
    lengthTooLong[good.length - 19] = 0x7f;
    assertThat(Erc8021.parse(lengthTooLong)).isEmpty();
    assertThat(Erc8021.parse(new byte[] {1, 2, 3})).isEmpty();
    byte[] upper = good.clone();
    upper[2] = 'A'; // "a" key's value "app" -> "App"... keys and values are checked
    assertThat(Erc8021.parse(upper)).isEmpty();
  }

  @Test
  void codesAreAsciiLowercaseDigitsAndUnderscoreUpTo32() {
    assertThat(BuilderCode.isValidCode("a_1")).isTrue();
    assertThat(BuilderCode.isValidCode("x".repeat(32))).isTrue();
    assertThat(BuilderCode.isValidCode("x".repeat(33))).isFalse();
    assertThat(BuilderCode.isValidCode("")).isFalse();
    assertThat(BuilderCode.isValidCode("Abc")).isFalse();
    assertThat(BuilderCode.isValidCode("caf\u00e9")).isFalse();
    assertThat(BuilderCode.isValidCode("\uff41")).isFalse(); // fullwidth a
    assertThat(BuilderCode.isValidCode("a-b")).isFalse();
    assertThat(BuilderCode.isValidCode(7L)).isFalse();
  }

  @Test
  void theBuyersEchoPutsItsCodesFirstAndKeepsTheSellersA() {
    Map<String, Object> declared = BuilderCode.declaration("app", List.of("srv"));
    Map<String, Object> echo = BuilderCode.echo(declared, List.of("mine", "srv")).orElseThrow();
    assertThat(echo.get("info")).isEqualTo(Map.of("a", "app", "s", List.of("mine", "srv")));
    assertThat(BuilderCode.checkEcho(declared, echo)).isEmpty();
    assertThat(BuilderCode.echo(null, List.of("mine")).orElseThrow().get("info"))
        .isEqualTo(Map.of("s", List.of("mine"))); // no a when none was declared
    assertThat(BuilderCode.echo(null, List.of())).isEmpty();
  }

  @Test
  void anEip712OfferVerifiesAndNamesItsSigner() {
    Map<String, Object> signed = OfferReceiptEip712.signer(KEY).signOffer(OFFER);
    var outcome = OfferReceiptVerifier.offline().verifyOffer(signed);
    assertThat(outcome.problem()).isNull();
    assertThat(outcome.verified().signedBy(OFFER.payTo())).isTrue();
    assertThat(outcome.verified().payload()).isEqualTo(OFFER);
  }

  @Test
  void aTamperedEip712OfferRecoversAnotherSigner() {
    Map<String, Object> signed =
        new LinkedHashMap<>(OfferReceiptEip712.signer(KEY).signOffer(OFFER));
    Map<String, Object> payload = new LinkedHashMap<>(OFFER.toMap());
    payload.put("amount", "1");
    signed.put("payload", payload);
    var outcome = OfferReceiptVerifier.offline().verifyOffer(signed);
    assertThat(outcome.ok()).isTrue(); // a signature always recovers to somebody...
    assertThat(outcome.verified().signedBy(OFFER.payTo())).isFalse(); // ...not to payTo
  }

  @Test
  void aJwsOfferVerifiesByItsDidKeyAndATamperedOneDoesNot() {
    for (Jws.Signer signer : List.of(Ed25519Jws.generate(), Es256k.signer(KEY))) {
      Map<String, Object> signed = OfferReceiptSigner.jws(signer).signOffer(OFFER);
      var ok = OfferReceiptVerifier.offline().verifyOffer(signed);
      assertThat(ok.problem()).as(signer.toString()).isNull();
      assertThat(ok.verified().signer()).isEqualTo(signer.kid());
      assertThat(ok.verified().payload()).isEqualTo(OFFER);

      String[] parts = ((String) signed.get("signature")).split("\\.");
      String forged =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  new String(Base64.getUrlDecoder().decode(parts[1]))
                      .replace("10000", "10001")
                      .getBytes());
      var bad =
          OfferReceiptVerifier.offline()
              .verifyOffer(
                  Map.of("format", "jws", "signature", parts[0] + "." + forged + "." + parts[2]));
      assertThat(bad.problem()).contains("does not verify");
    }
  }

  @Test
  void aJwsWhoseHeaderJwkIsNotItsKidsKeyIsRefused() {
    Jws.Signer mine = Ed25519Jws.generate();
    Jws.Signer other = Ed25519Jws.generate();
    String jws = Jws.sign(OFFER.toMap(), mine);
    String[] parts = jws.split("\\.");
    Map<String, Object> otherJwk =
        io.x402j.core.extensions.offerreceipt.DidKeys.decode(other.kid())
            .flatMap(d -> Ed25519Jws.key(d.key()))
            .orElseThrow()
            .jwk();
    String header =
        "{\"alg\":\"EdDSA\",\"kid\":\""
            + mine.kid()
            + "\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
            + otherJwk.get("x")
            + "\"}}";
    String h = Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes());
    var outcome =
        OfferReceiptVerifier.offline()
            .verifyOffer(Map.of("format", "jws", "signature", h + "." + parts[1] + "." + parts[2]));
    assertThat(outcome.problem()).contains("not the key of its kid");
  }

  @Test
  void malformedArtifactsAreProblemsNotExceptions() {
    OfferReceiptVerifier v = OfferReceiptVerifier.offline();
    assertThat(v.verifyOffer(Map.of("format", "jws", "signature", "a.b")).problem())
        .contains("three parts");
    assertThat(v.verifyOffer(Map.of("format", "rsa", "signature", "x")).problem())
        .contains("not eip712 or jws");
    assertThat(v.verifyOffer(Map.of("format", "eip712", "signature", "0x00")).problem())
        .contains("payload");
    Map<String, Object> future = new LinkedHashMap<>(OFFER.toMap());
    future.put("version", 2L);
    assertThat(
            v.verifyOffer(
                    Map.of(
                        "format", "eip712", "payload", future, "signature", "0x" + "11".repeat(65)))
                .problem())
        .contains("version 2");
    assertThat(
            v.verifyOffer(
                    Map.of(
                        "format",
                        "jws",
                        "signature",
                        "eyJhbGciOiJFZERTQSIsImtpZCI6ImRpZDp3ZWI6ZXhhbXBsZS5jb20ifQ.e30.AA"))
                .problem())
        .contains("cannot be resolved");
  }
}
