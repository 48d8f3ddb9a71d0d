package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A discoverable route's 402 declares {@code bazaar} as the official server extension enriches it:
 * the request's method pinned, the route template and path parameters of a pattern with parameters,
 * the service metadata on {@code resource}; routes without a description declare nothing.
 */
class BazaarDiscoveryTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  /** A facilitator never asked: the 402s here need none. */
  static final Facilitator UNUSED =
      new Facilitator() {
        @Override
        public CompletableFuture<VerifyResponse> verify(
            io.x402j.core.wire.FacilitatorRequest request) {
          throw new AssertionError("not asked");
        }

        @Override
        public CompletableFuture<SettleResponse> settle(
            io.x402j.core.wire.FacilitatorRequest request) {
          throw new AssertionError("not asked");
        }

        @Override
        public CompletableFuture<SupportedResponse> supported() {
          throw new AssertionError("not asked");
        }
      };

  static PaymentGate gate() {
    PaidRoute discoverable =
        PaidRoute.builder()
            .accept(PaymentOption.builder(NET).price("$0.01").payTo(SELLER).build())
            .description("A user")
            .mimeType("application/json")
            .discovery(BazaarDeclaration.http().output(Map.of("name", "Ada")).build())
            .service(
                "Example Users",
                List.of("users", "Users", "x".repeat(40)),
                "https://127.0.0.1/i.png")
            .build();
    return PaymentGate.builder()
        .facilitator(UNUSED)
        .routes(
            RouteTable.builder()
                .route("/users/:id", discoverable)
                .route("/static", discoverable)
                .route("GET /plain", PaidRoute.of("$0.01", NET, SELLER))
                .build())
        .build();
  }

  static PaymentRequired required(PaymentGate gate, String method, String path) {
    GateRequest request =
        GateRequest.of(method, path, "http://127.0.0.1:8080" + path, new LinkedHashMap<>());
    GateResponse response = ((GateDecision.Respond) gate.check(request).join()).response();
    assertThat(response.status()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED"));
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
  void aPatternRouteDeclaresItsTemplateParametersAndTheRequestsMethod() {
    PaymentRequired required = required(gate(), "GET", "/users/42");

    Map<String, Object> bazaar = at(required.extensions(), "bazaar");
    assertThat(bazaar).containsEntry("routeTemplate", "/users/:id");
    assertThat(at(bazaar, "info", "input"))
        .containsEntry("type", "http")
        .containsEntry("method", "GET")
        .containsEntry("pathParams", Map.of("id", "42"));
    assertThat(at(bazaar, "info", "output")).containsEntry("example", Map.of("name", "Ada"));
    assertThat(at(bazaar, "schema", "properties", "input", "properties", "method"))
        .isEqualTo(Map.of("type", "string", "enum", List.of("GET")));
  }

  @Test
  void aPostToTheSameRouteDeclaresABody() {
    Map<String, Object> input =
        at(required(gate(), "POST", "/users/7").extensions(), "bazaar", "info", "input");
    assertThat(input).containsEntry("method", "POST").containsEntry("bodyType", "json");
  }

  @Test
  void aStaticRouteHasNoTemplateAndAPlainRouteDeclaresNothing() {
    PaymentGate gate = gate();
    Map<String, Object> bazaar = at(required(gate, "GET", "/static").extensions(), "bazaar");
    assertThat(bazaar).doesNotContainKey("routeTemplate");
    assertThat(at(bazaar, "info", "input")).doesNotContainKey("pathParams");

    assertThat(required(gate, "GET", "/plain").extensions()).isNull();
  }

  @Test
  void theServiceMetadataIsOnTheResourceWithInvalidFieldsDropped() {
    PaymentRequired required = required(gate(), "GET", "/users/1");

    assertThat(required.resource().additionalFields())
        .isEqualTo(Map.of("serviceName", "Example Users", "tags", List.of("users")));
    assertThat(required.resource().description()).isEqualTo("A user");
  }

  @Test
  void headAndOptionsDeclareNothing() {
    PaymentGate gate = gate();
    for (String method : List.of("HEAD", "OPTIONS")) {
      PaymentRequired required = required(gate, method, "/users/42");
      assertThat(required.extensions()).as(method).isNull();
    }
  }

  @Test
  void underAContextPathTheTemplateStartsWithIt() {
    GateRequest request =
        GateRequest.of(
            "GET", "/users/42", "http://127.0.0.1:8080/shop/users/42?x=1", new LinkedHashMap<>());
    GateResponse response = ((GateDecision.Respond) gate().check(request).join()).response();
    Map<String, Object> bazaar =
        at(
            HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED")).extensions(),
            "bazaar");

    assertThat(bazaar).containsEntry("routeTemplate", "/shop/users/:id");
    assertThat(at(bazaar, "info", "input")).containsEntry("pathParams", Map.of("id", "42"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "GET /users/:id | /users/:id",
        "/users/[id]/posts/[post] | /users/:id/posts/:post",
        "GET /users/{id} | /users/:id",
        "GET /users/{id:[0-9]+} | /users/:id",
        "/files/*/meta | /files/:var1/meta",
        "/api/* | /api/:var1",
        "/* | -",
        "* | -",
        "GET /weather | -",
        "/a/:id/../admin | -",
        "/a/**/b | -"
      })
  void templatesAreDerivedFromPatternsAsTheOfficialServerDoes(String pattern, String template) {
    assertThat(BazaarDiscovery.template(pattern).orElse(null)).isEqualTo(template);
  }

  @Test
  void aMappingOfSeveralPathsHasNoSingleTemplate() {
    assertThat(BazaarDiscovery.template("GET /a/{id} | /b/{id}")).isEmpty();
  }

  @Test
  void pathParametersAreTakenOnlyFromAMatchingPath() {
    assertThat(BazaarDiscovery.pathParams("/users/:id/posts/:p", "/users/4/posts/9"))
        .isEqualTo(Map.of("id", "4", "p", "9"));
    assertThat(BazaarDiscovery.pathParams("/users/:id", "/users/4/more")).isEmpty();
    assertThat(BazaarDiscovery.pathParams("/users/:id", "/people/4")).isEmpty();
  }
}
