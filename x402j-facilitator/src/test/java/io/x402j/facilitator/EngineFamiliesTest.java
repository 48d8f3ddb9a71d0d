package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.settlement.EngineMeters;
import io.x402j.settlement.EngineProbe;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facilitator builds one engine per network family through that family's factory, and runs
 * every engine through the same SPI: schemes, reconciliation, health, meters, close. A Solana-like
 * family stands in for the next engine; no chain is needed.
 */
class EngineFamiliesTest {
  static final Network SOLANA = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");

  @TempDir Path dir;

  /** An engine of family {@code solana} that settles nothing and counts what it was asked. */
  static final class FakeEngine implements SettlementEngine {
    final List<Network> networks;
    final AtomicInteger reconciled = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();

    FakeEngine(List<Network> networks) {
      this.networks = networks;
    }

    @Override
    public String family() {
      return Network.SOLANA;
    }

    @Override
    public List<Network> networks() {
      return networks;
    }

    @Override
    public List<SchemeFacilitator> facilitators() {
      return List.of(
          new SchemeFacilitator() {
            @Override
            public String scheme() {
              return "exact";
            }

            @Override
            public NetworkPattern family() {
              return NetworkPattern.namespace(Network.SOLANA);
            }

            @Override
            public List<Network> networks() {
              return networks;
            }

            @Override
            public List<String> signers(Network network) {
              return List.of("FeePayer1111111111111111111111111111111111");
            }

            @Override
            public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
              throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
              throw new UnsupportedOperationException();
            }
          });
    }

    @Override
    public CompletableFuture<ReconcileReport> reconcile() {
      reconciled.incrementAndGet();
      return CompletableFuture.completedFuture(new ReconcileReport(1, 0, 0, 2));
    }

    @Override
    public List<EngineProbe> probes() {
      return List.of(
          new EngineProbe(
              networks.get(0).toString(),
              () -> CompletableFuture.completedFuture(Map.of("slot", 42))));
    }

    @Override
    public void monitor(EngineMeters meters, ScheduledExecutorService maintenance) {
      meters.gauge(
          "x402j.test.fee.payer.balance", "a test gauge", "sol", Map.of("network", "x"), () -> 1.5);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  /** Builds {@link FakeEngine}s and remembers them. */
  static final class FakeFactory implements EngineFactory {
    final List<FakeEngine> built = new ArrayList<>();
    final List<List<Network>> asked = new ArrayList<>();

    @Override
    public String family() {
      return Network.SOLANA;
    }

    @Override
    public SettlementEngine create(List<NetworkSettings> networks, Context context) {
      List<Network> served = networks.stream().map(NetworkSettings::network).toList();
      asked.add(served);
      FakeEngine engine = new FakeEngine(served);
      built.add(engine);
      return engine;
    }
  }

  FacilitatorConfig solanaConfig(Path database) {
    return FacilitatorConfig.builder()
        .port(0)
        .database("jdbc:sqlite:" + database)
        .network(
            NetworkSettings.builder(SOLANA)
                .rpcUrl("http://127.0.0.1:1/unused")
                .signersFromEnv("SOLANA_KEYS")
                .build())
        .build();
  }

  @Test
  void aNetworkIsServedByTheEngineOfItsFamilyThroughTheSpi() throws Exception {
    FakeFactory solana = new FakeFactory();
    FakeEngine engine;
    try (FacilitatorApp app =
        FacilitatorApp.start(
            solanaConfig(dir.resolve("ledger.db")),
            Map.of(),
            NetworkRegistry.defaults(),
            Map.of(Network.SOLANA, solana))) {
      assertThat(solana.asked).containsExactly(List.of(SOLANA));
      engine = solana.built.get(0);
      assertThat(app.engines()).containsExactly(engine);
      assertThat(engine.reconciled.get()).as("reconciled before serving").isEqualTo(1);

      HttpClient http = HttpClient.newHttpClient();
      String supported = get(http, app.url() + "/supported");
      String health = get(http, app.url() + "/health");

      assertThat(supported).contains(SOLANA.toString());
      assertThat(health).contains(SOLANA.toString()).contains("\"slot\":42");
      assertThat(app.metrics().find("x402j.test.fee.payer.balance").gauge().value()).isEqualTo(1.5);
      assertThat(engine.closed).isFalse();
    }
    assertThat(engine.closed).as("closed with the app").isTrue();
  }

  @Test
  void aNetworkOfAFamilyWithoutAnEngineIsRefusedByName() {
    Path database = dir.resolve("refused.db");

    assertThatThrownBy(
            () ->
                FacilitatorApp.start(
                    solanaConfig(database),
                    Map.of(),
                    NetworkRegistry.defaults(),
                    // Solana is built in now: leave only EVM's engine to see the refusal.
                    Map.of(Network.EIP155, FacilitatorApp.engineFactories().get(Network.EIP155))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network " + SOLANA)
        .hasMessageContaining("no settlement engine for network family solana")
        .hasMessageContaining("eip155");
    assertThat(Files.exists(database)).as("refused before the ledger is opened").isFalse();
  }

  static String get(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
