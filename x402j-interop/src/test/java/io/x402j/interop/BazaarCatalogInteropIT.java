package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.facilitator.DiscoveryCatalog;
import io.x402j.facilitator.FacilitatorServer;
import io.x402j.facilitator.JdbcSettlementLedger;
import io.x402j.testkit.TestMarket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Bazaar round trip with the official packages at both ends and the x402j facilitator in the
 * middle: an official Express server declaring discovery ({@code declareDiscoveryExtension}) is
 * paid by the official client, which echoes the declaration; the x402j facilitator catalogs it; the
 * official bazaar client ({@code withBazaar(HTTPFacilitatorClient)}) lists and searches it.
 */
class BazaarCatalogInteropIT {
  static TestMarket market;
  static Path dir;
  static JdbcSettlementLedger ledger;
  static DiscoveryCatalog catalog;
  static FacilitatorServer facilitator;
  static Service server;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    dir = Files.createTempDirectory("x402j-bazaar");
    ledger = JdbcSettlementLedger.open("jdbc:sqlite:" + dir.resolve("catalog.db"));
    catalog =
        DiscoveryCatalog.open(
            ledger,
            DiscoveryCatalog.Settings.DEFAULT.withAnswerWait(Duration.ofSeconds(30)),
            Clock.systemUTC());
    facilitator =
        FacilitatorServer.builder(market.facilitator()).port(0).discovery(catalog).build().start();
    server =
        Node.project()
            .start(
                "bazaar-express-server.mjs",
                Map.of(
                    "X402J_PAY_TO", market.seller().toString(),
                    "X402J_FACILITATOR_URL", facilitator.url()),
                Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    facilitator.close();
    catalog.close();
    ledger.close();
    market.close();
  }

  static JsonNode bazaar(String operation, String params) throws Exception {
    return Node.project()
        .run(
            "bazaar-client.mjs",
            Map.of(),
            Duration.ofSeconds(60),
            operation,
            facilitator.url(),
            params);
  }

  @Test
  void theOfficialDeclarationIsCataloguedAndTheOfficialClientListsAndFindsIt() throws Exception {
    JsonNode paid =
        Node.project()
            .run(
                "pay.mjs",
                Map.of(
                    "X402J_TEST_KEY", market.info().requireAccount("buyer").privateKey(),
                    "X402J_TEST_RPC", market.info().rpcUrl()),
                Duration.ofSeconds(90),
                "v2",
                server.url() + "/weather?city=Paris");
    assertThat(paid.path("status").asInt()).as(paid.toString()).isEqualTo(200);
    assertThat(paid.path("receipt").path("success").asBoolean()).isTrue();

    JsonNode listed = bazaar("list", "{\"type\":\"http\",\"network\":\"eip155:84532\"}");
    assertThat(listed.path("error").isMissingNode()).as(listed.toString()).isTrue();
    assertThat(listed.path("x402Version").asInt()).isEqualTo(2);
    assertThat(listed.path("pagination").path("total").asInt()).isEqualTo(1);
    JsonNode item = listed.path("items").path(0);
    assertThat(item.path("resource").asText()).isEqualTo(server.url() + "/weather");
    assertThat(item.path("type").asText()).isEqualTo("http");
    assertThat(item.path("description").asText()).contains("Foggy weather");
    assertThat(item.path("accepts").path(0).path("payTo").asText())
        .isEqualToIgnoringCase(market.seller().toString());
    assertThat(item.at("/extensions/bazaar/info/input/method").asText()).isEqualTo("GET");
    assertThat(item.at("/extensions/bazaar/info/input/queryParams/city").asText()).isNotEmpty();

    JsonNode found = bazaar("search", "{\"query\":\"foggy weather\",\"limit\":5}");
    assertThat(found.path("error").isMissingNode()).as(found.toString()).isTrue();
    assertThat(found.path("resources").path(0).path("resource").asText())
        .isEqualTo(server.url() + "/weather");
    assertThat(bazaar("search", "{\"query\":\"submarine\"}").path("resources")).isEmpty();
  }
}
