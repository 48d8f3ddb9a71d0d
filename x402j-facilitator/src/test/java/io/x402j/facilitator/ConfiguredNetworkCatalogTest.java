package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.testing.AcceptingScheme;
import io.x402j.settlement.EngineMeters;
import io.x402j.settlement.EngineProbe;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A facilitator started from its configuration with a network the public registry does not know,
 * given a v1 name there, catalogues a v1 payment on that network: the catalog names the network as
 * the settlement did, with the facilitator's own registry. The EVM engine is a stand-in that
 * accepts every payment, so no chain is needed.
 */
class ConfiguredNetworkCatalogTest {
  static final Network DEVNET = Network.evm(31337);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** An {@code eip155} engine whose one scheme accepts and "settles" every payment. */
  static final class AcceptingEngine implements SettlementEngine {
    final List<Network> networks;

    AcceptingEngine(List<Network> networks) {
      this.networks = networks;
    }

    @Override
    public String family() {
      return Network.EIP155;
    }

    @Override
    public List<Network> networks() {
      return networks;
    }

    @Override
    public List<SchemeFacilitator> facilitators() {
      return List.of(new AcceptingScheme(networks.get(0)));
    }

    @Override
    public CompletableFuture<ReconcileReport> reconcile() {
      return CompletableFuture.completedFuture(ReconcileReport.NONE);
    }

    @Override
    public List<EngineProbe> probes() {
      return List.of();
    }

    @Override
    public void monitor(EngineMeters meters, ScheduledExecutorService maintenance) {}

    @Override
    public void close() {}
  }

  static final class AcceptingFactory implements EngineFactory {
    @Override
    public String family() {
      return Network.EIP155;
    }

    @Override
    public SettlementEngine create(List<NetworkSettings> networks, Context context) {
      return new AcceptingEngine(networks.stream().map(NetworkSettings::network).toList());
    }
  }

  @Test
  void aV1PaymentOnAConfiguredNetworkIsCatalogued() throws Exception {
    FacilitatorConfig config =
        FacilitatorConfig.builder()
            .port(0)
            .database("jdbc:sqlite:" + dir.resolve("ledger.db"))
            // Every answer reports the final catalog status, never "processing".
            .discovery(DiscoveryCatalog.Settings.DEFAULT.withAnswerWait(Duration.ofSeconds(30)))
            .network(
                NetworkSettings.builder(DEVNET)
                    .rpcUrl("http://127.0.0.1:1/unused")
                    .signersFromEnv("KEYS")
                    .v1Name("x402j-devnet")
                    .build())
            .build();
    try (FacilitatorApp app =
        FacilitatorApp.start(
            config,
            Map.of(),
            NetworkRegistry.defaults(),
            Map.of(Network.EIP155, new AcceptingFactory()))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> settled =
          http.send(
              HttpRequest.newBuilder(URI.create(app.url() + "/settle"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          DiscoveryCatalogContract.v1Request(
                              "x402j-devnet",
                              "https://api.example.com/v1/devnet",
                              "{\"input\":{\"type\":\"http\",\"method\":\"GET\"}}")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
      assertThat(JSON.readTree(settled.body()).get("success").asBoolean())
          .as(settled.body())
          .isTrue();
      String status =
          new String(
              Base64.getDecoder()
                  .decode(settled.headers().firstValue("EXTENSION-RESPONSES").orElseThrow()),
              StandardCharsets.UTF_8);
      assertThat(status).isEqualTo("{\"bazaar\":{\"status\":\"success\"}}");

      HttpResponse<String> listed =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(app.url() + "/discovery/resources?network=eip155:31337"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode items = JSON.readTree(listed.body()).get("items");
      assertThat(items).as(listed.body()).hasSize(1);
      assertThat(items.at("/0/resource").asText()).isEqualTo("https://api.example.com/v1/devnet");
      assertThat(items.at("/0/accepts/0/network").asText()).isEqualTo("x402j-devnet");
    }
  }
}
