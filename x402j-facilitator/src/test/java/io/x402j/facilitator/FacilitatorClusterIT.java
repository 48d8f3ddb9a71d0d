package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.settlement.SettlementFilter;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One payment sent to {@code /settle} many times at once is settled once: by one instance, or by
 * two instances with their own gas keys sharing one PostgreSQL ledger. Every caller gets the same
 * answer, with the same transaction.
 */
class FacilitatorClusterIT {
  static final int PAYMENTS = 20;
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final WireCodec WIRE = WireCodec.standard();
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static FacilitatorConfig config(DevnetInfo info, String database, String keysEnv) {
    return FacilitatorConfig.builder()
        .port(0)
        .database(database)
        .network(FacilitatorHttpIT.devnetSettings(info, keysEnv))
        .build();
  }

  static CompletableFuture<SettleResponse> settle(FacilitatorApp app, String body) {
    return HTTP.sendAsync(
            HttpRequest.newBuilder(URI.create(app.url() + "/settle"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
              return WIRE.decodeSettleResponse(response.body());
            });
  }

  static PaymentRequirements requirement(DevnetInfo info, EvmAddress seller) {
    return PaymentRequirements.builder()
        .network(info.network())
        .amount(TokenAmount.of(PRICE))
        .asset(info.token().toString())
        .payTo(seller.toString())
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .build();
  }

  /** A /settle body as a gate sends it: the payment and the gate's settlement attempt. */
  static String signedBody(PrivateKeySigner buyer, PaymentRequirements required) {
    Map<String, Object> signed = ExactEvmClient.of(buyer).createPayload(2, required);
    return WIRE.toJson(
        FacilitatorRequest.of(PaymentPayload.of(null, required, signed), required)
            .withSettlementId(newAttempt()));
  }

  static String newAttempt() {
    return "attempt-" + java.util.UUID.randomUUID();
  }

  /** The same body naming another settlement attempt, as another server would send it. */
  static String otherAttempt(String body) {
    return WIRE.toJson(WIRE.decodeFacilitatorRequest(body).withSettlementId(newAttempt()));
  }

  @Test
  void oneInstanceSettlesAPaymentSentFortyTimesAtOnceOnce(@TempDir Path temp) throws Exception {
    try (Devnet devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas", ETH, BigInteger.ZERO)
                .account("buyer", ETH, PRICE.multiply(BigInteger.TEN))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build())) {
      DevnetInfo info = devnet.info();
      EvmAddress seller = info.requireAccount("seller").address();
      EvmAddress gas = info.requireAccount("gas").address();
      String body = signedBody(info.requireAccount("buyer").signer(), requirement(info, seller));
      Map<String, String> env = Map.of("KEYS", info.requireAccount("gas").privateKey());
      String database = "jdbc:sqlite:" + temp.resolve("ledger.db");

      try (FacilitatorApp app =
          FacilitatorApp.start(config(info, database, "KEYS"), env, NetworkRegistry.defaults())) {
        // Forty requests of one attempt (a gate retrying) race forty copies from other servers,
        // each with an attempt of its own. Whichever attempt claims first is the one settled.
        Map<String, List<CompletableFuture<SettleResponse>>> byAttempt = new java.util.HashMap<>();
        for (int i = 0; i < 40; i++) {
          byAttempt.computeIfAbsent(body, b -> new ArrayList<>()).add(settle(app, body));
          String copy = otherAttempt(body);
          byAttempt.computeIfAbsent(copy, b -> new ArrayList<>()).add(settle(app, copy));
        }

        Set<String> paidAttempts = new HashSet<>();
        Set<String> transactions = new HashSet<>();
        byAttempt.forEach(
            (attempt, answers) -> {
              for (CompletableFuture<SettleResponse> answer : answers) {
                SettleResponse response = answer.join();
                if (response.success()) {
                  paidAttempts.add(attempt);
                  transactions.add(response.transaction());
                } else {
                  assertThat(response.reason())
                      .as("%s", response)
                      .hasValue(ErrorReason.DUPLICATE_SETTLEMENT);
                }
              }
            });
        assertThat(paidAttempts).as("one attempt is told it was paid").hasSize(1);
        assertThat(byAttempt.get(paidAttempts.iterator().next()))
            .as("every request of that attempt is told so")
            .allSatisfy(answer -> assertThat(answer.join().success()).isTrue());
        assertThat(transactions).as("of the same transaction").hasSize(1);
      }
      assertThat(devnet.tokenBalance(seller)).isEqualTo(PRICE);
      assertThat(devnet.transactionCount(gas)).as("one transaction in all").isEqualTo(1);
    }
  }

