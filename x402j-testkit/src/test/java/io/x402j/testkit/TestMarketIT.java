package io.x402j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The market on a real anvil: a payment signed by its buyer settles to its seller. */
class TestMarketIT {
  static TestMarket market;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  static PaymentRequirements offer() {
    return PaymentRequirements.builder()
        .network(market.network())
        .amount(TokenAmount.of(10_000))
        .asset(market.info().token().toString())
        .payTo(market.payTo())
        .extra("name", market.info().tokenName())
        .extra("version", market.info().tokenVersion())
        .build();
  }

  @Test
  void aPaymentSignedByTheBuyerSettlesToTheSellerOverHttp() {
    PaymentRequirements offer = offer();
    String header =
        HeaderCodec.standard()
            .encodePaymentRequired(
                PaymentRequired.of(
                    "Payment required", ResourceInfo.of("http://shop.test/x"), List.of(offer)));
    PaymentPayload payment = HeaderCodec.standard().decodePaymentSignature(market.payV2(header));
    BigInteger before = market.sellerBalance();
    HttpFacilitatorClient facilitator =
        HttpFacilitatorClient.builder(market.facilitatorUrl()).build();

    SettleResponse settled = facilitator.settle(FacilitatorRequest.of(payment, offer)).join();

    assertThat(settled.success()).as(settled.toString()).isTrue();
    assertThat(settled.payer()).isEqualToIgnoringCase(market.buyer().address().toString());
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    assertThat(facilitator.supported().join().supports(2, "exact", market.network().toString()))
        .isTrue();
  }

  @Test
  void aDrainedBuyerCanBeFundedAgain() {
    BigInteger drained = market.drainBuyer();

    assertThat(market.balance(market.buyer().address())).isZero();
    market.fundBuyer(drained);
    assertThat(market.balance(market.buyer().address())).isEqualTo(drained);
  }
}
