package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.FaultLoad.Payment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL, the facilitator's ledger, is stopped in the middle of a load and started again on the
 * same data seven seconds later. While it is down, settlements wait for it up to five seconds and
 * are then refused with an answer (nothing is broadcast without a ledger record); once it is back
 * the same facilitator process settles again, without a restart, and no payment is settled twice or
 * lost.
 */
class PostgresRestartIT {
  static final int PER_PHASE = 10;

  static EmbeddedPostgres postgres(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  @Test
  void theLedgerDatabaseRestartsMidLoadAndNothingIsLostOrSettledTwice(@TempDir Path temp)
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path data = temp.resolve("pgdata");
    EmbeddedPostgres pg = postgres(data, port);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE ledger");
    }
    String database = pg.getJdbcUrl("postgres", "ledger");
    int payments = PER_PHASE * 3;
    try (Devnet devnet = FaultLoad.devnet(payments)) {
      DevnetInfo info = devnet.info();
      PrivateKeySigner buyer = info.requireAccount("buyer").signer();
      List<Payment> all = FaultLoad.sign(info, payments);
      FacilitatorConfig config =
          FacilitatorConfig.builder()
              .port(0)
              .database(database)
              .reconcileInterval(Duration.ofSeconds(1))
              .network(FacilitatorHttpIT.devnetSettings(info, "KEYS"))
              .build();
      List<HttpResponse<String>> responses = new ArrayList<>();
      try (FacilitatorApp app =
          FacilitatorApp.start(
              config,
              Map.of("KEYS", info.requireAccount("gas").privateKey()),
              NetworkRegistry.defaults())) {
        EvmAddress gas = info.requireAccount("gas").address();
        long broadcastBefore = devnet.pendingTransactionCount(gas);
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < PER_PHASE; i++) {
          sent.add(FaultLoad.settle(app, all.get(i).body()));
        }
        assertThat(devnet.awaitPendingTransactions(gas, broadcastBefore, Duration.ofSeconds(30)))
            .as("the first wave is under way: a settlement was broadcast")
            .isGreaterThan(broadcastBefore);
        pg.close(); // in the middle of the first wave
        List<CompletableFuture<HttpResponse<String>>> duringOutage = new ArrayList<>();
        for (int i = PER_PHASE; i < 2 * PER_PHASE; i++) {
          duringOutage.add(FaultLoad.settle(app, all.get(i).body()));
        }
        sent.addAll(duringOutage);
        // The database comes back only once every request sent during the outage was answered
        // (after the ledger gave up waiting for a connection, 5 s), so each of them met it.
        CompletableFuture.allOf(duringOutage.toArray(CompletableFuture[]::new))
            .get(60, TimeUnit.SECONDS);
        pg = postgres(data, port);
        for (int i = 2 * PER_PHASE; i < payments; i++) {
          sent.add(FaultLoad.settle(app, all.get(i).body()));
        }
        for (CompletableFuture<HttpResponse<String>> response : sent) {
          responses.add(response.join());
        }
        Map<String, Long> outcomes =
            responses.stream()
                .map(
                    r ->
                        r.statusCode() == 200
                            ? outcome(FacilitatorClusterIT.WIRE.decodeSettleResponse(r.body()))
                            : r.statusCode() + " " + r.body())
                .collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()));
        System.out.println("answers: " + outcomes);
        assertThat(outcomes)
            .as("the outage was felt: some settlements were refused while it lasted")
            .containsKey("unexpected_settle_error");

        // Sent once the database was back: the same process settles them, first time.
        for (int i = 2 * PER_PHASE; i < payments; i++) {
          assertThat(responses.get(i).body()).as("payment %d", i).contains("\"success\":true");
        }
        for (int i = 0; i < payments; i++) {
          HttpResponse<String> r = responses.get(i);
          boolean used = devnet.authorizationUsed(buyer.address(), all.get(i).nonce());
          if (r.statusCode() == 200) {
            SettleResponse answer = FacilitatorClusterIT.WIRE.decodeSettleResponse(r.body());
            if (answer.success()) {
              assertThat(used).as("payment %d reported settled", i).isTrue();
              continue;
            }
            if (!"settlement_pending".equals(answer.errorReason())) {
              assertThat(used).as("payment %d was refused: %s", i, answer).isFalse();
            }
          }
          // Refused or unknown: sending it again, with the database back, settles it once.
          SettleResponse again =
              FacilitatorClusterIT.WIRE.decodeSettleResponse(
                  FaultLoad.settle(app, all.get(i).body()).join().body());
          assertThat(again.success()).as("payment %d sent again: %s", i, again).isTrue();
        }
      } finally {
        pg.close();
      }
      FaultLoad.assertEachSettledOnce(devnet, all);
    }
  }

  static String outcome(SettleResponse answer) {
    return answer.success() ? "settled" : answer.errorReason();
  }
}
