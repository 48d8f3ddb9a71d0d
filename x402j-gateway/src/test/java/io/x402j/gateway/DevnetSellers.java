package io.x402j.gateway;

import com.sun.net.httpserver.HttpServer;
import io.x402j.devnet.DevnetInfo;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.server.PaymentGate;
import io.x402j.testkit.TestMarket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The setup the gateway's devnet ITs share: the x402j facilitator (exact and upto on one engine)
 * signing with the devnet's facilitator account, a JSON upstream, and a gateway in front of it.
 */
final class DevnetSellers {
  private DevnetSellers() {}

  /** An in-process facilitator serving exact (EIP-3009 and Permit2) and upto on the devnet. */
  static FacilitatorService facilitator(TestMarket market) {
    DevnetInfo info = market.info();
    ExactEvmFacilitator exact =
        ExactEvmFacilitator.builder()
            .network(
                EvmNetworkConfig.builder(
                        info.networkInfo(), JsonRpcClient.builder(info.rpcUrl()).build())
                    .signer(info.requireAccount("facilitator").signer())
                    .build())
            .build();
    return FacilitatorService.builder()
        .scheme(exact)
        .scheme(exact.upto())
        .networks(market.networks())
        .build();
  }

  /**
   * An upstream on a free local port answering every request 200 with {@code json} and {@code
   * headers}.
   */
  static HttpServer upstream(String json, Map<String, String> headers) throws IOException {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = json.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          headers.forEach(exchange.getResponseHeaders()::add);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    return upstream;
  }

  /** A gateway on a free local port in front of {@code upstream}. */
  static Gateway gateway(PaymentGate gate, HttpServer upstream) {
    return Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
        .host("127.0.0.1")
        .port(0)
        .start();
  }

  /** Stops what was started, any of it {@code null}. */
  static void close(Gateway gateway, HttpServer upstream, TestMarket market) {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    if (market != null) {
      market.close();
    }
  }
}
