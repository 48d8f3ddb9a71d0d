package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.spi.Secp256k1Backend;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The native and the pure-Java backends must agree on every input, valid or not. */
class Secp256k1BackendTest {
  private final Secp256k1Backend pure = Secp256k1Backend.pureJava();
  private final Secp256k1Backend fast = NativeSecp256k1.loadOrNull();

  @Test
  void nativeLibraryLoadsOnThisPlatform() {
    assertThat(fast).as("libsecp256k1 JNI should load on linux-x86_64").isNotNull();
    assertThat(Secp256k1Backend.best().name()).isEqualTo("native");
  }

  @Test
  void signaturesAndRecoveriesAgree() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 2000; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      key[0] &= 0x7f; // stay below the curve order
      byte[] hash = new byte[32];
      random.nextBytes(hash);

      assertThat(fast.publicKey(key)).isEqualTo(pure.publicKey(key));
      byte[] a = fast.sign(hash, key);
      byte[] b = pure.sign(hash, key);
      assertThat(a).as("RFC 6979 signatures are deterministic").isEqualTo(b);

      byte[] compact = Arrays.copyOf(a, 64);
      assertThat(fast.recover(hash, compact, a[64])).isEqualTo(pure.publicKey(key));
      assertThat(pure.recover(hash, compact, a[64])).isEqualTo(pure.publicKey(key));
    }
  }

  @Test
  void garbageSignaturesAgreeToo() {
    Random random = new Random(3009);
    for (int i = 0; i < 2000; i++) {
      byte[] hash = new byte[32];
      byte[] compact = new byte[64];
      random.nextBytes(hash);
      random.nextBytes(compact);
      if (i % 10 == 0) {
        Arrays.fill(compact, 0, 32, (byte) 0); // r = 0: invalid
      }
      if (i % 10 == 1) {
        Arrays.fill(compact, 32, 64, (byte) 0xff); // s >= n: invalid
      }
      int recoveryId = random.nextInt(2);
      assertThat(fast.recover(hash, compact, recoveryId))
          .as("case %d", i)
          .isEqualTo(pure.recover(hash, compact, recoveryId));
    }
  }
}
