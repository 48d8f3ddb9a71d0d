package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentGate;
import io.x402j.servlet.internal.ServletGateRequest;
import io.x402j.spring.internal.HandlerDiscovery;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;

/**
 * Discovery for routes configured in properties ({@code x402j.routes[i].discovery.*}) and the
 * response schema an {@link X402Discoverable} handler derives from its return type.
 */
class X402jDiscoveryPropertiesTest {
  static final String[] BASE = {
    "x402j.facilitator-url=http://127.0.0.1:9",
    "x402j.network=eip155:84532",
    "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66",
    "x402j.discovery.service-name=Weather Inc",
    "x402j.discovery.tags=weather",
  };

  /** Handlers whose return types describe (or do not describe) the response. */
  @RestController
  static class Typed {
    /** What {@link #reading} returns. */
    public record Reading(String station, double celsius, List<Wind> winds) {}

    /** A nested record. */
    public record Wind(int speed, String direction) {}

    /** A bean. */
    public static class Station {
      public String getName() {
        return "north";
      }

      public boolean isActive() {
        return true;
      }
    }

    @GetMapping("/reading")
    @X402Price("$0.01")
    @X402Discoverable
    public Reading reading() {
      return new Reading("north", 21.5, List.of());
    }

    @GetMapping("/wrapped")
    @X402Price("$0.01")
    @X402Discoverable
    public CompletableFuture<ResponseEntity<List<Station>>> wrapped() {
      return CompletableFuture.completedFuture(ResponseEntity.ok(List.of(new Station())));
    }

    @GetMapping("/text")
    @X402Price("$0.01")
    @X402Discoverable
    public String text() {
      return "plain";
    }

    @GetMapping("/optout")
    @X402Price("$0.01")
    @X402Discoverable(deriveOutputSchema = false)
    public Reading optOut() {
      return new Reading("north", 21.5, List.of());
    }

    @GetMapping("/configured")
    public String configured() {
      return "priced in properties";
    }
  }

