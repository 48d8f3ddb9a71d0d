package io.x402j.evm;

import io.x402j.core.extensions.offerreceipt.DidKeys;
import io.x402j.core.extensions.offerreceipt.Ed25519Jws;
import io.x402j.core.extensions.offerreceipt.Jws;
import io.x402j.core.extensions.offerreceipt.OfferPayload;
import io.x402j.core.extensions.offerreceipt.OfferReceipt;
import io.x402j.core.extensions.offerreceipt.ReceiptPayload;
import io.x402j.core.support.Text;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks the signature of a signed offer or receipt (spec §4.5, §5.5) and says who signed it: for
 * {@code eip712} the recovered address, for {@code jws} the {@code kid} whose key verified it. Keys
 * of {@code did:key} (Ed25519, secp256k1) and {@code did:jwk} ids are resolved offline; other ids
 * (such as {@code did:web}) through an optional resolver; a header {@code jwk} must be the kid's
 * key and never replaces it. Whether that signer may speak for the resource (signer authorization,
 * §4.5.1) is the caller's decision — the simplest rule, the {@code payTo} address signing, is
 * {@link Verified#signedBy(String)}.
 *
 * <p>Expected failures are values: {@link Outcome#problem()} says what is wrong.
 */
public final class OfferReceiptVerifier {
  private final Function<String, Optional<Jws.Key>> kidResolver;

  private OfferReceiptVerifier(Function<String, Optional<Jws.Key>> kidResolver) {
    this.kidResolver = kidResolver;
  }

  /** A verifier resolving only offline key ids. */
  public static OfferReceiptVerifier offline() {
    return new OfferReceiptVerifier(kid -> Optional.empty());
  }

  /** A verifier that asks {@code resolver} for key ids it cannot resolve offline. */
  public static OfferReceiptVerifier withResolver(Function<String, Optional<Jws.Key>> resolver) {
    return new OfferReceiptVerifier(Objects.requireNonNull(resolver, "resolver"));
  }

  /**
   * A verified artifact.
   *
   * @param payload what was signed
   * @param format {@code eip712} or {@code jws}
   * @param signer the recovered address ({@code eip712}, lowercase hex) or the {@code kid} ({@code
   *     jws})
   */
  public record Verified<P>(P payload, String format, String signer) {
    /** Whether an {@code eip712} artifact was signed by the EVM address {@code address}. */
    public boolean signedBy(String address) {
      return OfferReceipt.EIP712.equals(format)
          && EvmAddress.isValid(address)
          && EvmAddress.parse(address).toLowerHex().equals(signer);
    }
  }

  /**
   * The outcome of a check: verified, or a problem.
   *
   * @param verified the verified artifact, or {@code null}
   * @param problem what is wrong, or {@code null}
   */
  public record Outcome<P>(Verified<P> verified, String problem) {
    /** Whether the signature verified. */
    public boolean ok() {
      return verified != null;
    }

    static <P> Outcome<P> refused(String problem) {
      return new Outcome<>(null, problem);
    }
  }

  /** Checks a signed offer {@code {format, payload?, signature, acceptIndex?}}. */
  public Outcome<OfferPayload> verifyOffer(Map<String, Object> offer) {
    return verify(offer, "offer", OfferPayload::fromMap, OfferReceiptEip712::recover);
  }

  /** Checks a signed receipt {@code {format, payload?, signature}}. */
  public Outcome<ReceiptPayload> verifyReceipt(Map<String, Object> receipt) {
    return verify(receipt, "receipt", ReceiptPayload::fromMap, OfferReceiptEip712::recover);
  }

  private interface Recover<P> {
    EvmAddress recover(P payload, String signature);
  }

  private <P> Outcome<P> verify(
      Map<String, Object> artifact, String what, Function<Object, P> read, Recover<P> recover) {
    if (artifact == null) {
      return Outcome.refused("no signed " + what);
    }
    Object format = artifact.get("format");
    if (!(artifact.get("signature") instanceof String signature)) {
      return Outcome.refused("the signed " + what + " has no signature");
    }
    if (OfferReceipt.EIP712.equals(format)) {
      P payload;
      try {
        payload = read.apply(artifact.get("payload"));
      } catch (IllegalArgumentException e) {
        return Outcome.refused("the " + what + " payload is malformed: " + e.getMessage());
      }
      Optional<String> version = version(artifact.get("payload"));
      if (version.isPresent()) {
        return Outcome.refused(what + " " + version.get());
      }
      try {
        EvmAddress signer = recover.recover(payload, signature);
        return new Outcome<>(
            new Verified<>(payload, OfferReceipt.EIP712, signer.toLowerHex()), null);
      } catch (IllegalArgumentException e) {
        return Outcome.refused("the " + what + " signature is invalid: " + e.getMessage());
      }
    }
    if (OfferReceipt.JWS.equals(format)) {
      Jws.Parsed jws;
      try {
        jws = Jws.parse(signature);
      } catch (IllegalArgumentException e) {
        return Outcome.refused("the " + what + " JWS is malformed: " + e.getMessage());
      }
      String kid = jws.kid();
      if (kid == null || jws.alg() == null) {
        return Outcome.refused("the " + what + " JWS header lacks alg or kid");
      }
      Optional<Jws.Key> fromKid = resolve(kid);
      Optional<Jws.Key> fromHeader =
          jws.header().get("jwk") instanceof Map<?, ?> jwk ? fromJwk(jwk) : Optional.empty();
      if (fromKid.isPresent()
          && fromHeader.isPresent()
          && !fromKid.get().jwk().equals(fromHeader.get().jwk())) {
        return Outcome.refused("the " + what + " JWS header jwk is not the key of its kid");
      }
      // The kid names the signer, so only the kid's own key may verify: a header jwk is at most a
      // copy of it, never a stand-in for a kid that cannot be resolved (anyone can put a key
      // there).
      Optional<Jws.Key> key = fromKid;
      if (key.isEmpty()) {
        return Outcome.refused(
            "the key of the " + what + " JWS (kid " + Text.quote(kid) + ") cannot be resolved");
      }
      if (!key.get().verify(jws.alg(), jws.signingInput(), jws.signature())) {
        return Outcome.refused("the " + what + " JWS signature does not verify");
      }
      Optional<String> version = version(jws.payload());
      if (version.isPresent()) {
        return Outcome.refused(what + " " + version.get());
      }
      try {
        return new Outcome<>(
            new Verified<>(read.apply(jws.payload()), OfferReceipt.JWS, kid), null);
      } catch (IllegalArgumentException e) {
        return Outcome.refused("the " + what + " payload is malformed: " + e.getMessage());
      }
    }
    return Outcome.refused(
        "the signed "
            + what
            + " has format "
            + (format instanceof String s ? Text.quote(s) : "none")
            + ", not eip712 or jws");
  }

  private static Optional<String> version(Object payload) {
    Object v = payload instanceof Map<?, ?> m ? m.get("version") : null;
    return v instanceof Long l && l == OfferReceipt.VERSION
        ? Optional.empty()
        : Optional.of("payload version " + v + " is not supported (only 1)");
  }

  private Optional<Jws.Key> resolve(String kid) {
    Optional<DidKeys.Decoded> didKey = DidKeys.decode(kid);
    if (didKey.isPresent()) {
      return switch (didKey.get().codec()) {
        case DidKeys.ED25519 -> Ed25519Jws.key(didKey.get().key());
        case DidKeys.SECP256K1 -> Es256k.key(didKey.get().key());
        default -> Optional.empty();
      };
    }
    if (kid.startsWith("did:jwk:")) {
      String id = kid.substring("did:jwk:".length());
      int hash = id.indexOf('#');
      try {
        String json =
            new String(
                Base64.getUrlDecoder().decode(hash < 0 ? id : id.substring(0, hash)),
                StandardCharsets.UTF_8);
        Jws.Parsed fake =
            Jws.parse(
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(json.getBytes(StandardCharsets.UTF_8))
                    + ".e30.");
        return fromJwk(fake.header());
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    try {
      Optional<Jws.Key> resolved = kidResolver.apply(kid);
      return resolved == null ? Optional.empty() : resolved;
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Jws.Key> fromJwk(Map<?, ?> jwk) {
    return Ed25519Jws.fromJwk(jwk).or(() -> Es256k.fromJwk(jwk));
  }
}
