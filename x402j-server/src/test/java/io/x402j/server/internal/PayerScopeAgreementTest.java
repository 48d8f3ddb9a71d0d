package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.scheme.PayerScope;
import io.x402j.evm.EvmAddress;
import io.x402j.svm.SolanaAddress;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The payer scope the gate and the facilitator share ({@link PayerScope}, in x402j-core, which has
 * no address types) names exactly the account the EVM and Solana address types parse: the same
 * canonical text for every spelling they accept, and none for what they refuse.
 */
class PayerScopeAgreementTest {
  static final Network BASE = Network.evm(8453);
  static final Network SOLANA = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");

  @Test
  void evmScopesAreTheParsedAddressInLowerCaseHex() {
    SplittableRandom random = new SplittableRandom(8453);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[20];
      random.nextBytes(bytes);
      EvmAddress address = EvmAddress.of(bytes);
      for (String spelling :
          new String[] {
            address.toString(),
            address.toLowerHex(),
            "0x" + address.toLowerHex().substring(2).toUpperCase(Locale.ROOT)
          }) {
        assertThat(PayerScope.of(BASE, spelling))
            .as(spelling)
            .isEqualTo("eip155:" + EvmAddress.parse(spelling).toLowerHex());
      }
    }
  }

  @Test
  void solanaScopesAreTheParsedKeyInItsOneSpelling() {
    SplittableRandom random = new SplittableRandom(32);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      if (i % 10 == 0) {
        bytes[0] = 0; // leading zero bytes are spelt as leading '1's
        if (i % 20 == 0) {
          bytes[1] = 0;
        }
      }
      SolanaAddress address = SolanaAddress.of(bytes);
      String text = address.toString();
      assertThat(PayerScope.of(SOLANA, text)).as(text).isEqualTo("solana:" + text);
      String longer = "1" + text;
      assertThat(PayerScope.of(SOLANA, longer)).as(longer).isNull();
      assertThat(isSolanaAddress(longer)).isFalse();
    }
  }

  static boolean isSolanaAddress(String text) {
    try {
      SolanaAddress.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
