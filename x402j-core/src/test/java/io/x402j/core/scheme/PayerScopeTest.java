package io.x402j.core.scheme;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PayerScopeTest {
  static final Network BASE = Network.evm(8453);
  static final Network SOLANA = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  static final String PAYER = "0x676619e358e97952DAA2aBc9dB49EFe8D443cb6d";
  static final String KEY = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

  @Test
  void anEvmPayerIsItsTwentyBytesInLowerCaseHexWhateverTheLetterCase() {
    String scope = "eip155:" + PAYER.toLowerCase(Locale.ROOT);
    assertThat(PayerScope.of(BASE, PAYER)).isEqualTo(scope);
    assertThat(PayerScope.of(BASE, PAYER.toLowerCase(Locale.ROOT))).isEqualTo(scope);
    assertThat(PayerScope.of(BASE, "0x" + PAYER.substring(2).toUpperCase(Locale.ROOT)))
        .isEqualTo(scope);
    assertThat(PayerScope.of(Network.evm(1), PAYER))
        .as("the chain namespace, not the chain")
        .isEqualTo(scope);
  }

  @Test
  void textThatIsNoEvmAddressHasNoScope() {
    assertThat(PayerScope.of(BASE, null)).isNull();
    assertThat(PayerScope.of(BASE, "")).isNull();
    assertThat(PayerScope.of(BASE, "not an address")).isNull();
    assertThat(PayerScope.of(BASE, PAYER.substring(0, 41))).as("too short").isNull();
    assertThat(PayerScope.of(BASE, PAYER + "0")).as("too long").isNull();
    assertThat(PayerScope.of(BASE, "0X" + PAYER.substring(2))).as("0X").isNull();
    // An Arabic-Indic digit and a full-width letter are not hex digits, never folded into one.
    assertThat(PayerScope.of(BASE, PAYER.replace('9', '\u0669'))).isNull();
    assertThat(PayerScope.of(BASE, PAYER.replace('a', '\uff41'))).isNull();
    assertThat(PayerScope.of(BASE, PAYER.replace('a', 'g'))).isNull();
  }

  @Test
  void aSolanaPayerIsItsThirtyTwoByteKeyInItsOneBase58Spelling() {
    assertThat(PayerScope.of(SOLANA, KEY)).isEqualTo("solana:" + KEY);
    assertThat(PayerScope.canonicalAddress(SOLANA, KEY)).isEqualTo(KEY);
    // Too short, a leading '1' adding a zero byte, a non-ASCII digit, a character base58 lacks.
    assertThat(PayerScope.of(SOLANA, "Abc")).isNull();
    assertThat(PayerScope.of(SOLANA, "1" + KEY)).isNull();
    assertThat(PayerScope.of(SOLANA, KEY.replace('9', '\u0669'))).isNull();
    assertThat(PayerScope.of(SOLANA, KEY.replace('M', '0'))).isNull();
    assertThat(PayerScope.of(SOLANA, KEY + KEY)).isNull();
  }

  @Test
  void anotherNamespaceKeepsTheTextAsGiven() {
    Network other = Network.parse("cosmos:cosmoshub-4");
    assertThat(PayerScope.of(other, "cosmos1abc")).isEqualTo("cosmos:cosmos1abc");
    assertThat(PayerScope.of(other, "")).isNull();
  }
}
