package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.offerreceipt.DidKeys;
import io.x402j.core.extensions.offerreceipt.Ed25519Jws;
import io.x402j.core.extensions.offerreceipt.Jws;
import io.x402j.core.extensions.offerreceipt.OfferPayload;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Attack: a JWS whose {@code kid} names someone else's key id that the verifier cannot resolve (a
 * {@code did:web}, a resolver that is down, a {@code did:key} of an unsupported curve) but whose
 * header carries the attacker's own {@code jwk}. The header key must never speak for the kid.
 */
class OfferReceiptKidSpoofTest {
  static final OfferPayload OFFER = OfferReceiptAndBuilderCodeTest.OFFER;

  private static Map<String, Object> spoofed(String victimKid) {
    Jws.Signer attacker = Ed25519Jws.generate();
    Object x =
        DidKeys.decode(attacker.kid())
            .flatMap(d -> Ed25519Jws.key(d.key()))
            .orElseThrow()
            .jwk()
            .get("x");
    String header =
        "{\"alg\":\"EdDSA\",\"kid\":\""
            + victimKid
            + "\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
            + x
            + "\"}}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String payload = Jws.sign(OFFER.toMap(), attacker).split("\\.")[1];
    String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + payload;
    String signature = b64.encodeToString(attacker.sign(input.getBytes(StandardCharsets.US_ASCII)));
    return Map.of("format", "jws", "signature", input + "." + signature);
  }

  @Test
  void anUnresolvableDidWebKidIsNotVouchedForByTheHeadersOwnJwk() {
    var outcome =
        OfferReceiptVerifier.offline().verifyOffer(spoofed("did:web:api.example.com#key-1"));
    assertThat(outcome.ok())
        .as("signer reported: %s", outcome.verified() == null ? null : outcome.verified().signer())
        .isFalse();
  }

  @Test
  void aResolverThatKnowsNothingOrFailsDoesNotLetTheHeaderJwkSpeakForTheKid() {
    var unknown = OfferReceiptVerifier.withResolver(kid -> Optional.empty());
    assertThat(unknown.verifyOffer(spoofed("did:web:api.example.com#key-1")).ok()).isFalse();
    var down =
        OfferReceiptVerifier.withResolver(
            kid -> {
              throw new IllegalStateException("did:web document unreachable");
            });
    assertThat(down.verifyOffer(spoofed("did:web:api.example.com#key-1")).ok()).isFalse();
  }

  @Test
  void aDidKeyOfAnUnsupportedCurveIsNotVouchedForByTheHeadersOwnJwk() {
    // did:key of a P-256 key (multicodec 0x1200): the verifier resolves no P-256 keys offline.
    byte[] p256 = new byte[33];
    p256[0] = 0x02;
    p256[32] = 0x07;
    String victim = DidKeys.didKey(0x1200, p256);
    var outcome = OfferReceiptVerifier.offline().verifyOffer(spoofed(victim));
    assertThat(outcome.ok())
        .as("signer reported: %s", outcome.verified() == null ? null : outcome.verified().signer())
        .isFalse();
  }
}
