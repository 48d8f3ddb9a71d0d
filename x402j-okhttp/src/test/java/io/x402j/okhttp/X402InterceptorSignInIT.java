package io.x402j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.x402j.client.Payer;
import io.x402j.client.SignInChoice;
import io.x402j.client.SpendControls;
import io.x402j.core.Network;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.Completion;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.GateResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OkHttp interceptor signs in with sign-in-with-x like X402Client, against x402j's gate on a
 * real HTTP server: a wallet that paid signs in the next time (nothing settled again), one the
 * server does not admit pays after the refused sign-in, and by default it never signs in.
 */
class X402InterceptorSignInIT {
  static final Network NET = Network.evm(84532);
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "45".repeat(32));

  ScriptedFacilitator facilitator;
  HttpServer server;
  PaymentGate gate;
  final AtomicInteger settled = new AtomicInteger();
  final List<String> signInHeaders = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(SupportedKind.of(2, "exact", NET.toString())),
                    List.of(),
                    Map.of(),
                    Map.of()));
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(VerifyResponse.valid(BUYER.address().toString()));
          }
          settled.incrementAndGet();
          return ScriptedAnswer.settle(
              SettleResponse.success(
                  "0x" + "ab".repeat(32), NET.toString(), BUYER.address().toString()));
        });
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /weather",
                        PaidRoute.of("$0.01", NET, "0x857b06519E91e3A54538791bDbb0E22373e36b66"))
                    .build())
            .extension(SignInWithXExtension.builder().origin(url()).build())
            .build();
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    facilitator.close();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange
          .getRequestHeaders()
          .getOrDefault(SignInWithX.HEADER, List.of())
          .forEach(signInHeaders::add);
      GateDecision decision =
          gate.check(
                  GateRequest.of(
                      exchange.getRequestMethod(),
                      exchange.getRequestURI().getPath(),
                      url() + exchange.getRequestURI(),
                      exchange.getRequestHeaders()))
              .join();
      GateResponse response;
      if (decision instanceof GateDecision.Free) {
        response = GateResponse.of(200, "text/plain", "signed in", Map.of());
      } else if (decision instanceof GateDecision.Respond r) {
        response = r.response();
      } else {
        Completion c = ((GateDecision.Admit) decision).admission().complete(200).join();
        response =
            c instanceof Completion.Release release
                ? GateResponse.of(200, "text/plain", "paid", release.headers())
                : ((Completion.Refuse) c).response();
      }
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = response.body();
      exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  OkHttpClient http(SignInChoice choice) {
    Payer payer =
        Payer.builder()
            .signer(BUYER)
            .spendControls(SpendControls.unlimited())
            .signIn(choice)
            .build();
    return X402Interceptor.of(payer).addTo(new OkHttpClient.Builder()).build();
  }

  String get(OkHttpClient http) throws IOException {
    try (Response r =
        http.newCall(new Request.Builder().url(url() + "/weather").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  @Test
  void aWalletThatPaidSignsInTheNextTimeAndNothingIsSettledAgain() throws Exception {
    OkHttpClient http = http(SignInChoice.whenPaidWithin(Duration.ofDays(1)));

    assertThat(get(http)).isEqualTo("paid");
    assertThat(signInHeaders).as("nothing paid before: no sign-in").isEmpty();
    assertThat(get(http)).isEqualTo("signed in");
    assertThat(get(http)).isEqualTo("signed in");

    assertThat(settled).hasValue(1);
    assertThat(signInHeaders).hasSize(2);
  }

  @Test
  void aWalletNotAdmittedPaysAfterItsSignInIsRefused() throws Exception {
    OkHttpClient http = http(SignInChoice.always());

    assertThat(get(http)).isEqualTo("paid"); // signed in, refused (never paid), then paid
    assertThat(signInHeaders).hasSize(1);
    assertThat(settled).hasValue(1);
  }

  @Test
  void byDefaultItNeverSignsIn() throws Exception {
    OkHttpClient http = http(SignInChoice.never());

    assertThat(get(http)).isEqualTo("paid");
    assertThat(get(http)).isEqualTo("paid");
    assertThat(signInHeaders).isEmpty();
    assertThat(settled).hasValue(2);
  }
}
