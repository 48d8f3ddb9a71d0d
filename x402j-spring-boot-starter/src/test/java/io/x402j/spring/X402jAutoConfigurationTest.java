package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentGate;
import io.x402j.server.ReplayStore;
import io.x402j.spring.shop.ShopApplication;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Misconfiguration stops the application's start with a message naming the setting. */
class X402jAutoConfigurationTest {
  final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DispatcherServletAutoConfiguration.class,
                  HttpMessageConvertersAutoConfiguration.class,
                  WebMvcAutoConfiguration.class,
                  X402jAutoConfiguration.class))
          .withUserConfiguration(ShopApplication.Shop.class);

  @Test
  void aCompleteConfigurationGivesAGate() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66")
        .run(context -> assertThat(context).hasSingleBean(PaymentGate.class));
  }

  @Test
  void aReplayStoreBeanIsWhereTheGateRemembersPayments() {
    AtomicInteger acquired = new AtomicInteger();
    ReplayStore memory = ReplayStore.inMemory(Clock.systemUTC());
    ReplayStore counting =
        new ReplayStore() {
          @Override
          public Acquisition acquire(String key, Instant expiresAt) {
            acquired.incrementAndGet();
            return memory.acquire(key, expiresAt);
          }

          @Override
          public void release(String key) {
            memory.release(key);
          }

          @Override
          public void settled(String key) {
            memory.settled(key);
          }

          @Override
          public void pending(
              String key, String settlementId, TokenAmount settledAmount, Instant keepUntil) {
            memory.pending(key, settlementId, settledAmount, keepUntil);
          }
        };
    runner
        .withBean(ReplayStore.class, () -> counting)
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:9",
            "x402j.network=eip155:84532",
            "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66",
            "x402j.routes[0].pattern=GET /paid",
            "x402j.routes[0].price=$0.01")
        .run(
            context -> {
              PaymentGate gate = context.getBean(PaymentGate.class);
              GateDecision unpaid =
                  gate.check(GateRequest.of("GET", "/paid", "http://localhost/paid", Map.of()))
                      .join();
              HeaderCodec headers = HeaderCodec.standard();
              PaymentRequired required =
                  headers.decodePaymentRequired(
                      ((GateDecision.Respond) unpaid).response().headers().get("PAYMENT-REQUIRED"));
              Map<String, Object> signed =
                  ExactEvmClient.of(PrivateKeySigner.generate(new SecureRandom()))
                      .createPayload(2, required.accepts().get(0));
              String payment =
                  headers.encodePaymentSignature(
                      PaymentPayload.of(required.resource(), required.accepts().get(0), signed));

              gate.check(
                      GateRequest.of(
                          "GET",
                          "/paid",
                          "http://localhost/paid",
                          Map.of("PAYMENT-SIGNATURE", List.of(payment))))
                  .join();

              assertThat(acquired).hasValue(1);
            });
  }

  @Test
  void aMissingRecipientNamesTheAnnotatedHandler() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022", "x402j.network=eip155:84532")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("@X402Price on")
                    .hasMessageContaining("x402j.pay-to"));
  }

  @Test
  void aMissingFacilitatorIsNamed() {
    runner
        .withPropertyValues(
            "x402j.network=eip155:84532", "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("x402j.facilitator-url"));
  }

  @Test
  void aBadConfiguredRouteIsNamed() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66",
            "x402j.routes[0].pattern=GET /configured",
            "x402j.routes[0].price=cheap")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("x402j.routes[0] (GET /configured): price 'cheap'"));
  }

  /** A handler whose route template is a path traversal. */
  @RestController
  static class BadTemplate {
    @GetMapping("/a/{id}")
    @X402Price("$0.01")
    @X402Discoverable(routeTemplate = "/a/%2e%2e/admin")
    public String a(@PathVariable("id") String id) {
      return id;
    }
  }

  /** A handler whose example response is not JSON. */
  @RestController
  static class BadExample {
    @GetMapping("/b")
    @X402Price("$0.01")
    @X402Discoverable(outputExample = "{temperature: 21")
    public String b() {
      return "b";
    }
  }

  /** A free handler marked discoverable. */
  @RestController
  static class FreeButDiscoverable {
    @GetMapping("/c")
    @X402Discoverable
    public String c() {
      return "c";
    }
  }

  @Test
  void aDiscoverableHandlerWithoutAPriceStopsTheStart() {
    runner
        .withUserConfiguration(FreeButDiscoverable.class)
        .withPropertyValues(COMPLETE)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("(GET /c) needs @X402Price"));
  }

  static final String[] COMPLETE = {
    "x402j.facilitator-url=http://127.0.0.1:4022",
    "x402j.network=eip155:84532",
    "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66"
  };

  @Test
  void aDiscoverableHandlerWithABadTemplateOrExampleStopsTheStartNamingIt() {
    runner
        .withUserConfiguration(BadTemplate.class)
        .withPropertyValues(COMPLETE)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("@X402Discoverable on")
                    .hasStackTraceContaining(
                        "(GET /a/{id}): routeTemplate: routeTemplate '/a/%2e%2e/admin' is not a"
                            + " route template"));
    runner
        .withUserConfiguration(BadExample.class)
        .withPropertyValues(COMPLETE)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("GET /b): outputExample is not JSON text"));
  }

  @Test
  void badServiceMetadataStopsTheStartNamingTheField() {
    runner
        .withPropertyValues(COMPLETE)
        .withPropertyValues("x402j.discovery.icon-url=http://127.0.0.1/icon.png")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("@X402Discoverable on")
                    .hasStackTraceContaining("iconUrl: not an http(s) URL"));
  }

  @Test
  void itCanBeSwitchedOff() {
    runner
        .withPropertyValues("x402j.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(PaymentGate.class));
  }
}
