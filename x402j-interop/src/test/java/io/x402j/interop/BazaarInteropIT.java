package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.client.Payer;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.SpendControls;
import io.x402j.core.Network;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.extensions.bazaar.BazaarDeclaration.BodyType;
import io.x402j.core.extensions.bazaar.BazaarDeclaration.McpTransport;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.support.JsonValues;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.NodeProject;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.GateResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * x402j's bazaar declarations against the official {@code @x402/extensions} 2.27.0: built the same
 * as {@code declareDiscoveryExtension} and {@code enrichDeclaration} build them, read by the
 * official facilitator-side {@code extractDiscoveryInfo} once x402j's client echoed them, and an
 * official Express server's declaration echoed intact by x402j's client.
 */
class BazaarInteropIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final WireCodec WIRE = WireCodec.standard();
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "22".repeat(32));

  record Case(String config, String enrich, Map<String, Object> ours) {}

  static Map<String, Object> schema(String property, String type) {
    return Map.of("properties", Map.of(property, Map.of("type", type)));
  }

  @Test
  void ourDeclarationsAreWhatTheOfficialHelpersBuild() throws Exception {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("{}", null, BazaarDeclaration.http().build().toExtension()));
    cases.add(
        new Case(
            "{\"method\":\"GET\"}",
            null,
            BazaarDeclaration.http().method("GET").build().toExtension()));
    cases.add(
        new Case(
            "{\"input\":{\"city\":\"Paris\"},\"inputSchema\":{\"properties\":{\"city\":{\"type\":"
                + "\"string\"}},\"required\":[\"city\"]},\"output\":{\"example\":{\"t\":21},"
                + "\"schema\":{\"properties\":{\"t\":{\"type\":\"number\"}}}}}",
            null,
            BazaarDeclaration.http()
                .queryParams(
                    Map.of("city", "Paris"),
                    Map.of(
                        "properties",
                        Map.of("city", Map.of("type", "string")),
                        "required",
                        List.of("city")))
                .output(Map.of("t", 21))
                .outputSchema(schema("t", "number"))
                .build()
                .toExtension()));
    cases.add(
        new Case(
            "{\"bodyType\":\"json\",\"input\":{\"q\":\"x\"},\"inputSchema\":{\"properties\":{\"q\":"
                + "{\"type\":\"string\"}}},\"output\":{\"example\":{\"r\":[1]}}}",
            null,
            BazaarDeclaration.http()
                .body(BodyType.JSON, Map.of("q", "x"), schema("q", "string"))
                .output(Map.of("r", List.of(1)))
                .build()
                .toExtension()));
    cases.add(
        new Case(
            "{\"method\":\"PUT\",\"bodyType\":\"form-data\"}",
            null,
            BazaarDeclaration.http()
                .method("PUT")
                .body(BodyType.FORM_DATA, null, null)
                .build()
                .toExtension()));
    Map<String, Object> toolSchema =
        Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")));
    cases.add(
        new Case(
            "{\"toolName\":\"get_weather\",\"description\":\"Weather\",\"transport\":\"sse\","
                + "\"inputSchema\":"
                + JSON.writeValueAsString(toolSchema)
                + ",\"example\":{\"city\":\"Paris\"},\"output\":{\"example\":{\"t\":1}}}",
            null,
            BazaarDeclaration.mcp("get_weather", toolSchema)
                .description("Weather")
                .transport(McpTransport.SSE)
                .example(Map.of("city", "Paris"))
                .output(Map.of("t", 1))
                .build()
                .toExtension()));
    cases.add(
        new Case(
            "{\"toolName\":\"t\",\"inputSchema\":{\"type\":\"object\"}}",
            null,
            BazaarDeclaration.mcp("t", Map.of("type", "object")).build().toExtension()));
    cases.add(
        new Case(
            "{}",
            "{\"method\":\"GET\",\"routePattern\":\"/users/:id\",\"path\":\"/users/42\"}",
            BazaarDeclaration.http().build().forRequest("GET", "/users/:id", Map.of("id", "42"))));
    cases.add(
        new Case(
            "{\"bodyType\":\"json\",\"input\":{\"a\":1}}",
            "{\"method\":\"POST\",\"routePattern\":\"/items/[id]\",\"path\":\"/items/7\"}",
            BazaarDeclaration.http()
                .body(BodyType.JSON, Map.of("a", 1), null)
                .build()
                .forRequest("POST", "/items/:id", Map.of("id", "7"))));
    cases.add(
        new Case(
            "{}",
            "{\"method\":\"HEAD\",\"routePattern\":\"/weather\",\"path\":\"/weather\"}",
            BazaarDeclaration.http().build().forRequest("HEAD", null, null)));
    cases.add(
        new Case(
            "{}",
            "{\"method\":\"DELETE\",\"routePattern\":\"/files/*\",\"path\":\"/files/a\"}",
            BazaarDeclaration.http()
                .build()
                .forRequest("DELETE", "/files/:var1", Map.of("var1", "a"))));

    ArrayNode input = JSON.createArrayNode();
    for (Case c : cases) {
      ObjectNode node = input.addObject();
      node.set("config", JSON.readTree(c.config()));
      if (c.enrich() != null) {
        node.set("enrich", JSON.readTree(c.enrich()));
      }
    }
    JsonNode official =
        Node.project()
            .run(
                "bazaar-declare.mjs",
                Map.of("X402J_CASES", input.toString()),
                Duration.ofSeconds(60));

    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      JsonNode theirs =
          official.path("results").get(i).get(c.enrich() == null ? "declared" : "enriched");
      assertThat(c.ours())
          .as("case %s %s", c.config(), c.enrich())
          .isEqualTo(JsonValues.fromNode(theirs));
    }
  }

  @Test
  void theOfficialExtractorReadsADeclarationOurGateMadeAndOurClientEchoed() throws Exception {
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder("http://127.0.0.1:9").build())
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /weather/:city",
                        PaidRoute.builder()
                            .accept(PaymentOption.builder(NET).price("$0.01").payTo(SELLER).build())
                            .description("Weather by city")
                            .mimeType("application/json")
                            .service(
                                "Example Weather",
                                List.of("weather"),
                                "https://icons.example/w.png")
                            .discovery(
                                BazaarDeclaration.http()
                                    .queryParams(
                                        Map.of("units", "metric"), schema("units", "string"))
                                    .output(Map.of("temperature", 21))
                                    .build())
                            .build())
                    .build())
            .build();
    String url = "http://shop.example:8080/weather/paris";
    GateResponse response =
        ((GateDecision.Respond)
                gate.check(GateRequest.of("GET", "/weather/paris", url, new LinkedHashMap<>()))
                    .join())
            .response();
    PaymentChallenge challenge =
        new PaymentChallenge(
            URI.create(url),
            Map.of("PAYMENT-REQUIRED", List.of(response.header("PAYMENT-REQUIRED"))),
            response.body());

    PaymentPayload payment = pay(challenge);
    JsonNode read = extract(payment);

    assertThat(read.path("validation").path("valid").asBoolean()).as(read.toString()).isTrue();
    assertThat(read.path("specValidation").path("valid").asBoolean()).as(read.toString()).isTrue();
    JsonNode info = read.path("info");
    assertThat(info.path("resourceUrl").asText())
        .isEqualTo("http://shop.example:8080/weather/:city");
    assertThat(info.path("routeTemplate").asText()).isEqualTo("/weather/:city");
    assertThat(info.path("method").asText()).isEqualTo("GET");
    assertThat(info.path("description").asText()).isEqualTo("Weather by city");
    assertThat(info.path("serviceName").asText()).isEqualTo("Example Weather");
    assertThat(info.path("tags").get(0).asText()).isEqualTo("weather");
    assertThat(info.path("iconUrl").asText()).isEqualTo("https://icons.example/w.png");
    assertThat(info.path("discoveryInfo").path("input").path("pathParams").path("city").asText())
        .isEqualTo("paris");
  }

  @Test
  void anOfficialServersDeclarationIsEchoedIntactByOurClient() throws Exception {
    try (ScriptedFacilitator facilitator = ScriptedFacilitator.start()) {
      facilitator.dispatcher(
          request ->
              request.operation() == FacilitatorOperation.SUPPORTED
                  ? ScriptedAnswer.supported(
                      new SupportedResponse(
                          List.of(SupportedKind.of(2, "exact", NET.toString())),
                          List.of("bazaar"),
                          Map.of(),
                          Map.of()))
                  : ScriptedAnswer.status(500, "only /supported is expected"));
      try (NodeProject.Service server =
          Node.project()
              .start(
                  "bazaar-express-server.mjs",
                  Map.of("X402J_PAY_TO", SELLER, "X402J_FACILITATOR_URL", facilitator.url()),
                  Duration.ofSeconds(60))) {
        URI url = URI.create(server.url() + "/weather/paris");
        HttpResponse<byte[]> answer =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(url).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).isEqualTo(402);
        String header = answer.headers().firstValue("PAYMENT-REQUIRED").orElseThrow();
        PaymentRequired required = HEADERS.decodePaymentRequired(header);
        Object declared = required.extensions().get("bazaar");
        assertThat(declared).as("the official server declares bazaar").isNotNull();

        PaymentPayload payment =
            pay(new PaymentChallenge(url, answer.headers().map(), answer.body()));

        assertThat(payment.extensions()).containsEntry("bazaar", declared);
        @SuppressWarnings("unchecked")
        Map<String, Object> bazaar = (Map<String, Object>) payment.extensions().get("bazaar");
        assertThat(bazaar).containsEntry("routeTemplate", "/weather/:city");
        JsonNode read = extract(payment);
        assertThat(read.path("validation").path("valid").asBoolean()).as(read.toString()).isTrue();
        assertThat(read.path("info").path("resourceUrl").asText()).endsWith("/weather/:city");
      }
    }
  }

  static PaymentPayload pay(PaymentChallenge challenge) {
    Payer payer = Payer.builder().signer(BUYER).spendControls(SpendControls.unlimited()).build();
    PaymentAuthorization auth = payer.authorize(challenge);
    assertThat(auth.headerName()).isEqualTo("PAYMENT-SIGNATURE");
    return HEADERS.decodePaymentSignature(auth.headerValue());
  }

  static JsonNode extract(PaymentPayload payment) throws Exception {
    return Node.project()
        .run(
            "bazaar-extract.mjs",
            Map.of(
                "X402J_PAYMENT", WIRE.toJson(payment),
                "X402J_REQUIREMENTS", WIRE.toJson(payment.accepted())),
            Duration.ofSeconds(60));
  }
}
