package io.x402j.core.extensions.offerreceipt;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code EdDSA} (Ed25519) JWS signing and verification with the JDK's own provider. The signer's
 * {@code kid} is its {@code did:key}, which any verifier (including {@code @x402/extensions})
 * resolves offline.
 */
public final class Ed25519Jws {
  /** The JWS {@code alg}. */
  public static final String ALG = "EdDSA";

  private Ed25519Jws() {}

  /** A signer for a new random key. */
  public static Jws.Signer generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return signer(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no Ed25519", e);
    }
  }

  /**
   * The signer of a 32-byte Ed25519 private key (seed).
   *
   * @throws IllegalArgumentException if it is not 32 bytes
   */
  public static Jws.Signer fromSeed(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 private key is 32 bytes");
    }
    try {
      KeyFactory factory = KeyFactory.getInstance("Ed25519");
      PrivateKey key =
          factory.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed.clone()));
      // The JDK has no "public key of this private key": its generator, fed the seed as its
      // randomness, derives the same pair.
      PublicKey pub = publicOf(seed);
      return signer(key, pub);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 private key");
    }
  }

  private static PublicKey publicOf(byte[] seed) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
    generator.initialize(
        NamedParameterSpec.ED25519,
        new java.security.SecureRandom() {
          private static final long serialVersionUID = 1L;

          @Override
          public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
          }
        });
    return generator.generateKeyPair().getPublic();
  }

  /** A signer for a JDK Ed25519 key pair. */
  public static Jws.Signer signer(PrivateKey privateKey, PublicKey publicKey) {
    String kid = DidKeys.didKey(DidKeys.ED25519, raw((EdECPublicKey) publicKey));
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
        try {
          Signature s = Signature.getInstance("Ed25519");
          s.initSign(privateKey);
          s.update(signingInput);
          return s.sign();
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("Ed25519 signing failed", e);
        }
      }

      @Override
      public String toString() {
        return "Ed25519Jws.Signer[" + kid + "]";
      }
    };
  }

  /** The key of a raw 32-byte Ed25519 public key, or empty when it is not one. */
  public static Optional<Jws.Key> key(byte[] raw) {
    if (raw.length != 32) {
      return Optional.empty();
    }
    byte[] le = raw.clone();
    boolean xOdd = (le[31] & 0x80) != 0;
    le[31] &= 0x7f;
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = le[31 - i];
    }
    try {
      PublicKey key =
          KeyFactory.getInstance("Ed25519")
              .generatePublic(
                  new EdECPublicKeySpec(
                      NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
      byte[] copy = raw.clone();
      return Optional.of(
          new Jws.Key() {
            @Override
            public boolean verify(String alg, byte[] signingInput, byte[] signature) {
              if (!ALG.equals(alg) && !"Ed25519".equals(alg)) {
                return false;
              }
              try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(signingInput);
                return s.verify(signature);
              } catch (GeneralSecurityException | RuntimeException e) {
                return false;
              }
            }

            @Override
            public Map<String, Object> jwk() {
              Map<String, Object> jwk = new LinkedHashMap<>();
              jwk.put("kty", "OKP");
              jwk.put("crv", "Ed25519");
              jwk.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(copy));
              return jwk;
            }
          });
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The key of an OKP Ed25519 JWK, or empty when it is not one. */
  public static Optional<Jws.Key> fromJwk(Map<?, ?> jwk) {
    if (!"OKP".equals(jwk.get("kty"))
        || !"Ed25519".equals(jwk.get("crv"))
        || !(jwk.get("x") instanceof String x)) {
      return Optional.empty();
    }
    try {
      return key(Base64.getUrlDecoder().decode(x));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The raw 32-byte encoding (RFC 8032) of a JDK Ed25519 public key. */
  static byte[] raw(EdECPublicKey key) {
    EdECPoint point = key.getPoint();
    byte[] be = point.getY().toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < 32 && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    if (point.isXOdd()) {
      le[31] |= (byte) 0x80;
    }
    return Arrays.copyOf(le, 32);
  }
}
