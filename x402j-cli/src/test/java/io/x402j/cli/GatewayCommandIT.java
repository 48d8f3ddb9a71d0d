package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.x402j.core.testing.ChildJvm;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.testkit.TestMarket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code x402j gateway} as its own process, selling a small upstream on the devnet. */
class GatewayCommandIT {
  @Test
  void sellsAnUpstreamAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"weather\":\"sunny\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    try (TestMarket market = TestMarket.start()) {
      Path log = dir.resolve("gateway.log");
      Process process =
          new ProcessBuilder(
                  ChildJvm.main(
                      X402j.class,
                      "gateway",
                      "--upstream",
                      "http://127.0.0.1:" + upstream.getAddress().getPort(),
                      "--facilitator",
                      market.facilitatorUrl(),
                      "--network",
                      market.network().toString(),
                      "--v1-name",
                      "x402j-devnet",
                      "--asset",
                      market.info().token().toString(),
                      "--asset-name",
                      market.info().tokenName(),
                      "--asset-version",
                      market.info().tokenVersion(),
                      "--asset-decimals",
                      "6",
                      "--pay-to",
                      market.seller().toString(),
                      "--route",
                      "GET /weather=$0.01",
                      "--port",
                      "0"))
              .redirectError(log.toFile())
              .start();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("log: %s", Files.readString(log)).isNotNull();
        JsonNode started = new ObjectMapper().readTree(line);
        String url = started.path("url").asText();
        assertThat(started.path("routes").get(0).path("price").asText()).isEqualTo("$0.01");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unpaid =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/weather")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unpaid.statusCode()).isEqualTo(402);
        BigInteger before = market.sellerBalance();
        String payment =
            market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
        HttpResponse<String> paid =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/weather"))
                    .header("PAYMENT-SIGNATURE", payment)
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(paid.statusCode()).isEqualTo(200);
        assertThat(paid.body()).contains("sunny");
        assertThat(
                HeaderCodec.standard()
                    .decodePaymentResponse(
                        paid.headers().firstValue("PAYMENT-RESPONSE").orElseThrow())
                    .success())
            .isTrue();
        assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));

        process.destroy();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      } finally {
        process.destroyForcibly();
      }
    } finally {
      upstream.stop(0);
    }
  }
}
