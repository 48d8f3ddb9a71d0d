package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SignInChoice;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.testing.ChildJvm;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code x402j gateway --sign-in-with-x} as its own process on the devnet: a buyer pays once, then
 * signs in and is served without paying, and the upstream learns the wallet from {@code
 * X-Payment-Signed-In}; a client that sends that header itself (in any spelling) reaches nothing
 * priced and never passes it to the upstream.
 */
class GatewaySignInCommandIT {
  /** What the upstream saw of one request: path and the sign-in / payer headers. */
  record Seen(String path, List<String> signedIn, List<String> payer, List<String> siwx) {}

  @Test
  void aWalletThatPaidSignsInAndTheUpstreamIsToldWhichWallet(@TempDir Path dir) throws Exception {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          var h = exchange.getRequestHeaders();
          seen.add(
              new Seen(
                  exchange.getRequestURI().getPath(),
                  h.getOrDefault("X-Payment-Signed-In", List.of()),
                  h.getOrDefault("X-Payment-Payer", List.of()),
                  h.getOrDefault("Sign-In-With-X", List.of())));
          byte[] body = "{\"report\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    try (TestMarket market = TestMarket.start()) {
      // Probed last, right before the gateway binds it: the devnet and the facilitator bind ports
      // of their own while starting, and one of them could take a port probed earlier.
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort(); // the default origin is http://127.0.0.1:PORT
      }
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
                      "GET /report=$0.01",
                      "--port",
                      String.valueOf(port),
                      "--sign-in-with-x=PT1H",
                      "--sign-in-db",
                      "jdbc:sqlite:" + dir.resolve("passes.db")))
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
        RawHttp raw = new RawHttp("127.0.0.1", port);

        // A client claiming to be signed in, without paying: 402, the upstream is not reached.
        for (String spelling : List.of("X-Payment-Signed-In", "x_payment_signed_in")) {
          String answer =
              raw.exchangeWhole(
                  ("GET /report HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          + spelling
                          + ": eip155:1:0x0000000000000000000000000000000000000001\r\n"
                          + "Connection: close\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
          assertThat(answer).startsWith("HTTP/1.1 402");
        }
        assertThat(seen).isEmpty();

        X402Client client =
            X402Client.builder(
                    Payer.builder()
                        .signer(market.buyer())
                        .networks(market.networks())
                        .spendControls(SpendControls.unlimited())
                        .signIn(SignInChoice.whenPaidWithin(Duration.ofHours(1)))
                        .build())
                .build();
        HttpRequest report = HttpRequest.newBuilder(URI.create(url + "/report")).build();
        BigInteger before = market.sellerBalance();
        PaidResponse<String> paid = client.send(report, HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).isEqualTo(200);
        BigInteger afterPayment = market.sellerBalance();
        assertThat(afterPayment).isEqualTo(before.add(BigInteger.valueOf(10_000)));

        PaidResponse<String> signedIn = client.send(report, HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.body()).contains("ok");
        assertThat(market.sellerBalance()).isEqualTo(afterPayment);

        String account = market.network() + ":" + market.buyer().address();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).signedIn()).isEmpty();
        assertThat(seen.get(0).payer()).hasSize(1);
        assertThat(seen.get(1).signedIn()).containsExactly(account);
        assertThat(seen.get(1).payer()).isEmpty();
        assertThat(seen.get(1).siwx()).as("the credential stays at the gateway").isEmpty();

        // An unpriced path with a forged header: forwarded, without the forgery.
        String free =
            raw.exchangeWhole(
                ("GET /free HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "X-Payment-Signed-In: "
                        + account
                        + "\r\nx_payment_signed_in: "
                        + account
                        + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        assertThat(free).startsWith("HTTP/1.1 200");
        assertThat(seen).hasSize(3);
        assertThat(seen.get(2).path()).isEqualTo("/free");
        assertThat(seen.get(2).signedIn()).isEmpty();

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
