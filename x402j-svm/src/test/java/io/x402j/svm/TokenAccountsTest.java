package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vectors computed with @solana/kit 5.5.1 and @solana-program/token 0.9.0 (see SvmInteropIT). */
class TokenAccountsTest {
  @Test
  void associatedTokenAccountMatchesSolanaKit() {
    assertThat(
            TokenAccounts.associated(
                    SolanaPrograms.TOKEN,
                    SolanaAddress.parse("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"),
                    SolanaPrograms.TOKEN)
                .toString())
        .isEqualTo("542nduv7U4GjL4Yei5WF5TVkDZFuaoCzmsvayYXB3sWj");
  }

  @Test
  void addressOfTheRfc8032SeedMatchesSolanaKit() {
    byte[] seed =
        HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    assertThat(SolanaKeypair.fromSeed(seed).address().toString())
        .isEqualTo("FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z");
  }

  @Test
  void programAddressesAreOffCurveAndSeedsAreBounded() {
    TokenAccounts.ProgramAddress pda =
        TokenAccounts.findProgramAddress(List.of(new byte[] {1}), SolanaPrograms.TOKEN);
    assertThat(pda.address().isOnCurve()).isFalse();
    assertThat(pda.bump()).isBetween(0, 255);
    assertThatThrownBy(
            () -> TokenAccounts.findProgramAddress(List.of(new byte[33]), SolanaPrograms.TOKEN))
        .hasMessageContaining("at most 32 bytes");
  }

  @Test
  void compilerMergesDuplicateMetasAndOrdersGroups() {
    SolanaAddress fee = SolanaTransactionTest.FEE_PAYER;
    SolanaAddress a = SolanaTransactionTest.PAY_TO;
    SolanaAddress b = SolanaTransactionTest.PAYER.address();
    Instruction ix1 =
        new Instruction(
            SolanaPrograms.MEMO,
            List.of(AccountMeta.readonly(a), AccountMeta.readonlySigner(b)),
            new byte[0]);
    Instruction ix2 =
        new Instruction(
            SolanaPrograms.MEMO,
            List.of(AccountMeta.writable(a), AccountMeta.writable(b), AccountMeta.readonly(fee)),
            new byte[0]);
    SolanaMessage m = MessageCompiler.compileV0(fee, List.of(ix1, ix2), new byte[32]);
    // fee payer; b writable signer; a writable; memo readonly
    assertThat(m.staticAccounts()).containsExactly(fee, b, a, SolanaPrograms.MEMO);
    assertThat(m.numRequiredSignatures()).isEqualTo(2);
    assertThat(m.numReadonlySigned()).isZero();
    assertThat(m.numReadonlyUnsigned()).isEqualTo(1);
    assertThat(m.instructions().get(1).accounts()).containsExactly(2, 1, 0);
    assertThatThrownBy(
            () ->
                MessageCompiler.compileV0(
                    fee, List.of(new Instruction(fee, List.of(), new byte[0])), new byte[32]))
        .hasMessageContaining("fee payer (account 0) as its program");
  }
}
