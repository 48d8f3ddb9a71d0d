package io.x402j.svm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.svm.Ed25519;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The verifier's fast Ed25519 check answers as {@link Ed25519#verify} (the JDK's provider behind
 * the small-order rule) on valid signatures and on every kind of invalid one: flipped bits in the
 * signature, message and key, unreduced S, small-order keys and R, random bytes.
 */
class SignatureCheckTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  /** The identity point and a point of order 8 (compressed), both small order. */
  private static final String[] SMALL_ORDER = {
    "0100000000000000000000000000000000000000000000000000000000000000",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  };

  static void agree(SolanaAddress key, byte[] message, byte[] signature) {
    assertThat(SignatureCheck.verify(key, message, signature))
        .as("key %s message %s signature %s", key, HEX.formatHex(message), HEX.formatHex(signature))
        .isEqualTo(Ed25519.verify(key, message, signature));
  }

  @Test
  void answersAsTheJdkOnValidAndAlteredSignatures() {
    Random random = new Random(15);
    for (int i = 0; i < 300; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      SolanaKeypair keypair = SolanaKeypair.fromSeed(seed);
      byte[] message = new byte[random.nextInt(400)];
      random.nextBytes(message);
      byte[] signature = keypair.sign(message);
      assertThat(SignatureCheck.verify(keypair.address(), message, signature)).isTrue();
      agree(keypair.address(), message, signature);

      byte[] flipped = signature.clone();
      flipped[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
      agree(keypair.address(), message, flipped);
      if (message.length > 0) {
        byte[] altered = message.clone();
        altered[random.nextInt(altered.length)] ^= 1;
        agree(keypair.address(), altered, signature);
      }
      byte[] key = keypair.address().bytes();
      key[random.nextInt(32)] ^= (byte) (1 << random.nextInt(8));
      agree(SolanaAddress.of(key), message, signature);
      agree(keypair.address(), message, unreduced(signature));
      byte[] junk = new byte[64];
      random.nextBytes(junk);
      agree(keypair.address(), message, junk);
      for (String small : SMALL_ORDER) {
        byte[] smallR = signature.clone();
        System.arraycopy(HEX.parseHex(small), 0, smallR, 0, 32);
        agree(keypair.address(), message, smallR);
        agree(SolanaAddress.of(HEX.parseHex(small)), message, signature);
      }
    }
  }

  @Test
  void refusesTheIdentityKeyWithAnIdentityRAndZeroS() {
    // Accepted by a cofactorless RFC 8032 check for every message; the runtime refuses it.
    byte[] identity = HEX.parseHex(SMALL_ORDER[0]);
    byte[] signature = new byte[64];
    System.arraycopy(identity, 0, signature, 0, 32);
    assertThat(SignatureCheck.verify(SolanaAddress.of(identity), new byte[] {1}, signature))
        .isFalse();
  }

  @Test
  void refusesMissingOrShortInput() {
    SolanaKeypair keypair = SolanaKeypair.fromSeed(new byte[32]);
    byte[] signature = keypair.sign(new byte[] {1});
    assertThat(SignatureCheck.verify(keypair.address(), new byte[] {1}, signature)).isTrue();
    assertThat(SignatureCheck.verify(keypair.address(), new byte[] {1}, new byte[63])).isFalse();
    assertThat(SignatureCheck.verify(keypair.address(), new byte[] {1}, null)).isFalse();
    assertThat(SignatureCheck.verify(keypair.address(), null, signature)).isFalse();
    assertThat(SignatureCheck.verify(null, new byte[] {1}, signature)).isFalse();
  }

  /** The same signature with S + L in place of S (truncated to 32 bytes). */
  private static byte[] unreduced(byte[] signature) {
    byte[] sBe = new byte[32];
    for (int i = 0; i < 32; i++) {
      sBe[i] = signature[63 - i];
    }
    byte[] big = new BigInteger(1, sBe).add(L).toByteArray();
    byte[] out = signature.clone();
    for (int i = 0; i < 32; i++) {
      int from = big.length - 1 - i;
      out[32 + i] = from >= 0 ? big[from] : 0;
    }
    return out;
  }
}
