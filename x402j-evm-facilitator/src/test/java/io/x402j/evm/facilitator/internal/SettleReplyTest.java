package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import org.junit.jupiter.api.Test;

/** Each answer says by its name whether a transaction exists, and the wire carries it so. */
class SettleReplyTest {
  private static final String HASH = "0x" + "ab".repeat(32);
  private static final SettleReply REPLY =
      new SettleReply("eip155:84532", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

  @Test
  void aRefusalCarriesNoTransaction() {
    SettleResponse refused = REPLY.refused(ErrorReason.DUPLICATE_SETTLEMENT, "settled already");

    assertThat(refused.success()).isFalse();
    assertThat(refused.errorReason()).isEqualTo("duplicate_settlement");
    assertThat(refused.errorMessage()).isEqualTo("settled already");
    assertThat(refused.transaction()).isEmpty();
    assertThat(refused.network()).isEqualTo("eip155:84532");
    assertThat(refused.payer()).isEqualTo("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  }

  @Test
  void aRefusalWithoutMessageSaysWhatTheReasonMeans() {
    assertThat(REPLY.refused(ErrorReason.INVALID_PAYLOAD, null).errorMessage())
        .isEqualTo(ErrorReason.INVALID_PAYLOAD.description());
  }

  @Test
  void answersAboutATransactionNameIt() {
    assertThat(REPLY.failedIn(HASH, ErrorReason.EXACT_EVM_TRANSACTION_FAILED, "reverted"))
        .extracting(
            SettleResponse::success, SettleResponse::errorReason, SettleResponse::transaction)
        .containsExactly(false, "invalid_exact_evm_transaction_failed", HASH);
    assertThat(REPLY.pending(HASH, "no receipt yet").isPending()).isTrue();
    assertThat(REPLY.pending(HASH, "no receipt yet").transaction()).isEqualTo(HASH);

    SettleResponse settled = REPLY.settled(HASH, TokenAmount.of(10_000));
    assertThat(settled.success()).isTrue();
    assertThat(settled.errorReason()).isNull();
    assertThat(settled.transaction()).isEqualTo(HASH);
    assertThat(settled.amount()).isEqualTo(TokenAmount.of(10_000));
  }

  @Test
  void anAnswerAboutATransactionWithoutOneIsAProgrammingError() {
    assertThatThrownBy(() -> REPLY.pending("", "no receipt yet"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> REPLY.failedIn(null, ErrorReason.EXACT_EVM_TRANSACTION_FAILED, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
