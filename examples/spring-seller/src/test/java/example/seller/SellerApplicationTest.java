package example.seller;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The example starts, asks for payment on its priced routes, and leaves the rest free. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SellerApplicationTest {
  @LocalServerPort int port;

  HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pricedRoutesAsk402() throws Exception {
    HttpResponse<String> weather = get("/weather");
    HttpResponse<String> report = get("/reports/stablecoins");

    assertThat(weather.statusCode()).isEqualTo(402);
    PaymentRequired asked =
        HeaderCodec.standard()
            .decodePaymentRequired(weather.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    assertThat(asked.accepts().get(0).amount()).isEqualTo(TokenAmount.of(1_000));
    assertThat(asked.accepts().get(0).network().toString()).isEqualTo("eip155:84532");
    assertThat(report.statusCode()).isEqualTo(402);
  }

  @Test
  void theRestIsFree() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }
}
