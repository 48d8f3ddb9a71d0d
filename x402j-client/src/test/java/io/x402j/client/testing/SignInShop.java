package io.x402j.client.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.x402j.core.Network;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.EvmAddress;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A seller that lets a wallet which paid sign in with sign-in-with-x: x402j's gate (with {@link
 * SignInWithXExtension}) on a JDK HTTP server on the loopback, in front of a scripted facilitator
 * that verifies and settles every payment as {@code buyer}'s. {@code GET /weather} costs $0.01 on
 * Base Sepolia and answers {@code paid} when paid, {@code signed in} when a sign-in was admitted.
 * Counts settlements and records every {@code SIGN-IN-WITH-X} header it receives.
 */
public final class SignInShop implements AutoCloseable {
  /** The network the route is priced on. */
  public static final Network NET = Network.evm(84532);

  private final ScriptedFacilitator facilitator;
  private final HttpServer server;
  private final PaymentGate gate;
  private final AtomicInteger settled = new AtomicInteger();

  /** The {@code SIGN-IN-WITH-X} headers received, in order. */
  public final List<String> signInHeaders = new CopyOnWriteArrayList<>();

  private SignInShop(EvmAddress buyer) throws IOException {
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
            return ScriptedAnswer.verify(VerifyResponse.valid(buyer.toString()));
          }
          settled.incrementAndGet();
          return ScriptedAnswer.settle(
              SettleResponse.success("0x" + "ab".repeat(32), NET.toString(), buyer.toString()));
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

  /** Starts a shop whose facilitator reports every payment as {@code buyer}'s. */
  public static SignInShop start(EvmAddress buyer) throws IOException {
    return new SignInShop(buyer);
  }

  /** {@code http://127.0.0.1:port}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The gate in front of the shop. */
  public PaymentGate gate() {
    return gate;
  }

  /** How many payments were settled. */
  public int settled() {
    return settled.get();
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

  @Override
  public void close() {
    server.stop(0);
    gate.close();
    facilitator.close();
  }
}
