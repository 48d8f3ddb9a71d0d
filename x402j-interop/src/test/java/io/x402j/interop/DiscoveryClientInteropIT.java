package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.discovery.DiscoveredResource;
import io.x402j.core.discovery.DiscoveryClient;
import io.x402j.core.discovery.DiscoveryFilter;
import io.x402j.core.discovery.ResourcePage;
import io.x402j.core.discovery.SearchPage;
import io.x402j.core.wire.WireCodec;
import io.x402j.testkit.CatalogFacilitator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * x402j's {@link DiscoveryClient} and the official bazaar client ({@code
 * withBazaar(HTTPFacilitatorClient).extensions.bazaar}) of {@code @x402/extensions} read the same
 * catalog of the x402j facilitator and see the same resources, offers and declarations.
 */
class DiscoveryClientInteropIT {
  static CatalogFacilitator facilitator;
  static DiscoveryClient client;

  @BeforeAll
  static void start() throws Exception {
    facilitator = new CatalogFacilitator().withThreeEntries();
    client = DiscoveryClient.builder(facilitator.url()).build();
  }

  @AfterAll
  static void stop() {
    facilitator.close();
  }

  static JsonNode official(String operation, String params) throws Exception {
    JsonNode answer =
        Node.project()
            .run(
                "bazaar-client.mjs",
                Map.of(),
                Duration.ofSeconds(60),
                operation,
                facilitator.url(),
                params);
    assertThat(answer.path("error").isMissingNode()).as(answer.toString()).isTrue();
    return answer;
  }

  /** What both clients must agree on: resource, type, offers and declared input, in order. */
  static List<String> view(List<DiscoveredResource> resources) {
    List<String> out = new ArrayList<>();
    WireCodec wire = WireCodec.standard();
    for (DiscoveredResource r : resources) {
      StringBuilder offers = new StringBuilder();
      r.accepts().forEach(a -> offers.append(wire.toJson(a)));
      out.add(r.resource() + " " + r.type() + " " + offers + " " + r.declaredInput().orElseThrow());
    }
    return out;
  }

  static List<String> view(JsonNode items) throws Exception {
    List<String> out = new ArrayList<>();
    WireCodec wire = WireCodec.standard();
    for (JsonNode r : items) {
      StringBuilder offers = new StringBuilder();
      for (JsonNode a : r.path("accepts")) {
        offers.append(wire.toJson(wire.decodePaymentRequirements(a.toString())));
      }
      Object input =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .convertValue(r.at("/extensions/bazaar/info/input"), Map.class);
      out.add(
          r.path("resource").asText() + " " + r.path("type").asText() + " " + offers + " " + input);
    }
    return out;
  }

  @Test
  void bothClientsListTheSameResourcesPageByPage() throws Exception {
    JsonNode first = official("list", "{\"limit\":2}");
    JsonNode second = official("list", "{\"limit\":2,\"offset\":2}");
    ResourcePage ours1 = client.list(DiscoveryFilter.none(), 2, 0).join();
    ResourcePage ours2 = client.list(DiscoveryFilter.none(), 2, 2).join();

    assertThat(view(ours1.items())).hasSize(2).isEqualTo(view(first.path("items")));
    assertThat(view(ours2.items())).hasSize(1).isEqualTo(view(second.path("items")));
    assertThat(ours1.total()).isEqualTo(first.at("/pagination/total").asLong()).isEqualTo(3);
    assertThat(ours1.skipped()).isEmpty();
    assertThat(view(client.listAll(DiscoveryFilter.none(), 2, 10).resources()))
        .containsExactlyElementsOf(
            List.of(view(first.path("items")), view(second.path("items"))).stream()
                .flatMap(List::stream)
                .toList());
  }

  @Test
  void bothClientsFilterAndSearchAlike() throws Exception {
    JsonNode mcp = official("list", "{\"type\":\"mcp\",\"network\":\"eip155:84532\"}");
    assertThat(
            view(
                client
                    .list(DiscoveryFilter.none().withType("mcp").withNetwork("eip155:84532"), 0, 0)
                    .join()
                    .items()))
        .hasSize(1)
        .isEqualTo(view(mcp.path("items")));

    JsonNode found = official("search", "{\"query\":\"foggy weather\",\"limit\":5}");
    SearchPage ours = client.search("foggy weather", DiscoveryFilter.none(), 5, null).join();
    assertThat(view(ours.resources())).isNotEmpty().isEqualTo(view(found.path("resources")));
    assertThat(ours.resources().get(0).resource()).isEqualTo("https://weather.example/now");

    // Page by page through the keyset cursor: both clients get the same cursor and pages.
    JsonNode official1 = official("search", "{\"query\":\"weather\",\"limit\":1}");
    SearchPage ours1 = client.search("weather", DiscoveryFilter.none(), 1, null).join();
    String cursor = official1.at("/pagination/cursor").asText();
    assertThat(ours1.nextCursor()).isNotNull().isEqualTo(cursor);
    JsonNode official2 =
        official("search", "{\"query\":\"weather\",\"limit\":1,\"cursor\":\"" + cursor + "\"}");
    SearchPage ours2 = client.search("weather", DiscoveryFilter.none(), 1, cursor).join();
    assertThat(view(ours2.resources())).hasSize(1).isEqualTo(view(official2.path("resources")));
    assertThat(view(ours2.resources())).isNotEqualTo(view(ours1.resources()));
  }
}
