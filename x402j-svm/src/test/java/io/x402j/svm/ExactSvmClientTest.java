package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.Base58;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExactSvmClientTest {
  static final Network DEVNET = new Network("solana", "EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  static final String USDC = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final SolanaKeypair PAYER = SolanaTransactionTest.PAYER;
  static final String BLOCKHASH = Base58.encode(SolanaTransactionTest.filled(3));

  static PaymentRequirements requirements(Map<String, Object> extra) {
    return PaymentRequirements.builder()
        .scheme("exact")
        .network(DEVNET)
        .amount(TokenAmount.of(1000))
        .asset(USDC)
        .payTo(SolanaTransactionTest.PAY_TO.toString())
        .maxTimeoutSeconds(60)
        .extra(extra)
        .build();
  }

  static Map<String, Object> extra(Object... pairs) {
    Map<String, Object> extra = new HashMap<>();
    extra.put("feePayer", SolanaTransactionTest.FEE_PAYER.toString());
    extra.put("recentBlockhash", BLOCKHASH);
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        extra.remove((String) pairs[i]);
      } else {
        extra.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return extra;
  }

  @Test
  void buildsTheSameTransactionAsTheLayoutOfTheOfficialClient() {
    ExactSvmPayload payload = ExactSvmClient.of(PAYER).pay(requirements(extra("memo", "inv_42")));
    assertThat(payload.transaction()).isEqualTo(SolanaTransactionTest.paymentTransaction());
    assertThat(payload.transaction().encode()).hasSize(470);
  }

  @Test
  void feePayerIsRequiredWithTheOfficialMessage() {
    assertThatThrownBy(() -> ExactSvmClient.of(PAYER).pay(requirements(extra("feePayer", null))))
        .hasMessage("feePayer is required in paymentRequirements.extra for SVM transactions");
    assertThatThrownBy(() -> ExactSvmClient.of(PAYER).pay(requirements(extra("feePayer", "0x12"))))
        .hasMessageContaining("extra.feePayer");
    assertThatThrownBy(
            () ->
                ExactSvmClient.of(PAYER)
                    .pay(requirements(extra("feePayer", PAYER.address().toString()))))
        .hasMessageContaining("is the paying account");
  }

  @Test
  void memoLimitsAndNonce() {
    String max = "é".repeat(128); // 256 UTF-8 bytes
    ExactSvmPayload ok = ExactSvmClient.of(PAYER).pay(requirements(extra("memo", max)));
    assertThat(
            new String(
                ok.transaction().message().instructions().get(3).data(),
                java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(max);
    assertThatThrownBy(() -> ExactSvmClient.of(PAYER).pay(requirements(extra("memo", max + "a"))))
        .hasMessageContaining("257 UTF-8 bytes");
    assertThatThrownBy(() -> ExactSvmClient.of(PAYER).pay(requirements(extra("memo", 5))))
        .hasMessageContaining("extra.memo must be a string");
    ExactSvmPayload a = ExactSvmClient.of(PAYER).pay(requirements(extra()));
    ExactSvmPayload b = ExactSvmClient.of(PAYER).pay(requirements(extra("memo", "")));
    for (ExactSvmPayload p : List.of(a, b)) {
      assertThat(new String(p.transaction().message().instructions().get(3).data()))
          .matches("[0-9a-f]{32}");
    }
    assertThat(a.paymentId()).isNotEqualTo(b.paymentId());
  }

  @Test
  void blockhashSourceWinsOverTheHintWhichIsOnlyAFallback() {
    AtomicInteger asked = new AtomicInteger();
    String fresh = Base58.encode(SolanaTransactionTest.filled(8));
    ExactSvmClient client =
        ExactSvmClient.builder(PAYER)
            .blockhashSource(
                network -> {
                  assertThat(network).isEqualTo(DEVNET);
                  asked.incrementAndGet();
                  return new RecentBlockhash(fresh, 10);
                })
            .build();
    assertThat(client.pay(requirements(extra())).transaction().message().recentBlockhash())
        .isEqualTo(fresh);
    assertThat(asked).hasValue(1);
    assertThatThrownBy(
            () -> ExactSvmClient.of(PAYER).pay(requirements(extra("recentBlockhash", null))))
        .hasMessageContaining("configure a BlockhashSource");
    assertThatThrownBy(
            () -> ExactSvmClient.of(PAYER).pay(requirements(extra("recentBlockhash", "abc"))))
        .hasMessageContaining("extra.recentBlockhash");
  }

  @Test
  void unknownMintNeedsASource() {
    String other = SolanaPrograms.MEMO.toString();
    PaymentRequirements r = requirements(extra()).toBuilder().asset(other).build();
    assertThatThrownBy(() -> ExactSvmClient.of(PAYER).pay(r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("configure a MintInfoSource");
    ExactSvmClient client =
        ExactSvmClient.builder(PAYER)
            .mintInfoSource((n, m) -> new MintInfo(SolanaPrograms.TOKEN_2022, 9))
            .build();
    SolanaTransaction tx = client.pay(r).transaction();
    CompiledInstruction transfer = tx.message().instructions().get(2);
    assertThat(tx.message().staticAccounts().get(transfer.programIdIndex()))
        .isEqualTo(SolanaPrograms.TOKEN_2022);
    assertThat(transfer.data()[9]).isEqualTo((byte) 9);
    assertThat(tx.message().staticAccounts().get(transfer.accounts().get(2)))
        .isEqualTo(
            TokenAccounts.associated(
                SolanaTransactionTest.PAY_TO, SolanaPrograms.MEMO, SolanaPrograms.TOKEN_2022));
  }

  @Test
  void refusesWhatItCannotPay() {
    ExactSvmClient client = ExactSvmClient.of(PAYER);
    assertThatThrownBy(() -> client.pay(requirements(extra()).toBuilder().scheme("upto").build()))
        .hasMessageContaining("'upto'");
    assertThatThrownBy(
            () -> client.pay(requirements(extra()).toBuilder().network(Network.evm(8453)).build()))
        .hasMessageContaining("not a Solana network");
    assertThatThrownBy(() -> client.pay(requirements(extra()).toBuilder().payTo("0xabc").build()))
        .hasMessageContaining("requirement payTo");
    assertThatThrownBy(
            () ->
                client.pay(
                    requirements(extra()).toBuilder()
                        .amount(TokenAmount.of(BigInteger.ONE.shiftLeft(64)))
                        .build()))
        .hasMessageContaining("u64");
  }

  @Test
  void aMemoWithControlCharactersOrBrokenUnicodeIsNotSigned() {
    // A hostile 402 must not get terminal escapes or line breaks written on-chain in the buyer's
    // name, nor a memo silently replaced by '?' (an unpaired surrogate has no UTF-8 form).
    for (String memo : List.of("inv\u001b[2J", "a\nb", "x\u0000", "\u0085", "bad\ud800")) {
      assertThatThrownBy(() -> ExactSvmClient.of(PAYER).pay(requirements(extra("memo", memo))))
          .as(memo)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("extra.memo");
    }
    assertThat(
            new String(
                ExactSvmClient.of(PAYER)
                    .pay(requirements(extra("memo", "café 🎉 #42")))
                    .transaction()
                    .message()
                    .instructions()
                    .get(3)
                    .data(),
                java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("café 🎉 #42");
  }

  @Test
  void aKnownStablecoinIsPaidOnTheRegistrysFactsWithoutAskingTheMintSource() {
    // A lying node must not change how a known stablecoin is paid, and it is not even asked: the
    // registry's decimals and token program are used, with no round trip per payment.
    AtomicInteger asked = new AtomicInteger();
    for (MintInfo lie :
        List.of(
            new MintInfo(SolanaPrograms.TOKEN, 0),
            new MintInfo(SolanaPrograms.TOKEN, 9),
            new MintInfo(SolanaPrograms.TOKEN_2022, 6))) {
      ExactSvmClient client =
          ExactSvmClient.builder(PAYER)
              .mintInfoSource(
                  (n, m) -> {
                    asked.incrementAndGet();
                    return lie;
                  })
              .build();
      SolanaMessage message = client.pay(requirements(extra())).transaction().message();
      CompiledInstruction transfer = message.instructions().get(2);
      assertThat(transfer.data()[9]).as(lie.toString()).isEqualTo((byte) 6);
      assertThat(message.staticAccounts().get(transfer.programIdIndex()))
          .as(lie.toString())
          .isEqualTo(SolanaPrograms.TOKEN);
    }
    assertThat(asked).hasValue(0);
  }

  @Test
  void createPayloadIsTheWireMap() {
    Map<String, Object> map =
        ExactSvmClient.of(PAYER).createPayload(2, requirements(extra("memo", "inv_42")));
    assertThat(map).containsOnlyKeys("transaction");
    assertThat(ExactSvmClient.of(PAYER).scheme()).isEqualTo("exact");
  }

  @Test
  void theServerReadsThePayerTheTransactionNames() {
    PaymentRequirements r = requirements(extra("memo", "inv_42"));
    Map<String, Object> map = ExactSvmClient.of(PAYER).createPayload(2, r);
    // The transfer's authority, not the fee payer (the first account).
    assertThat(new ExactSvmServer().identify(2, r, map).payer())
        .isEqualTo(PAYER.address().toString())
        .isNotEqualTo(SolanaTransactionTest.FEE_PAYER.toString());
  }
}