  final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DispatcherServletAutoConfiguration.class,
                  HttpMessageConvertersAutoConfiguration.class,
                  WebMvcAutoConfiguration.class,
                  X402jAutoConfiguration.class))
          .withUserConfiguration(Typed.class)
          .withPropertyValues(BASE);

  static Optional<Map<String, Object>> bazaar(PaymentGate gate, String method, String path) {
    GateDecision d =
        gate.check(GateRequest.of(method, path, "http://localhost" + path, Map.of())).join();
    PaymentRequired required =
        HeaderCodec.standard()
            .decodePaymentRequired(
                ((GateDecision.Respond) d).response().headers().get("PAYMENT-REQUIRED"));
    @SuppressWarnings("unchecked")
    Map<String, Object> b =
        required.extensions() == null
            ? null
            : (Map<String, Object>) required.extensions().get("bazaar");
    return Optional.ofNullable(b);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Object root, String... path) {
    Object node = root;
    for (String p : path) {
      node = ((Map<String, Object>) node).get(p);
    }
    return (Map<String, Object>) node;
  }

  @Test
  void aConfiguredRouteDeclaresWhatItsPropertiesSay() {
    runner
        .withPropertyValues(
            "x402j.routes[0].pattern=GET /configured",
            "x402j.routes[0].price=$0.01",
            "x402j.routes[0].description=Configured weather",
            "x402j.routes[0].mime-type=application/json",
            "x402j.routes[0].discovery.enabled=true",
            "x402j.routes[0].discovery.query-example={\"units\":\"metric\"}",
            "x402j.routes[0].discovery.query-schema={\"properties\":{\"units\":{\"type\":\"string\"}}}",
            "x402j.routes[0].discovery.output-example={\"temperature\":21}",
            "x402j.routes[0].discovery.output-schema={\"properties\":{\"temperature\":{\"type\":\"number\"}}}",
            "x402j.routes[1].pattern=POST /configured",
            "x402j.routes[1].price=$0.02",
            "x402j.routes[1].discovery.enabled=true",
            "x402j.routes[1].discovery.body-type=json",
            "x402j.routes[1].discovery.body-example={\"city\":\"Paris\"}",
            "x402j.routes[1].discovery.body-schema={\"properties\":{\"city\":{\"type\":\"string\"}}}",
            "x402j.routes[2].pattern=GET /configured/plain",
            "x402j.routes[2].price=$0.01")
        .run(
            context -> {
              PaymentGate gate = context.getBean(PaymentGate.class);
              Map<String, Object> get = bazaar(gate, "GET", "/configured").orElseThrow();
              assertThat(at(get, "info", "input"))
                  .containsEntry("method", "GET")
                  .containsEntry("queryParams", Map.of("units", "metric"));
              assertThat(at(get, "info", "output"))
                  .containsEntry("example", Map.of("temperature", 21L));
              assertThat(at(get, "schema", "properties", "output", "properties", "example"))
                  .containsEntry("properties", Map.of("temperature", Map.of("type", "number")));
              assertThat(at(get, "schema", "properties", "input", "properties", "queryParams"))
                  .containsEntry("properties", Map.of("units", Map.of("type", "string")));

              Map<String, Object> post = bazaar(gate, "POST", "/configured").orElseThrow();
              assertThat(at(post, "info", "input"))
                  .containsEntry("method", "POST")
                  .containsEntry("bodyType", "json")
                  .containsEntry("body", Map.of("city", "Paris"));

              assertThat(bazaar(gate, "GET", "/configured/plain")).as("not enabled").isEmpty();

              // The description, media type and service metadata reach the 402's resource.
              GateDecision d =
                  gate.check(
                          GateRequest.of(
                              "GET", "/configured", "http://localhost/configured", Map.of()))
                      .join();
              String header =
                  ((GateDecision.Respond) d).response().headers().get("PAYMENT-REQUIRED");
              PaymentRequired required = HeaderCodec.standard().decodePaymentRequired(header);
              assertThat(required.resource().description()).isEqualTo("Configured weather");
              assertThat(required.resource().mimeType()).isEqualTo("application/json");
              assertThat(required.resource().additionalFields())
                  .containsEntry("serviceName", "Weather Inc");
            });
  }

  @Test
  void badDiscoveryPropertiesStopTheStartNamingTheProperty() {
    runner
        .withPropertyValues(
            "x402j.routes[0].pattern=GET /configured",
            "x402j.routes[0].price=$0.01",
            "x402j.routes[0].discovery.enabled=true",
            "x402j.routes[0].discovery.body-type=json")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("x402j.routes[0].discovery.body-*: GET has no body"));
    runner
        .withPropertyValues(
            "x402j.routes[0].pattern=GET /configured",
            "x402j.routes[0].price=$0.01",
            "x402j.routes[0].discovery.enabled=true",
            "x402j.routes[0].discovery.output-schema=[1,2]")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "x402j.routes[0].discovery.output-schema must be a JSON object"));
    runner
        .withPropertyValues(
            "x402j.routes[0].pattern=GET /configured",
            "x402j.routes[0].price=$0.01",
            "x402j.routes[0].discovery.enabled=true",
            "x402j.routes[0].discovery.route-template=/a/../b")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("x402j.routes[0].discovery.route-template"));
  }

  /** The declaration {@code @X402Discoverable} derives for {@code Typed.method}. */
  static Map<String, Object> derived(String method) throws Exception {
    java.lang.reflect.Method m = Typed.class.getMethod(method);
    return HandlerDiscovery.declaration(
            method, new HandlerMethod(new Typed(), m), m.getAnnotation(X402Discoverable.class))
        .toExtension();
  }

  @Test
  void aHandlersReturnTypeGivesItsOutputSchema() throws Exception {
    Map<String, Object> reading = derived("reading");
    assertThat(at(reading, "info", "output")).isEqualTo(Map.of("type", "json"));
    assertThat(at(reading, "schema", "properties", "output", "properties", "example"))
        .isEqualTo(
            Map.of(
                "type",
                "object",
                "properties",
                Map.of(
                    "station",
                    Map.of("type", "string"),
                    "celsius",
                    Map.of("type", "number"),
                    "winds",
                    // Three levels deep: the third (a wind) is an object, not described.
                    Map.of("type", "array", "items", Map.of("type", "object")))));

    Map<String, Object> wrapped = derived("wrapped");
    assertThat(at(wrapped, "schema", "properties", "output", "properties", "example"))
        .isEqualTo(
            Map.of(
                "type",
                "array",
                "items",
                Map.of(
                    "type",
                    "object",
                    "properties",
                    Map.of(
                        "name", Map.of("type", "string"),
                        "active", Map.of("type", "boolean")))));

    assertThat(at(derived("text"), "info")).as("text: no output").doesNotContainKey("output");
    assertThat(at(derived("optOut"), "info")).doesNotContainKey("output");
  }

  @Test
  void theDerivedSchemaReachesThe402OfARunningApplication() {
    runner.run(
        context -> {
          PaymentGate gate = context.getBean(PaymentGate.class);
          MockHttpServletRequest request = new MockHttpServletRequest("GET", "/reading");
          GateDecision d = gate.check(new ServletGateRequest(request)).join();
          PaymentRequired required =
              HeaderCodec.standard()
                  .decodePaymentRequired(
                      ((GateDecision.Respond) d).response().headers().get("PAYMENT-REQUIRED"));
          assertThat(at(required.extensions().get("bazaar"), "info", "output"))
              .isEqualTo(Map.of("type", "json"));
        });
  }
}
