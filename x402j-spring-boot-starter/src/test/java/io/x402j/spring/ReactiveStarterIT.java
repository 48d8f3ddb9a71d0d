package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.GateExtension;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentEvent;
import io.x402j.server.PaymentListener;
import io.x402j.server.ReplayStore;
import io.x402j.server.RouteResolver;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.server.SalesRecord;
import io.x402j.spring.internal.GateAssembly;
import io.x402j.spring.reactive.ReactiveShopApplication;
import io.x402j.testkit.PaymentHeaderCopies;
import io.x402j.testkit.TestMarket;
import io.x402j.webflux.PaymentWebFilter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.WebFilter;

/**
 * The starter in a real Spring WebFlux application on reactor-netty, paid on the devnet: {@link
 * X402Price} on controller methods, {@link X402RoutePrice} on functional routes, {@code x402j.*}
 * properties, and the application's extension, listener and replay store beans.
 */
@SpringBootTest(
    classes = {ReactiveShopApplication.class, ReactiveStarterIT.Beans.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.main.web-application-type=reactive",
      "x402j.routes[0].pattern=GET /configured",
      "x402j.routes[0].price=$0.04",
      "x402j.paywall.app-name=Reactive Shop"
    })
class ReactiveStarterIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static TestMarket market;
  static PaymentHeaderCopies.Counting facilitator;
  static final List<String> settled = new CopyOnWriteArrayList<>();
  static final AtomicInteger replayChecks = new AtomicInteger();
  static final List<Sale> sales = new CopyOnWriteArrayList<>();

  @LocalServerPort int port;
  @Autowired ApplicationContext context;

  @DynamicPropertySource
  static void market(DynamicPropertyRegistry registry) throws Exception {
    if (market == null) {
      market = TestMarket.start();
    }
    registry.add("x402j.facilitator-url", market::facilitatorUrl);
    registry.add("x402j.pay-to", () -> market.seller().toString());
    registry.add("x402j.network", () -> market.network().toString());
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  /** The devnet, an extension, a listener and a replay store, as an application defines them. */
  @TestConfiguration
  static class Beans {
    @Bean
    NetworkRegistry devnetNetworks() {
      return market.networks();
    }

    /** The starter's own facilitator client, counting what it is asked. */
    @Bean
    Facilitator countingFacilitator(X402jProperties properties) {
      facilitator = new PaymentHeaderCopies.Counting(GateAssembly.facilitator(properties));
      return facilitator;
    }

    @Bean
    GateExtension hello() {
      return new GateExtension() {
        @Override
        public String key() {
          return "x-hello";
        }

        @Override
        public Optional<Object> declare(RouteResolver.ResolvedRoute route, GateRequest request) {
          return Optional.of(Map.of("route", route.pattern()));
        }
      };
    }

    @Bean
    PaymentListener recorder() {
      return new PaymentListener() {
        @Override
        public void afterSettle(PaymentEvent event, SettleResponse result) {
          settled.add(event.route() + " " + result.success());
        }
      };
    }

    /** The application's sales record: the reactive gate must record into it. */
    @Bean
    SalesRecord salesRecord() {
      return sales::add;
    }

    @Bean
    ReplayStore replayStore() {
      ReplayStore memory = ReplayStore.inMemory(Clock.systemUTC());
      return new CountingReplayStore(memory);
    }
  }

  /** The in-memory store, counting what the gate asks of it. */
  record CountingReplayStore(ReplayStore delegate) implements ReplayStore {
    @Override
    public Acquisition acquire(String key, java.time.Instant expiresAt) {
      replayChecks.incrementAndGet();
      return delegate.acquire(key, expiresAt);
    }

    @Override
    public void release(String key) {
      delegate.release(key);
    }

    @Override
    public void settled(String key) {
      delegate.settled(key);
    }

    @Override
    public void pending(
        String key,
        String settlementId,
        io.x402j.core.TokenAmount settledAmount,
        java.time.Instant keepUntil) {
      delegate.pending(key, settlementId, settledAmount, keepUntil);
    }
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  PaymentRequired required(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(
        response.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  HttpResponse<String> paid(String path) throws Exception {
    String payment = market.payV2(get(path).headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    return get(path, "PAYMENT-SIGNATURE", payment);
  }

  /**
   * A payment is sent once, in one header, through the starter's WebFlux filter on reactor-netty:
   * two of one header, one PAYMENT-SIGNATURE with one X-PAYMENT (which passed before: each name was
   * counted alone), or comma-joined values are a 400 naming the headers, before the facilitator is
   * asked; the same payment sent once buys the response.
   */
  @Test
  void aPaymentSentMoreThanOnceIsRefusedBeforeAnythingIsVerified() throws Exception {
    String payment =
        market.payV2(get("/configured").headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    String content = "priced in application properties";
    PaymentHeaderCopies.assertRefusedEveryWay(port, "/configured", payment, content, facilitator);
    PaymentHeaderCopies.assertBoughtOnce(port, "/configured", payment, content, facilitator);
  }

  @Test
  void theReactiveFilterIsInstalledAndTheServletOneIsNot() {
    assertThat(context.getBeansOfType(WebFilter.class).values())
        .anySatisfy(f -> assertThat(f.getClass().getName()).contains("OrderedFilter"));
    assertThat(context.getBeanNamesForType(PaymentWebFilter.class)).isEmpty();
    assertThat(context.containsBean("x402jPaymentFilter")).isFalse();
  }

  @Test
  void annotatedFunctionalAndConfiguredRoutesArePriced() throws Exception {
    PaymentRequired weather = required(get("/weather"));
    PaymentRequired quote = required(get("/fn/quote"));
    PaymentRequired tip = required(get("/fn/tip"));
    PaymentRequired configured = required(get("/configured"));

    assertThat(weather.accepts().get(0).amount()).isEqualTo(TokenAmount.of(10_000));
    assertThat(weather.resource().description()).isEqualTo("Today's weather");
    assertThat(quote.accepts().get(0).amount()).isEqualTo(TokenAmount.of(20_000));
    assertThat(quote.resource().description()).isEqualTo("A quote");
    assertThat(tip.accepts().get(0).amount()).isEqualTo(TokenAmount.of(30_000));
    assertThat(configured.accepts().get(0).amount()).isEqualTo(TokenAmount.of(40_000));
    assertThat(weather.accepts().get(0).payTo()).isEqualToIgnoringCase(market.seller().toString());
    assertThat(weather.extensions().get("x-hello")).isEqualTo(Map.of("route", "GET /weather"));
    assertThat(get("/free").statusCode()).isEqualTo(200);
    assertThat(get("/fn/free").body()).isEqualTo("free fn");
  }

  @Test
  void paidAnnotatedAndFunctionalRoutesSettle() throws Exception {
    BigInteger before = market.sellerBalance();
    int checks = replayChecks.get();

    HttpResponse<String> weather = paid("/weather");
    HttpResponse<String> quote = paid("/fn/quote");

    assertThat(weather.statusCode()).isEqualTo(200);
    assertThat(weather.body()).contains("sunny");
    assertThat(quote.statusCode()).isEqualTo(200);
    assertThat(quote.body()).contains("buy low");
    for (HttpResponse<String> r : List.of(weather, quote)) {
      assertThat(
              HEADERS
                  .decodePaymentResponse(r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow())
                  .success())
          .isTrue();
    }
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(30_000)));
    assertThat(settled).contains("GET /weather true");
    assertThat(replayChecks.get())
        .as("the application's replay store was used")
        .isGreaterThan(checks);
    String tx =
        HEADERS
            .decodePaymentResponse(weather.headers().firstValue("PAYMENT-RESPONSE").orElseThrow())
            .transaction();
    assertThat(sales)
        .as("the application's sales record was given to the gate")
        .filteredOn(s -> s.state() == SaleState.SETTLED && tx.equalsIgnoreCase(s.transaction()))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.route()).isEqualTo("GET /weather");
              assertThat(s.payer()).isEqualToIgnoringCase(market.buyer().address().toString());
            });
  }

  @Test
  void aFailingHandlerIsNotCharged() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> broken = paid("/broken");

    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(broken.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void browsersGetThePaywall() throws Exception {
    HttpResponse<String> page =
        get("/weather", "Accept", "text/html", "User-Agent", "Mozilla/5.0 Firefox/140.0");

    assertThat(page.statusCode()).isEqualTo(402);
    assertThat(page.body()).contains("Reactive Shop");
  }
}