  @Test
  void twoInstancesOnOneLedgerSettleEachPaymentOnce() throws Exception {
    try (Devnet devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas-a", ETH, BigInteger.ZERO)
                .account("gas-b", ETH, BigInteger.ZERO)
                .account("buyer", ETH, PRICE.multiply(BigInteger.valueOf(PAYMENTS)))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build())) {
      DevnetInfo info = devnet.info();
      PrivateKeySigner buyer = info.requireAccount("buyer").signer();
      EvmAddress seller = info.requireAccount("seller").address();
      EvmAddress gasA = info.requireAccount("gas-a").address();
      EvmAddress gasB = info.requireAccount("gas-b").address();
      String database = TestPostgres.newDatabase();
      Map<String, String> env =
          Map.of(
              "KEYS_A", info.requireAccount("gas-a").privateKey(),
              "KEYS_B", info.requireAccount("gas-b").privateKey());
      PaymentRequirements required = requirement(info, seller);
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < PAYMENTS; i++) {
        bodies.add(signedBody(buyer, required));
      }

      try (FacilitatorApp a =
              FacilitatorApp.start(
                  config(info, database, "KEYS_A"), env, NetworkRegistry.defaults());
          FacilitatorApp b =
              FacilitatorApp.start(
                  config(info, database, "KEYS_B"), env, NetworkRegistry.defaults())) {
        List<CompletableFuture<SettleResponse>> viaA = new ArrayList<>();
        List<CompletableFuture<SettleResponse>> viaB = new ArrayList<>();
        for (String body : bodies) {
          viaA.add(settle(a, body));
          viaB.add(settle(b, body));
        }

        Set<String> transactions = new HashSet<>();
        for (int i = 0; i < PAYMENTS; i++) {
          SettleResponse fromA = viaA.get(i).join();
          SettleResponse fromB = viaB.get(i).join();
          assertThat(fromA.success()).as("payment %d via A: %s", i, fromA).isTrue();
          assertThat(fromB.success()).as("payment %d via B: %s", i, fromB).isTrue();
          assertThat(fromB.transaction()).as("payment %d", i).isEqualTo(fromA.transaction());
          transactions.add(fromA.transaction());
        }
        assertThat(transactions).hasSize(PAYMENTS);

        try (JdbcSettlementLedger ledger = JdbcSettlementLedger.open(database)) {
          List<SettlementRecord> rows = ledger.list(SettlementFilter.all(), 0, 100);
          assertThat(rows).hasSize(PAYMENTS);
          assertThat(rows)
              .allSatisfy(r -> assertThat(r.state()).isEqualTo(SettlementState.CONFIRMED));
          assertThat(rows.stream().map(r -> r.submission().transaction()))
              .containsExactlyInAnyOrderElementsOf(transactions);
        }
      }
      System.out.printf(
          "settled by A: %d, by B: %d%n",
          devnet.transactionCount(gasA), devnet.transactionCount(gasB));
      assertThat(devnet.tokenBalance(seller))
          .isEqualTo(PRICE.multiply(BigInteger.valueOf(PAYMENTS)));
      assertThat(devnet.transactionCount(gasA) + devnet.transactionCount(gasB))
          .as("one transaction per payment, from whichever instance claimed it")
          .isEqualTo(PAYMENTS);
    }
  }
}
