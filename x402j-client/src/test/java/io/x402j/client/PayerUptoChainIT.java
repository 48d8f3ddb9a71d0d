package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.DevnetInfo;
import io.x402j.testkit.TestMarket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An {@code upto} reserve is lowered below its ceiling only when the payer's own node confirms the
 * receipt on anvil: the x402j facilitator settles real permits through the devnet's upto proxy, and
 * receipts that lie about them leave the ceiling counted.
 */
class PayerUptoChainIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static TestMarket market;
  static DevnetInfo info;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    info = market.info();
    market.devnet().approvePermit2(market.buyer().address(), info.token());
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  static PaymentRequirements ceiling(long amount) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("name", info.tokenName());
    extra.put("version", info.tokenVersion());
    extra.put("facilitatorAddress", info.requireAccount("facilitator").address().toString());
    return PaymentRequirements.builder()
        .scheme("upto")
        .network(market.network())
        .amount(TokenAmount.of(amount))
        .asset(info.token().toString())
        .payTo(market.payTo())
        .maxTimeoutSeconds(300)
        .extra(extra)
        .build();
  }

  static PaymentChallenge challenge() {
    PaymentRequired required =
        new PaymentRequired(
            "Payment required",
            ResourceInfo.of("https://api.example/infer"),
            List.of(ceiling(100_000)),
            null,
            Map.of());
    return new PaymentChallenge(
        URI.create("https://api.example/infer"),
        Map.of("PAYMENT-REQUIRED", List.of(HEADERS.encodePaymentRequired(required))),
        new byte[0]);
  }

  /** Settles {@code auth} for {@code amount} through the market's facilitator. */
  static SettleResponse settle(PaymentAuthorization auth, long amount) {
    PaymentPayload payload = HEADERS.decodePaymentSignature(auth.headerValue());
    SettleResponse receipt =
        market.facilitator().settle(FacilitatorRequest.of(payload, ceiling(amount))).join();
    assertThat(receipt.success()).as(String.valueOf(receipt)).isTrue();
    return receipt;
  }

  static SettleResponse claiming(SettleResponse real, long amount) {
    return new SettleResponse(
        true,
        null,
        null,
        real.transaction(),
        real.network(),
        real.payer(),
        TokenAmount.of(amount),
        null,
        Map.of());
  }

  static Payer payer(SpendLog log) {
    return Payer.builder()
        .signer(market.buyer())
        .networks(market.networks())
        .evmRpcUrl(market.network(), info.rpcUrl())
        .spendControls(SpendControls.unlimited())
        .spendLog(log)
        .build();
  }

  @Test
  void aSettlementTheChainConfirmsLowersTheReserveToTheSettledAmount() {
    SpendLog log = SpendLog.inMemory();
    Payer payer = payer(log);
    PaymentAuthorization auth = payer.authorize(challenge());

    Charge charge = payer.paid(auth, 200, settle(auth, 2_500));

    assertThat(charge.charged()).as(charge.why()).isEqualTo(TokenAmount.of(2_500));
    assertThat(charge.confirmed()).isTrue();
    assertThat(charge.why()).isEqualTo("confirmed on chain");
    assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(2_500));
  }

  @Test
  void aReceiptUnderstatingARealSettlementLeavesTheCeilingCounted() {
    SpendLog log = SpendLog.inMemory();
    Payer payer = payer(log);
    PaymentAuthorization auth = payer.authorize(challenge());

    Charge charge = payer.paid(auth, 200, claiming(settle(auth, 2_500), 1));

    assertThat(charge.charged()).isEqualTo(TokenAmount.of(100_000));
    assertThat(charge.why()).startsWith("not confirmed on chain: ");
    assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(100_000));
  }

  @Test
  void anotherPermitsTransactionDoesNotConfirmAnUnsettledPermit() {
    SpendLog log = SpendLog.inMemory();
    Payer payer = payer(log);
    PaymentAuthorization settled = payer.authorize(challenge());
    PaymentAuthorization unsettled = payer.authorize(challenge());
    SettleResponse real = settle(settled, 2_500);

    Charge charge = payer.paid(unsettled, 200, real); // the first permit's transaction

    assertThat(charge.charged()).isEqualTo(TokenAmount.of(100_000));
    assertThat(charge.why()).contains("is not the settle of this permit");
    Charge fake =
        payer.paid(
            settled,
            200,
            new SettleResponse(
                true,
                null,
                null,
                "0x" + "ab".repeat(32),
                market.network().toString(),
                null,
                TokenAmount.of(2_500),
                null,
                Map.of()));
    assertThat(fake.charged()).isEqualTo(TokenAmount.of(100_000));
    assertThat(fake.why()).contains("is not mined");
    assertThat(log.spends()).extracting(Spend::amount).containsOnly(TokenAmount.of(100_000));
  }
}
