package io.x402j.evm;

import io.x402j.core.extensions.offerreceipt.DidKeys;
import io.x402j.core.extensions.offerreceipt.Jws;
import io.x402j.evm.spi.Secp256k1Backend;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;

/**
 * {@code ES256K} JWS (ECDSA over secp256k1 with SHA-256, RFC 8812) with x402j's secp256k1 code, so
 * any {@link Signer} (a KMS too) can sign JWS offers and receipts. The signer's {@code kid} is the
 * {@code did:key} of its compressed public key, which verifiers (including {@code
 * @x402/extensions}) resolve offline.
 */
public final class Es256k {
  /** The JWS {@code alg}. */
  public static final String ALG = "ES256K";

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
  private static final byte[] PROBE =
      sha256("x402j ES256K public key probe".getBytes(StandardCharsets.US_ASCII));

  private Es256k() {}

  /** A JWS signer with {@code signer}'s key; the public key is found once, by one signature. */
  public static Jws.Signer signer(Signer signer) {
    Objects.requireNonNull(signer, "signer");
    Signature probe = signer.sign(Bytes32.of(PROBE));
    byte[] pub = Secp256k1Backend.best().recover(PROBE, probe.compact(), probe.recoveryId());
    if (pub == null || !EvmAddress.fromPublicKey(pub).equals(signer.address())) {
      throw new IllegalStateException("the signer's public key could not be recovered");
    }
    String kid = DidKeys.didKey(DidKeys.SECP256K1, compress(pub));
    return new Jws.Signer() {
      @Override
      public String algorithm() {
        return ALG;
      }

      @Override
      public String kid() {
        return kid;
      }

      @Override
      public byte[] sign(byte[] signingInput) {
        return signer.sign(Bytes32.of(sha256(signingInput))).compact();
      }

      @Override
      public String toString() {
        return "Es256k.Signer[" + kid + "]";
      }
    };
  }

  /**
   * The key of a secp256k1 public key: 33 bytes compressed, 65 uncompressed ({@code 0x04}) or 64
   * ({@code x‖y}); empty when it is not a point on the curve.
   */
  public static Optional<Jws.Key> key(byte[] publicKey) {
    byte[] pub64;
    try {
      byte[] encoded = publicKey;
      if (publicKey.length == 64) {
        encoded = new byte[65];
        encoded[0] = 4;
        System.arraycopy(publicKey, 0, encoded, 1, 64);
      }
      ECPoint point = CURVE.getCurve().decodePoint(encoded).normalize();
      if (point.isInfinity() || !point.isValid()) {
        return Optional.empty();
      }
      pub64 = Arrays.copyOfRange(point.getEncoded(false), 1, 65);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    byte[] key = pub64;
    return Optional.of(
        new Jws.Key() {
          @Override
          public boolean verify(String alg, byte[] signingInput, byte[] signature) {
            if (!ALG.equals(alg) || signature.length != 64) {
              return false;
            }
            byte[] hash = sha256(signingInput);
            for (int recoveryId = 0; recoveryId < 2; recoveryId++) {
              byte[] recovered = Secp256k1Backend.best().recover(hash, signature, recoveryId);
              if (recovered != null && Arrays.equals(recovered, key)) {
                return true;
              }
            }
            return false;
          }

          @Override
          public Map<String, Object> jwk() {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "EC");
            jwk.put("crv", "secp256k1");
            jwk.put("x", b64.encodeToString(Arrays.copyOfRange(key, 0, 32)));
            jwk.put("y", b64.encodeToString(Arrays.copyOfRange(key, 32, 64)));
            return jwk;
          }
        });
  }

  /** The key of an EC secp256k1 JWK, or empty when it is not one. */
  public static Optional<Jws.Key> fromJwk(Map<?, ?> jwk) {
    if (!"EC".equals(jwk.get("kty"))
        || !"secp256k1".equals(jwk.get("crv"))
        || !(jwk.get("x") instanceof String x)
        || !(jwk.get("y") instanceof String y)) {
      return Optional.empty();
    }
    try {
      byte[] xb = Base64.getUrlDecoder().decode(x);
      byte[] yb = Base64.getUrlDecoder().decode(y);
      if (xb.length != 32 || yb.length != 32) {
        return Optional.empty();
      }
      byte[] pub = new byte[64];
      System.arraycopy(xb, 0, pub, 0, 32);
      System.arraycopy(yb, 0, pub, 32, 32);
      return key(pub);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static byte[] compress(byte[] pub64) {
    byte[] out = new byte[33];
    out[0] = (byte) (new BigInteger(1, Arrays.copyOfRange(pub64, 32, 64)).testBit(0) ? 3 : 2);
    System.arraycopy(pub64, 0, out, 1, 32);
    return out;
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
