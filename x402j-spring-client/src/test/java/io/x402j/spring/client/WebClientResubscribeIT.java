package io.x402j.spring.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.evm.PrivateKeySigner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * A filter placed before the paying one that retries on 5xx (a common resilience filter) subscribes
 * to the paying filter's answer again: the body is still sent intact and the call still pays at
 * most once.
 */
class WebClientResubscribeIT {
  record Received(String path, String payment, String body) {}

  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  Server server;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger unpaid = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            String path = Request.getPathInContext(request);
            String payment = request.getHeaders().get("PAYMENT-SIGNATURE");
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            received.add(new Received(path, payment, body));
            if (payment == null) {
              if (path.equals("/flaky") && unpaid.getAndIncrement() == 0) {
                response.setStatus(500); // a hiccup before the 402
                response.write(true, ByteBuffer.allocate(0), callback);
                return true;
              }
              response.setStatus(402);
              response.getHeaders().put("PAYMENT-REQUIRED", paymentRequired(path));
              response.write(
                  true, ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)), callback);
            } else if (path.equals("/takes-and-fails")) {
              response.setStatus(500); // a hostile seller: keeps the payment, answers 500
              response.write(true, ByteBuffer.allocate(0), callback);
            } else {
              response.write(
                  true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            }
            return true;
          }
        });
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  String base() {
    return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  static String paymentRequired(String path) {
    PaymentRequirements r =
        PaymentRequirements.builder()
            .network(Network.evm(84532))
            .amount(TokenAmount.of(10_000))
            .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
            .payTo(SELLER)
            .extra("name", "USDC")
            .extra("version", "2")
            .build();
    return HeaderCodec.standard()
        .encodePaymentRequired(
            PaymentRequired.of(
                "Payment required", ResourceInfo.of("https://shop.example" + path), List.of(r)));
  }

  static Payer payer() {
    return Payer.builder()
        .signer(PrivateKeySigner.generate(new SecureRandom()))
        .spendControls(SpendControls.unlimited())
        .build();
  }

  /** Retries an answer of 5xx up to twice, by subscribing to the next filter's answer again. */
  static ExchangeFilterFunction retryOn5xx() {
    return (request, next) ->
        next.exchange(request)
            .flatMap(
                r ->
                    r.statusCode().is5xxServerError()
                        ? r.releaseBody().then(Mono.error(new IllegalStateException("5xx")))
                        : Mono.just(r))
            .retry(2);
  }

  @Test
  void aResubscribedCallSendsTheBodyOnceWithThePayment() {
    Payer payer = payer();
    WebClient http =
        WebClient.builder()
            .filter(retryOn5xx())
            .filter(X402ExchangeFilterFunction.of(payer))
            .build();

    String answer =
        http.post()
            .uri(base() + "/flaky")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"order\":1}")
            .retrieve()
            .bodyToMono(String.class)
            .block();

    Received paid = received.get(received.size() - 1);
    assertThat(paid.payment()).isNotNull();
    assertThat(paid.body()).as("the body sent with the payment").isEqualTo("{\"order\":1}");
    assertThat(answer).isEqualTo("{\"order\":1}");
    assertThat(payer.spendLog().spends()).hasSize(1);
  }

  @Test
  void aResubscribedCallNeverPaysTwice() {
    Payer payer = payer();
    WebClient http =
        WebClient.builder()
            .filter(retryOn5xx())
            .filter(X402ExchangeFilterFunction.of(payer))
            .build();

    assertThatThrownBy(
            () ->
                http.get()
                    .uri(base() + "/takes-and-fails")
                    .retrieve()
                    .bodyToMono(String.class)
                    .block())
        .hasMessageContaining("5xx");

    assertThat(received.stream().map(Received::payment).filter(p -> p != null).distinct().toList())
        .as("distinct payments the seller received")
        .hasSize(1);
    assertThat(payer.spendLog().spends()).as("spends recorded").hasSize(1);
  }
}
