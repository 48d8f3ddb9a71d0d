package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.TokenAmount;
import io.x402j.core.testing.ChildJvm;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.JdbcSettlementLedger;
import io.x402j.settlement.SettlementFilter;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a facilitator process with SIGKILL in the middle of a burst of settlements, restarts it on
 * the same ledger, and checks that every payment settled exactly once: no payment lost, no
 * authorization submitted twice, no gas nonce wasted.
 */
class FacilitatorCrashIT {
  static final int PAYMENTS = 30;
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final WireCodec WIRE = WireCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;
  Devnet devnet;
  DevnetInfo info;
  PrivateKeySigner gas;
  PrivateKeySigner buyer;
  EvmAddress seller;
  final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas", ETH, BigInteger.ZERO)
                .account("buyer", ETH, PRICE.multiply(BigInteger.valueOf(PAYMENTS)))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    gas = info.requireAccount("gas").signer();
    buyer = info.requireAccount("buyer").signer();
    seller = info.requireAccount("seller").address();
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (devnet != null) {
      devnet.close();
    }
  }

  /** Starts {@code x402j facilitator} as its own JVM; returns its URL once it serves. */
  String startFacilitator(String database, Path log) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                ChildJvm.main(
                    X402j.class,
                    "facilitator",
                    "--network",
                    info.network().toString(),
                    "--rpc-url",
                    info.rpcUrl(),
                    "--asset",
                    info.token().toString(),
                    "--port",
                    "0",
                    "--db",
                    database,
                    "--v1-name",
                    "x402j-devnet",
                    "--block-time",
                    "1s",
                    "--poll-interval",
                    "100ms",
                    "--claim-lease",
                    "3s"))
            .redirectError(log.toFile());
    builder.environment().put("X402J_SIGNER_KEYS", info.requireAccount("gas").privateKey());
    Process process = builder.start();
    processes.add(process);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("facilitator output; log:%n%s", read(log)).isNotNull();
    return JSON.readTree(line).path("url").asText();
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      return "(unreadable: " + e + ")";
    }
  }

  PaymentRequirements requirements() {
    return PaymentRequirements.builder()
        .network(info.network())
        .amount(TokenAmount.of(PRICE))
        .asset(info.token().toString())
        .payTo(seller.toString())
        .maxTimeoutSeconds(600)
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .build();
  }

  static CompletableFuture<HttpResponse<String>> settle(String url, String body) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(URI.create(url + "/settle"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aKilledFacilitatorLosesNothingAndPaysNothingTwice() throws Exception {
    String database = "jdbc:sqlite:" + dir.resolve("ledger.db");
    List<String> bodies = new ArrayList<>();
    List<Bytes32> nonces = new ArrayList<>();
    for (int i = 0; i < PAYMENTS; i++) {
      PaymentRequirements required = requirements();
      Map<String, Object> signed = ExactEvmClient.of(buyer).createPayload(2, required);
      nonces.add(ExactEvmPayload.fromMap(signed).authorization().nonce());
      // Each names its settlement attempt, as a gate does, so that asking again after the
      // restart follows the attempt instead of being a duplicate.
      bodies.add(
          WIRE.toJson(
              FacilitatorRequest.of(PaymentPayload.of(null, required, signed), required)
                  .withSettlementId("crash-it-attempt-" + i + "-" + java.util.UUID.randomUUID())));
    }

    // Mining stops, so a crash finds transactions broadcast but unconfirmed, and claims not yet
    // broadcast, rather than a quiet ledger.
    devnet.setAutomine(false);
    devnet.rpc().call("evm_setIntervalMining", 0).join();
    Path firstLog = dir.resolve("first.log");
    String first = startFacilitator(database, firstLog);
    bodies.forEach(body -> settle(first, body));
    // The kill comes once a third of the burst is broadcast (the assertions below check it).
    devnet.awaitPendingTransactions(gas.address(), PAYMENTS / 3 - 1, Duration.ofSeconds(30));
    Process crashed = processes.get(0);
    crashed.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful close
    assertThat(crashed.waitFor(20, TimeUnit.SECONDS)).isTrue();

    Map<SettlementState, Long> atCrash;
    try (JdbcSettlementLedger ledger = JdbcSettlementLedger.open(database)) {
      atCrash = ledger.countByState();
    }
    assertThat(atCrash.getOrDefault(SettlementState.CONFIRMED, 0L))
        .as("nothing can be confirmed while mining is stopped: %s", atCrash)
        .isZero();
    assertThat(atCrash.values().stream().mapToLong(Long::longValue).sum())
        .as("the crash came in the middle of the burst: %s", atCrash)
        .isGreaterThanOrEqualTo(PAYMENTS / 3);

    System.out.println("ledger at the crash: " + atCrash);
    devnet.rpc().call("evm_setIntervalMining", 1).join();

    Path secondLog = dir.resolve("second.log");
    String second = startFacilitator(database, secondLog);

    Map<Integer, SettleResponse> settled = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (settled.size() < PAYMENTS && System.nanoTime() < deadline) {
      List<Integer> open = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < PAYMENTS; i++) {
        if (!settled.containsKey(i)) {
          open.add(i);
          calls.add(settle(second, bodies.get(i)));
        }
      }
      for (int j = 0; j < open.size(); j++) {
        HttpResponse<String> response = calls.get(j).join();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        SettleResponse answer = WIRE.decodeSettleResponse(response.body());
        if (answer.success()) {
          settled.put(open.get(j), answer);
        } else {
          // Only "still in progress" answers may be retried; a refusal would be a lost payment.
          assertThat(
                  answer.isPending() || String.valueOf(answer.errorMessage()).contains("progress"))
              .as("payment %d: %s%nlog:%n%s", open.get(j), response.body(), read(secondLog))
              .isTrue();
        }
      }
      if (settled.size() < PAYMENTS) {
        Thread.sleep(500); // a pause between asking again; the answers decide when to stop
      }
    }
    assertThat(settled).as("log:%n%s", read(secondLog)).hasSize(PAYMENTS);
    // The restarted facilitator sets aside the nonces its ledger recorded, so no new transaction
    // collides with one still in the node's pool (that detour once exhausted a settlement's
    // attempts: "could not get a usable nonce").
    assertThat(read(secondLog)).doesNotContain("is taken");

    // Every payment arrived once, in its own transaction, and no gas nonce was spent twice.
    Set<String> transactions = new HashSet<>();
    settled.values().forEach(r -> transactions.add(r.transaction()));
    assertThat(transactions).hasSize(PAYMENTS);
    assertThat(devnet.tokenBalance(seller)).isEqualTo(PRICE.multiply(BigInteger.valueOf(PAYMENTS)));
    assertThat(devnet.tokenBalance(buyer.address())).isZero();
    for (Bytes32 nonce : nonces) {
      assertThat(devnet.authorizationUsed(buyer.address(), nonce)).isTrue();
    }
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(PAYMENTS);
    for (String hash : transactions) {
      assertThat(devnet.awaitReceipt(hash).path("status").asText()).isEqualTo("0x1");
    }

    // The ledger agrees, and settling again answers from it without a new transaction.
    try (JdbcSettlementLedger ledger = JdbcSettlementLedger.open(database)) {
      List<SettlementRecord> rows = ledger.list(SettlementFilter.all(), 0, 1000);
      assertThat(rows).hasSize(PAYMENTS);
      assertThat(rows).allSatisfy(r -> assertThat(r.state()).isEqualTo(SettlementState.CONFIRMED));
      assertThat(rows.stream().map(r -> r.submission().transaction()))
          .containsExactlyInAnyOrderElementsOf(transactions);
    }
    SettleResponse again = WIRE.decodeSettleResponse(settle(second, bodies.get(0)).join().body());
    assertThat(again.transaction()).isEqualTo(settled.get(0).transaction());
    assertThat(devnet.pendingTransactionCount(gas.address())).isEqualTo(PAYMENTS);

    String privateKey = info.requireAccount("gas").privateKey().toLowerCase().replace("0x", "");
    assertThat(read(firstLog) + read(secondLog)).doesNotContainIgnoringCase(privateKey);
  }
}
