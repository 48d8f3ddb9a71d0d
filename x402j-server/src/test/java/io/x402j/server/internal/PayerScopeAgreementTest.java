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

  @Test
  void respelledPayersHaveTheirAccountsScopeOrNone() {
    // Attack: spellings of one payer that might fold into another scope, or of two payers into
    // one. Whatever PayerScope accepts must be the account the address types parse (EIP-55 case
    // aside); whatever they refuse it refuses.
    EvmAddress evm =
        EvmAddress.of(
            new byte[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, (byte) 0xab
            });
    String lower = evm.toLowerHex();
    String digits = lower.substring(2);
    for (String spelling :
        new String[] {
          " " + lower,
          lower + " ",
          lower + "\n",
          "0X" + digits,
          "0x" + digits.substring(1),
          lower + "0",
          "0x" + digits.replace('1', '\uff11'),
          "0x" + digits.replace('1', '\u0661'),
          "0x" + digits.replace('a', '\uff41'),
          "0x" + digits.replace('b', 'g'),
          "00" + digits,
          "x" + digits + "0",
          "",
        }) {
      boolean parses = EvmAddress.isValid(spelling);
      String scope = PayerScope.of(BASE, spelling);
      assertThat(scope == null)
          .as("%s: refused as EvmAddress refuses it", spelling)
          .isEqualTo(!parses);
    }
    String canonical = PayerScope.of(BASE, lower);
    String badChecksum = "0x" + Character.toUpperCase(digits.charAt(0)) + digits.substring(1);
    String checksummed = PayerScope.of(BASE, evm.toString());
    assertThat(checksummed).isEqualTo(canonical);
    String folded = PayerScope.of(BASE, badChecksum);
    assertThat(folded == null || folded.equals(canonical)).as(badChecksum).isTrue();

    byte[] key = new byte[32];
    key[0] = 0;
    key[1] = 7;
    for (int i = 2; i < 32; i++) {
      key[i] = (byte) (i * 37);
    }
    String text = SolanaAddress.of(key).toString();
    for (String spelling :
        new String[] {
          " " + text,
          text + " ",
          text.substring(1),
          "1" + text,
          "11" + text,
          text + "1",
          text.replace('1', '\uff11'),
          text.replace(text.charAt(3), '0'),
          text.replace(text.charAt(3), 'l'),
          text.replace(text.charAt(3), 'I'),
          text.replace(text.charAt(3), 'O'),
          "z".repeat(44),
          "1".repeat(32),
          "1".repeat(33),
          "2".repeat(43),
          "",
        }) {
      boolean parses = isSolanaAddress(spelling);
      String scope = PayerScope.of(SOLANA, spelling);
      assertThat(scope == null)
          .as("%s: refused as SolanaAddress refuses it", spelling)
          .isEqualTo(!parses);
      if (scope != null) {
        assertThat(scope).isEqualTo("solana:" + SolanaAddress.parse(spelling));
      }
    }
  }
}
