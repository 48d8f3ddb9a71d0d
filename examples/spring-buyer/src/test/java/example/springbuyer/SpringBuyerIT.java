package example.springbuyer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.PaymentRefusedException;
import io.x402j.core.Asset;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.servlet.PaymentFilter;
import io.x402j.testkit.TestMarket;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example buyer, configured only by properties, pays x402j's servlet filter in Jetty on the
 * devnet (settled by the x402j facilitator), writes its spend log, and refuses a price over its
 * limit with nothing paid.
 */
class SpringBuyerIT {
  static TestMarket market;
  static Server seller;
  static String url;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    seller = new Server();
    ServerConnector connector = new ServerConnector(seller);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    seller.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(
        new FilterHolder(new PaymentFilter(gate, 64 * 1024)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Weather()), "/*");
    seller.setHandler(context);
    seller.start();
    url = "http://127.0.0.1:" + connector.getLocalPort() + "/weather";
  }

  @AfterAll
  static void stop() throws Exception {
    seller.stop();
    market.close();
  }

  static final class Weather extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("application/json");
      resp.getWriter().write("{\"weather\":\"sunny\"}");
    }
  }

  /**
   * The settings an operator would give (here as arguments): the devnet and its test dollar, the
   * key's variable.
   */
  static List<String> properties(Path spendLog, String max) {
    Asset dollar = market.networks().defaultAsset(market.network()).orElseThrow();
    List<String> p = new ArrayList<>();
    p.add("--buy.url=" + url);
    p.add("--X402J_PRIVATE_KEY=" + market.info().requireAccount("buyer").privateKey());
    p.add("--x402j.client.max-per-payment=" + max);
    p.add("--x402j.client.spend-log=" + spendLog);
    p.add("--x402j.client.networks[0].network=" + market.network());
    p.add("--x402j.client.networks[0].v1-name=x402j-devnet");
    p.add("--x402j.client.networks[0].testnet=true");
    p.add("--x402j.client.networks[0].assets[0].address=" + dollar.address());
    p.add("--x402j.client.networks[0].assets[0].symbol=" + dollar.symbol());
    p.add("--x402j.client.networks[0].assets[0].decimals=" + dollar.decimals());
    p.add("--x402j.client.networks[0].assets[0].eip712-name=" + dollar.eip712Name());
    p.add("--x402j.client.networks[0].assets[0].eip712-version=" + dollar.eip712Version());
    p.add("--x402j.client.networks[0].assets[0].usd-stablecoin=true");
    return p;
  }

  @Test
  void buysOnceAndWritesTheSpendLog() throws Exception {
    BigInteger before = market.sellerBalance();
    Path log = dir.resolve("spend.log");

    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(SpringBuyerApplication.class)
            .run(properties(log, "$0.10").toArray(String[]::new))) {
      assertThat(app.getBean(io.x402j.client.Payer.class).spendLog().spends()).hasSize(1);
    }
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    assertThat(Files.readAllLines(log)).hasSize(1);
  }

  @Test
  void aPriceOverTheLimitIsRefusedWithNothingPaid() {
    BigInteger before = market.sellerBalance();
    Path log = dir.resolve("refused.log");

    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(SpringBuyerApplication.class)
                    .run(properties(log, "$0.001").toArray(String[]::new))
                    .close())
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("exceeds the maximum of $0.001");
    assertThat(market.sellerBalance()).isEqualTo(before);
    assertThat(log).as("nothing recorded").isEmptyFile();
  }
}
