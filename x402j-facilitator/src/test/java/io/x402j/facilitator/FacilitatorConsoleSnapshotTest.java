package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.facilitator.internal.FacilitatorConsole;
import io.x402j.facilitator.internal.OperationsSeries;
import io.x402j.jetty.AdminServer;
import io.x402j.jetty.AdminSnapshot;
import io.x402j.settlement.ReconcileReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overview every open console polls is computed once per poll interval however many pages ask
 * (counted where every computation reads what reconciliation resolved), timed by a fake clock; a
 * failed one is not kept. A search is made when asked.
 */
class FacilitatorConsoleSnapshotTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path temp;
  final RevertBanTest.TestClock clock = new RevertBanTest.TestClock();
  final AtomicInteger computations = new AtomicInteger();
  final AtomicBoolean failing = new AtomicBoolean();
  JdbcSettlementLedger ledger;
  AdminServer admin;

  @BeforeEach
  void start() {
    ledger = JdbcSettlementLedger.open("jdbc:sqlite:" + temp.resolve("ledger.db"));
    FacilitatorConsole console =
        new FacilitatorConsole(
            ledger,
            List.of(),
            OperationsSeries.lastHour(),
            () -> {
              computations.incrementAndGet();
              if (failing.get()) {
                throw new IllegalStateException("reconciler unavailable");
              }
              return ReconcileReport.NONE;
            },
            () -> 0,
            Map.of(),
            clock);
    admin = console.register(AdminServer.builder("t").port(0)).build().start();
  }

  @AfterEach
  void stop() {
    admin.close();
    ledger.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(admin.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tabsWithinTheIntervalShareOneOverviewAndTheNextIntervalComputesAgain() throws Exception {
    HttpResponse<String> first = get("/api/overview");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(get("/api/overview").body()).isEqualTo(first.body());
    assertThat(get("/").body()).contains("Overview").contains("data-every=\"5000\"");
    clock.advance(AdminSnapshot.POLL.minusMillis(1));
    assertThat(get("/api/overview").body()).isEqualTo(first.body());
    assertThat(computations).hasValue(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(get("/api/overview").statusCode()).isEqualTo(200);
    assertThat(get("/").statusCode()).isEqualTo(200);
    assertThat(computations).hasValue(2);

    // A search is not an overview: made when asked, and it does not recompute the overview.
    assertThat(get("/api/settlements?state=failed").body()).contains("\"settlements\":[]");
    assertThat(computations).hasValue(2);
  }

  @Test
  void aFailedOverviewIsNotKept() throws Exception {
    failing.set(true);
    assertThat(get("/api/overview").statusCode()).isEqualTo(500);
    failing.set(false);
    // Same instant: the next tab computes again rather than seeing the failure.
    assertThat(get("/api/overview").statusCode()).isEqualTo(200);
    assertThat(get("/api/overview").statusCode()).isEqualTo(200);
    assertThat(computations).hasValue(2);
  }
}
