package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.svm.internal.Curve25519;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 8032 §7.1 test vectors 1, 2 and 3, and the curve-point test. */
class Ed25519Test {
  private static final HexFormat HEX = HexFormat.of();

  record Vector(String seed, String publicKey, String message, String signature) {}

  static final Vector[] RFC8032 = {
    new Vector(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    new Vector(
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    new Vector(
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
  };

  @Test
  void derivesPublicKeysSignsAndVerifiesTheRfcVectors() {
    for (Vector v : RFC8032) {
      byte[] seed = HEX.parseHex(v.seed());
      assertThat(HEX.formatHex(Curve25519.publicKey(seed))).isEqualTo(v.publicKey());
      SolanaKeypair keypair = SolanaKeypair.fromSeed(seed);
      assertThat(HEX.formatHex(keypair.address().bytes())).isEqualTo(v.publicKey());
      byte[] message = HEX.parseHex(v.message());
      assertThat(HEX.formatHex(keypair.sign(message))).isEqualTo(v.signature());
      assertThat(Ed25519.verify(keypair.address(), message, HEX.parseHex(v.signature()))).isTrue();
    }
  }

  @Test
  void refusesAlteredSignaturesMessagesAndKeys() {
    Vector v = RFC8032[1];
    SolanaAddress key = SolanaAddress.of(HEX.parseHex(v.publicKey()));
    byte[] signature = HEX.parseHex(v.signature());
    byte[] message = HEX.parseHex(v.message());
    byte[] flipped = signature.clone();
    flipped[10] ^= 1;
    assertThat(Ed25519.verify(key, message, flipped)).isFalse();
    assertThat(Ed25519.verify(key, new byte[] {0x73}, signature)).isFalse();
    assertThat(
            Ed25519.verify(
                SolanaAddress.of(HEX.parseHex(RFC8032[0].publicKey())), message, signature))
        .isFalse();
    assertThat(Ed25519.verify(key, message, new byte[63])).isFalse();
    assertThat(Ed25519.verify(key, message, null)).isFalse();
    // A key that is not a curve point is not an error, just not valid.
    SolanaAddress offCurve =
        TokenAccounts.associated(key, SolanaPrograms.TOKEN, SolanaPrograms.TOKEN);
    assertThat(Ed25519.verify(offCurve, message, signature)).isFalse();
    // S not reduced (S + L): malleated signature must be refused (RFC 8032 §5.1.7)
    byte[] malleated = signature.clone();
    java.math.BigInteger l =
        java.math.BigInteger.TWO
            .pow(252)
            .add(new java.math.BigInteger("27742317777372353535851937790883648493"));
    byte[] sLe = java.util.Arrays.copyOfRange(signature, 32, 64);
    byte[] sBe = new byte[32];
    for (int i = 0; i < 32; i++) {
      sBe[i] = sLe[31 - i];
    }
    byte[] bigBe = new java.math.BigInteger(1, sBe).add(l).toByteArray();
    byte[] s2 = new byte[32];
    for (int i = 0; i < 32 && i < bigBe.length; i++) {
      s2[i] = bigBe[bigBe.length - 1 - i];
    }
    System.arraycopy(s2, 0, malleated, 32, 32);
    assertThat(Ed25519.verify(key, message, malleated)).isFalse();
  }

  @Test
  void refusesSmallOrderKeysAndRLikeTheSolanaRuntime() {
    // Key = identity point, R = identity, S = 0: RFC 8032 (cofactorless) accepts this for every
    // message; verify_strict, which Solana runs, does not.
    byte[] identity = new byte[32];
    identity[0] = 1;
    SolanaAddress weak = SolanaAddress.of(identity);
    byte[] signature = new byte[64];
    signature[0] = 1;
    assertThat(Ed25519.verify(weak, "anything".getBytes(), signature)).isFalse();
    assertThat(Ed25519.verify(weak, "else".getBytes(), signature)).isFalse();
    assertThat(io.x402j.svm.internal.Curve25519.isSmallOrder(identity)).isTrue();
    // a point of order 2: (0, -1)
    byte[] minusOne =
        HEX.parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    assertThat(io.x402j.svm.internal.Curve25519.isSmallOrder(minusOne)).isTrue();
    assertThat(io.x402j.svm.internal.Curve25519.isSmallOrder(HEX.parseHex(RFC8032[0].publicKey())))
        .isFalse();
  }

  /**
   * Verification is BouncyCastle's; this checks it decides as the JDK's RFC 8032 implementation
   * (behind the same small-order rule) on 750 seeded cases, 125 of each kind: honest signatures and
   * hostile variants (flipped bits anywhere, keys and R spelled with y >= p, random bytes). 750,
   * not 1,500: each case costs ~7 ms on the build's C1-only test JVM (the JDK's Ed25519 is Java).
   */
  @Test
  void decidesAsTheJdkDoesOnHonestAndMutatedSignatures() throws Exception {
    java.util.Random random = new java.util.Random(20261129);
    byte[][] nonCanonical = new byte[19][];
    for (int k = 0; k < 19; k++) {
      // y = p + k for k in 0..18 (p = 2^255 - 19): little-endian (0xed + k), 0xff..., 0x7f
      byte[] y = new byte[32];
      java.util.Arrays.fill(y, (byte) 0xff);
      y[0] = (byte) (0xed + k);
      y[31] = 0x7f;
      nonCanonical[k] = y;
    }
    int accepted = 0;
    for (int i = 0; i < 750; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      SolanaKeypair keypair = SolanaKeypair.fromSeed(seed);
      byte[] message = new byte[1 + random.nextInt(400)];
      random.nextBytes(message);
      byte[] signature = keypair.sign(message);
      byte[] key = keypair.address().bytes();
      switch (i % 6) {
        case 0 -> {} // honest
        case 1 -> signature[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
        case 2 -> key[random.nextInt(32)] ^= (byte) (1 << random.nextInt(8));
        case 3 -> message[random.nextInt(message.length)] ^= 1;
        case 4 -> System.arraycopy(nonCanonical[random.nextInt(19)], 0, signature, 0, 32);
        default -> {
          if (random.nextBoolean()) {
            key = nonCanonical[random.nextInt(19)].clone();
          } else {
            random.nextBytes(signature);
          }
        }
      }
      boolean ours = Ed25519.verify(SolanaAddress.of(key), message, signature);
      boolean jdk =
          !Curve25519.isSmallOrder(key)
              && !Curve25519.isSmallOrder(signature, 0)
              && jdkVerify(key, message, signature);
      assertThat(ours).as("case %d (kind %d)", i, i % 6).isEqualTo(jdk);
      if (ours) {
        accepted++;
      }
    }
    assertThat(accepted).isGreaterThanOrEqualTo(125); // every honest case at least
  }

  private static boolean jdkVerify(byte[] key, byte[] message, byte[] signature) {
    byte[] encoded = new byte[44];
    System.arraycopy(HEX.parseHex("302a300506032b6570032100"), 0, encoded, 0, 12);
    System.arraycopy(key, 0, encoded, 12, 32);
    try {
      java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
      verifier.initVerify(
          java.security.KeyFactory.getInstance("Ed25519")
              .generatePublic(new java.security.spec.X509EncodedKeySpec(encoded)));
      verifier.update(message);
      return verifier.verify(signature);
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  @Test
  void curvePoints() {
    for (Vector v : RFC8032) {
      assertThat(Ed25519.isOnCurve(HEX.parseHex(v.publicKey()))).isTrue();
    }
    assertThat(Ed25519.isOnCurve(SolanaPrograms.SYSTEM.bytes())).isTrue(); // y = 0
    // Program ids are usually keys; PDAs are not.
    assertThat(SolanaPrograms.TOKEN.isOnCurve()).isTrue();
    assertThat(Ed25519.isOnCurve(new byte[31])).isFalse();
    // y = 2: x^2 = 3 / (4d + 1) is not a square
    byte[] two = new byte[32];
    two[0] = 2;
    assertThat(Ed25519.isOnCurve(two)).isFalse();
  }

  @Test
  void seedMustBe32Bytes() {
    assertThatThrownBy(() -> SolanaKeypair.fromSeed(new byte[31])).hasMessageContaining("32 bytes");
  }
}
