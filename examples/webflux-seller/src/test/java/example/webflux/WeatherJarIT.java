package example.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.Asset;
import io.x402j.core.TokenAmount;
import io.x402j.core.testing.ChildJvm;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.testkit.TestMarket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example as its README says to run it: {@code java -jar target/webflux-seller.jar}, configured
 * by environment variables, selling {@code GET /weather} on a devnet through the x402j facilitator,
 * paid by x402j's client.
 */
class WeatherJarIT {
  static final Pattern STARTED = Pattern.compile("Netty started on port (\\d+)");
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static TestMarket market;
  static Process app;
  static String base;
  static final StringBuffer output = new StringBuffer();

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    Path jar = Path.of("target", "webflux-seller.jar");
    assertThat(jar).exists();
    Asset token = market.networks().defaultAsset(market.network()).orElseThrow();
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.command("-jar", jar.toString()));
    pb.redirectErrorStream(true);
    pb.environment().put("PORT", "0");
    pb.environment().put("FACILITATOR_URL", market.facilitatorUrl());
    pb.environment().put("NETWORK", market.network().toString());
    pb.environment().put("PAY_TO", market.seller().toString());
    pb.environment().put("ASSET", token.address());
    pb.environment().put("ASSET_NAME", token.eip712Name());
    pb.environment().put("ASSET_VERSION", token.eip712Version());
    app = pb.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  output.append(line).append('\n');
                  Matcher m = STARTED.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (java.io.IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IllegalStateException("the app ended:\n" + output));
            },
            "webflux-seller-output");
    reader.setDaemon(true);
    reader.start();
    base = "http://127.0.0.1:" + port.get(90, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.destroy();
      app.waitFor(20, TimeUnit.SECONDS);
    }
    market.close();
  }

  @Test
  void weatherCostsTheDefaultPriceAndHealthIsFree() throws Exception {
    HttpResponse<String> unpaid =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/weather")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentRequired asked =
        HeaderCodec.standard()
            .decodePaymentRequired(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    assertThat(asked.accepts().get(0).amount()).isEqualTo(TokenAmount.of(1_000));
    assertThat(asked.accepts().get(0).network()).isEqualTo(market.network());
    assertThat(
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void x402jsClientPaysForTheWeather() throws Exception {
    BigInteger before = market.sellerBalance();
    Payer payer =
        Payer.builder()
            .signer(market.buyer())
            .networks(market.networks())
            .evmRpcUrl(market.network(), market.info().rpcUrl())
            .spendControls(SpendControls.unlimited())
            .build();

    PaidResponse<String> paid =
        X402Client.builder(payer)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/weather")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(paid.statusCode()).as(output.toString()).isEqualTo(200);
    assertThat(paid.settled()).isTrue();
    assertThat(paid.body()).contains("sunny");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(1_000)));
  }
}
