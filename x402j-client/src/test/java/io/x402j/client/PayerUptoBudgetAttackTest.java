package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.testing.ScriptedShop;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.ResourceInfo;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: a malicious {@code upto} seller drains a buyer past its budget. The seller names the
 * facilitator in its own 402 ({@code extra.facilitatorAddress}), so seller and facilitator are one
 * party. It answers every paid request with a success receipt claiming 1 atomic unit (a made-up
 * transaction hash), and the payer lowers each reserve from the ceiling to 1: the budget looks
 * untouched, so the buyer keeps signing fresh ceilings. Every permit still lets the seller's
 * facilitator move its whole ceiling until its deadline (an hour), which it does afterwards. The
 * budget ($0.10 a day) is meant to bound what the buyer can lose; here the buyer signs ceilings
 * worth far more than that. A receipt should lower a reserve only when it can be believed (checked
 * on chain: the Permit2 nonce spent and the transfer amount), or once the permit's deadline has
 * passed unspent; never on the seller's word alone.
 */
class PayerUptoBudgetAttackTest {
  ScriptedShop shop;
  X402Client client;
  SpendLog log;

  @BeforeEach
  void startShop() throws Exception {
    shop = ScriptedShop.start();
    shop.asks(
        new PaymentRequired(
            "Payment required",
            ResourceInfo.of("https://api.example/infer"),
            List.of(PayerUptoTest.upto(50_000)), // a $0.05 ceiling
            null,
            Map.of()));
    log = SpendLog.inMemory();
    client =
        X402Client.builder(
                PayerUptoTest.payer(
                    new PayerUptoTest.ScriptedScheme("upto", Map.of()),
                    SpendControls.builder().budgetUsd("$0.10", Duration.ofDays(1)).build(),
                    log))
            .build();
  }

  @AfterEach
  void stopShop() {
    shop.close();
  }

  PaidResponse<String> pay() throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(shop.url() + "/infer")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSellerClaimingTinyChargesCannotMakeTheBuyerSignCeilingsBeyondItsBudget() throws Exception {
    shop.answersWithReceipt(PayerUptoTest.receipt("\"1\""));

    pay();
    pay(); // two $0.05 ceilings: the whole $0.10 budget is signed away

    // Nothing on chain says the seller took only 1 unit of each: a third ceiling is over budget.
    assertThatThrownBy(this::pay)
        .as("a third $0.05 permit on a $0.10 budget, the first two still spendable")
        .isInstanceOf(PaymentRefusedException.class);
    assertThat(shop.payments).hasSize(2);
  }
}
