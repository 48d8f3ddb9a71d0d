package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link SolanaTransaction#decode} fed any bytes: it either refuses them with a {@link
 * SolanaDecodeException} or accepts a transaction that encodes back to exactly the input, whose
 * message decodes on its own to the same bytes and whose every account index answers {@code
 * isSigner}/{@code isWritable}. Nothing else escapes.
 *
 * <p>The committed inputs (in {@code
 * src/test/resources/io/x402j/svm/SolanaTransactionFuzzTestInputs}) include a transaction built by
 * the official {@code @x402/svm} 2.27.0 client, ours, a legacy one, one with address-table lookups
 * and a few refused ones; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SolanaTransactionFuzzTest {
  @FuzzTest
  void decodeIsStrictAndTotal(byte[] input) {
    SolanaTransaction tx;
    try {
      tx = SolanaTransaction.decode(input);
    } catch (SolanaDecodeException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(tx.encode()).isEqualTo(input);
    SolanaMessage message = tx.message();
    assertThat(SolanaMessage.decode(tx.messageBytes()).encode()).isEqualTo(tx.messageBytes());
    assertThat(tx.signatures()).hasSize(message.numRequiredSignatures());
    for (int i = 0; i < message.accountCount(); i++) {
      message.isSigner(i);
      message.isWritable(i);
    }
    assertThat(ExactSvmPayload.paymentId(tx)).hasSize(64);
    assertThat(ExactSvmPayload.parse(new ExactSvmPayload(tx).toMap()).transaction().encode())
        .isEqualTo(input);
  }
}
