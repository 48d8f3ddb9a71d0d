package io.x402j.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettlementValuesTest {
  static final Network SOLANA = Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
  static final String SIGNATURE =
      "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";
  static final String MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

  @Test
  void aSolanaSignatureAndMintAreValidIdsAndAddresses() {
    assertThat(SIGNATURE).hasSize(88);
    SettlementKey key = new SettlementKey(SOLANA, "exact", SIGNATURE);
    Transfer transfer = new Transfer(MINT, MINT, MINT, TokenAmount.of(1));

    assertThat(key.paymentId()).isEqualTo(SIGNATURE);
    assertThat(transfer.asset()).hasSize(44);
    assertThat(new Submission(SIGNATURE, MINT, null, "AQID").sequence()).isNull();
  }

  @Test
  void paymentIdsAreBoundedPrintableAsciiWithoutWhitespace() {
    assertThat(new SettlementKey(SOLANA, "exact", "x".repeat(256)).paymentId()).hasSize(256);
    for (String bad :
        new String[] {"", "x".repeat(257), "a b", "a\tb", "a\nb", "é", "\u0660", "a\u007f"}) {
      assertThatThrownBy(() -> new SettlementKey(SOLANA, "exact", bad))
          .as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("payment id");
    }
    assertThatThrownBy(() -> new SettlementKey(SOLANA, "", SIGNATURE))
        .hasMessageContaining("scheme");
    assertThatThrownBy(() -> new SettlementKey(SOLANA, "exact", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void addressesAndTransactionsAreChecked() {
    assertThatThrownBy(() -> new Transfer("0xab cd", MINT, MINT, TokenAmount.of(1)))
        .hasMessageContaining("asset");
    assertThatThrownBy(() -> new Transfer(MINT, "x".repeat(129), MINT, TokenAmount.of(1)))
        .hasMessageContaining("payer");
    assertThatThrownBy(() -> new Submission("x".repeat(129), MINT, 1L, "0x02"))
        .hasMessageContaining("transaction");
  }

  @Test
  void detailsAreSmallSortedAndImmutable() {
    Submission submission =
        new Submission(
            SIGNATURE, MINT, null, "AQID", Map.of("z", "1", "lastValidBlockHeight", "312"));
    assertThat(submission.details().keySet()).containsExactly("lastValidBlockHeight", "z");
    assertThatThrownBy(() -> submission.details().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);

    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 17; i++) {
      tooMany.put("k" + i, "v");
    }
    assertThatThrownBy(() -> new Submission(SIGNATURE, MINT, null, "AQID", tooMany))
        .hasMessageContaining("at most 16");
    assertThatThrownBy(() -> new Submission(SIGNATURE, MINT, null, "AQID", Map.of("1x", "v")))
        .hasMessageContaining("invalid name");
    assertThatThrownBy(
            () -> new Submission(SIGNATURE, MINT, null, "AQID", Map.of("x", "v".repeat(513))))
        .hasMessageContaining("512");
  }

  @Test
  void reportsAddUp() {
    ReconcileReport sum = new ReconcileReport(1, 2, 3, 4).plus(new ReconcileReport(1, 0, 0, 1));
    assertThat(sum).isEqualTo(new ReconcileReport(2, 2, 3, 5));
    assertThat(sum.changedAnything()).isTrue();
    assertThat(new ReconcileReport(0, 0, 0, 7).changedAnything()).isFalse();
  }
}
