package io.x402j.evm.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.Bytes32;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Without x402j-evm-facilitator on the class path (this module's tests), signing and recovery run
 * on the built-in pure-Java backend: buyers and sellers need no native library.
 */
class Secp256k1BackendTest {
  @Test
  void withoutAProviderTheBestBackendIsThePureJavaOne() {
    assertThat(Secp256k1Backend.best()).isSameAs(Secp256k1Backend.pureJava());
    assertThat(Secp256k1Backend.best().name()).isNotEqualTo("native");
  }

  @Test
  void aSignatureRecoversToItsSigner() {
    PrivateKeySigner signer = PrivateKeySigner.generate(new SecureRandom());
    Bytes32 hash = Bytes32.random(new SecureRandom());
    Signature signature = signer.sign(hash);
    assertThat(signature.recoverSigner(hash)).isEqualTo(signer.address());
  }
}
