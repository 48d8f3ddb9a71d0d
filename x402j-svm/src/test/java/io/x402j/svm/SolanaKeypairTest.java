package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.support.Base58;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SolanaKeypairTest {
  private static final byte[] SEED =
      HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  @Test
  void secretRoundTripsThroughBase58() {
    SolanaKeypair keypair = SolanaKeypair.fromSeed(SEED);
    String secret = keypair.secretBase58();
    SolanaKeypair loaded = SolanaKeypair.fromBase58Secret(secret);
    assertThat(loaded.address()).isEqualTo(keypair.address());
    assertThat(loaded.secret()).isEqualTo(keypair.secret());
    assertThat(keypair.secret()).hasSize(64);
  }

  @Test
  void refusesASecretWhosePublicHalfDoesNotMatchItsSeed() {
    byte[] secret = SolanaKeypair.fromSeed(SEED).secret();
    secret[63] ^= 1;
    String text = Base58.encode(secret);
    assertThatThrownBy(() -> SolanaKeypair.fromBase58Secret(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match")
        .hasMessageNotContaining(text);
  }

  @Test
  void refusesWrongLengthsAndBadBase58WithoutEchoingTheSecret() {
    String shortSecret = Base58.encode(new byte[32]);
    assertThatThrownBy(() -> SolanaKeypair.fromBase58Secret(shortSecret))
        .hasMessageContaining("64 bytes");
    String secret = SolanaKeypair.fromSeed(SEED).secretBase58();
    String bad = secret.substring(0, 20) + "0" + secret.substring(21);
    assertThatThrownBy(() -> SolanaKeypair.fromBase58Secret(bad))
        .hasMessage("the Solana secret key is not valid base58");
  }

  @Test
  void toStringShowsOnlyTheAddress() {
    SolanaKeypair keypair = SolanaKeypair.fromSeed(SEED);
    assertThat(keypair.toString())
        .contains(keypair.address().toString())
        .doesNotContain(keypair.secretBase58());
  }

  @Test
  void generatedKeysSignVerifiably() {
    SolanaKeypair keypair = SolanaKeypair.generate();
    byte[] message = {1, 2, 3};
    assertThat(Ed25519.verify(keypair.address(), message, keypair.sign(message))).isTrue();
  }
}
