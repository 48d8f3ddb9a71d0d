package io.x402j.client.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.x402j.server.Admission;
import io.x402j.server.Completion;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.GateResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A seller for the client's tests: the x402j gate on a plain JDK HTTP server, on the devnet.
 * Routes: {@code GET /weather} ($0.01), {@code POST /echo} ($0.01, echoes the body), {@code GET
 * /broken} ($0.01, the handler answers 500), {@code GET /choice} (Solana or the devnet, $0.02),
 * {@code GET /pricey} ($5), {@code GET /forever} (402 whatever is sent), and {@code /free}. With
 * {@code v1Only} the 402 answers lose the v2 header, as an x402 v1 server sends them.
 */
public final class TestShop implements AutoCloseable {
  private final HttpServer server;
  private final PaymentGate gate;
  private final boolean v1Only;

  /** Requests received, all paths together. */
  public final AtomicInteger requests = new AtomicInteger();

  private TestShop(
      TestMarket market,
      boolean v1Only,
      java.util.function.Function<String, io.x402j.server.GateExtension[]> extensionsFor)
      throws IOException {
    this.v1Only = v1Only;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    io.x402j.server.GateExtension[] extensions = extensionsFor.apply(url());
    PaidRoute choice =
        PaidRoute.builder()
            .accept(
                PaymentOption.builder(
                        io.x402j.core.Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"))
                    .price("20000")
                    .asset(
                        new io.x402j.core.Asset(
                            "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
                            "USDC",
                            6,
                            null,
                            null,
                            true))
                    .payTo("2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4")
                    .build())
            .accept(
                PaymentOption.builder(market.network())
                    .price("$0.02")
                    .payTo(market.payTo())
                    .build())
            .build();
    PaymentGate.Builder builder = PaymentGate.builder();
    for (io.x402j.server.GateExtension e : extensions) {
      builder.extension(e);
    }
    this.gate =
        builder
            .facilitator(market.facilitator())
            .networks(market.networks())
            .schemes(
                io.x402j.core.scheme.SchemeRegistry.<io.x402j.core.scheme.SchemeServer>builder()
                    .registerBothVersions(
                        "exact",
                        io.x402j.core.NetworkPattern.namespace("eip155"),
                        new io.x402j.evm.ExactEvmServer(market.networks()))
                    .registerBothVersions(
                        "exact", io.x402j.core.NetworkPattern.namespace("solana"), new AnyAsset())
                    .build())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("POST /echo", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("GET /broken", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("GET /choice", choice)
                    .route("GET /pricey", PaidRoute.of("$5", market.network(), market.payTo()))
                    .build())
            .build();
    server.createContext("/", this::handle);
    server.start();
  }

  /** Prices in a given asset only; enough to offer a Solana option the client cannot pay. */
  private static final class AnyAsset implements io.x402j.core.scheme.SchemeServer {
    @Override
    public String scheme() {
      return "exact";
    }

    @Override
    public io.x402j.core.scheme.AssetAmount parsePrice(
        io.x402j.core.Price price, io.x402j.core.Network network) {
      throw new IllegalArgumentException("give the asset");
    }

    @Override
    public io.x402j.core.scheme.AssetAmount parsePrice(
        io.x402j.core.Price price, io.x402j.core.Network network, io.x402j.core.Asset asset) {
      return new io.x402j.core.scheme.AssetAmount(asset.address(), price.toAtomic(asset), Map.of());
    }
  }

  /** A shop speaking both protocol versions. */
  public static TestShop start(TestMarket market) throws IOException {
    return new TestShop(market, false, url -> new io.x402j.server.GateExtension[0]);
  }

  /** A shop speaking both protocol versions whose gate runs {@code extensions}. */
  public static TestShop start(TestMarket market, io.x402j.server.GateExtension... extensions)
      throws IOException {
    return new TestShop(market, false, url -> extensions);
  }

  /**
   * A shop whose gate runs the extensions {@code extensionsFor} makes from the shop's base URL
   * (known once its port is bound, before the gate is built).
   */
  public static TestShop start(
      TestMarket market,
      java.util.function.Function<String, io.x402j.server.GateExtension[]> extensionsFor)
      throws IOException {
    return new TestShop(market, false, extensionsFor);
  }

  /** A shop whose 402s are v1 only (no {@code PAYMENT-REQUIRED} header). */
  public static TestShop startV1Only(TestMarket market) throws IOException {
    return new TestShop(market, true, url -> new io.x402j.server.GateExtension[0]);
  }

  /** The base URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      byte[] requestBody = exchange.getRequestBody().readAllBytes();
      if (path.equals("/forever")) {
        exchange.getResponseHeaders().add("PAYMENT-REQUIRED", foreverHeader());
        write(exchange, 402, "{}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      GateRequest request =
          GateRequest.of(
              exchange.getRequestMethod(),
              path,
              url() + exchange.getRequestURI(),
              exchange.getRequestHeaders());
      GateDecision decision = gate.check(request).join();
      if (decision instanceof GateDecision.Free) {
        write(exchange, 200, "free".getBytes(StandardCharsets.UTF_8));
      } else if (decision instanceof GateDecision.Respond respond) {
        send(exchange, respond.response());
      } else {
        Admission admission = ((GateDecision.Admit) decision).admission();
        int status = path.equals("/broken") ? 500 : 200;
        byte[] body =
            path.equals("/echo")
                ? requestBody
                : ("{\"path\":\"" + path + "\",\"payer\":\"" + admission.payer() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        Completion completion = admission.complete(status).join();
        if (completion instanceof Completion.Release release) {
          release.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
          write(exchange, status, body);
        } else {
          send(exchange, ((Completion.Refuse) completion).response());
        }
      }
    }
  }

  private String foreverHeader() {
    GateResponse unpaid =
        gate.check(GateRequest.of("GET", "/weather", url() + "/forever", Map.of())).join()
                instanceof GateDecision.Respond r
            ? r.response()
            : null;
    return unpaid.header("PAYMENT-REQUIRED");
  }

  private void send(HttpExchange exchange, GateResponse response) throws IOException {
    response
        .headers()
        .forEach(
            (k, v) -> {
              if (!(v1Only && k.equalsIgnoreCase("PAYMENT-REQUIRED"))) {
                exchange.getResponseHeaders().add(k, v);
              }
            });
    write(exchange, response.status(), response.body());
  }

  private static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
