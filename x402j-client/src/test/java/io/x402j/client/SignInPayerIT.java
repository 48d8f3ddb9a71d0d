package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.x402j.core.Network;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
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
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The payer signs in instead of paying, against x402j's gate on a real HTTP server: opted in, it
 * pays the first time and signs in the next (nothing settled, nothing spent); opted out, it pays
 * every time; and it never signs a challenge for a domain other than the host that answered.
 */
class SignInPayerIT {
  static final Network NET = Network.evm(84532);
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "44".repeat(32));

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
        if (c instanceof Completion.Release release) {
          response = GateResponse.of(200, "text/plain", "paid", release.headers());
        } else {
          response = ((Completion.Refuse) c).response();
        }
      }
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = response.body();
      exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  X402Client client(SignInChoice choice) {
    return X402Client.builder(
            Payer.builder()
                .signer(BUYER)
                .spendControls(SpendControls.unlimited())
                .signIn(choice)
                .build())
        .build();
  }

  String get(X402Client client) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url() + "/weather")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void aPayerThatPaidSignsInTheNextTimeAndSpendsNothing() throws Exception {
    X402Client client = client(SignInChoice.whenPaidWithin(Duration.ofDays(1)));

    assertThat(get(client)).isEqualTo("paid");
    assertThat(signInHeaders).as("nothing paid before: no sign-in").isEmpty();
    assertThat(get(client)).isEqualTo("signed in");
    assertThat(get(client)).isEqualTo("signed in");

    assertThat(settled).hasValue(1);
    assertThat(client.payer().spendLog().spends()).hasSize(1);
    assertThat(signInHeaders).hasSize(2);
  }

  @Test
  void aPayerNotAdmittedPaysAfterSigningIn() throws Exception {
    X402Client client = client(SignInChoice.always());

    assertThat(get(client)).isEqualTo("paid"); // signed in, refused (never paid), then paid
    assertThat(signInHeaders).hasSize(1);
    assertThat(settled).hasValue(1);
  }

  @Test
  void byDefaultAPayerNeverSignsIn() throws Exception {
    X402Client client = client(SignInChoice.never());

    assertThat(get(client)).isEqualTo("paid");
    assertThat(get(client)).isEqualTo("paid");
    assertThat(signInHeaders).isEmpty();
    assertThat(settled).hasValue(2);
  }

  @Test
  void aChallengeForAnotherDomainIsNeverSigned() {
    Payer payer =
        Payer.builder()
            .signer(BUYER)
            .spendControls(SpendControls.unlimited())
            .signIn(SignInChoice.always())
            .build();
    GateResponse unpaid =
        ((GateDecision.Respond)
                gate.check(GateRequest.of("GET", "/weather", url() + "/weather", Map.of())).join())
            .response();
    String header = unpaid.header("PAYMENT-REQUIRED");

    // The 402 as sent by this server: signed.
    assertThat(payer.signIn(challenge(url() + "/weather", header))).isPresent();
    // The same 402 relayed by another host (or one that names another domain): never signed.
    for (String other :
        List.of(
            "http://localhost:" + server.getAddress().getPort() + "/weather",
            "http://127.0.0.1:1/weather",
            "https://127.0.0.1:" + server.getAddress().getPort() + "/weather")) {
      assertThat(payer.signIn(challenge(other, header))).as(other).isEmpty();
    }
    PaymentRequired required = HeaderCodec.standard().decodePaymentRequired(header);
    assertThat(required.extensions()).containsKey(SignInWithX.KEY);
  }

  static PaymentChallenge challenge(String url, String header) {
    return new PaymentChallenge(
        URI.create(url),
        Map.of("PAYMENT-REQUIRED", List.of(header)),
        "{}".getBytes(StandardCharsets.UTF_8));
  }
}
