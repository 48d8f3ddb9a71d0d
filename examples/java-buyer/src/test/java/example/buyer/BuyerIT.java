package example.buyer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.PaidResponse;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.testing.TestShop;
import io.x402j.testkit.TestMarket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The example buyer pays a seller on a local chain, and refuses what costs too much. */
class BuyerIT {
  @Test
  void paysACheapCallAndRefusesAnExpensiveOne() throws Exception {
    try (TestMarket market = TestMarket.start();
        TestShop shop = TestShop.start(market)) {
      PaidResponse<String> weather =
          Buyer.fetch(URI.create(shop.url() + "/weather"), market.buyer(), market.networks());

      assertThat(weather.statusCode()).isEqualTo(200);
      assertThat(weather.settled()).isTrue();
      assertThatThrownBy(
              () ->
                  Buyer.fetch(
                      URI.create(shop.url() + "/pricey"), market.buyer(), market.networks()))
          .isInstanceOf(PaymentRefusedException.class)
          .hasMessageContaining("exceeds the maximum of $0.10");
    }
  }
}
