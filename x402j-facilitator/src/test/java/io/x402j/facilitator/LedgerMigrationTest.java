package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.facilitator.EvmSettlementEngine;
import io.x402j.settlement.SettlementFilter;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import io.x402j.settlement.Transfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A ledger written by the EIP-3009-only schema (V1, and V2 with settlement attempts) on SQLite and
 * PostgreSQL is migrated to the scheme-neutral one, and every row reads back through the new API
 * with the same meaning, under the key the EVM engine derives for the same authorization.
 */
class LedgerMigrationTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final WireCodec WIRE = WireCodec.standard();
  static final Network NETWORK = Network.evm(84532);
  static final EvmAddress ASSET = EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e");
  static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  /**
   * A row as the V1/V2 code wrote it.
   *
   * @param settlementId null, and always null at V1
   * @param submitted whether a transaction was recorded
   */
  record Legacy(
      EvmAddress payer,
      Bytes32 nonce,
      String fingerprint,
      String settlementId,
      EvmAddress payTo,
      TokenAmount amount,
      SettlementState state,
      boolean submitted,
      SettleResponse outcome,
      String txHash,
      EvmAddress signer,
      long signerNonce,
      String rawTx,
      Instant createdAt,
      Instant updatedAt) {
    SettlementKey newKey() {
      return EvmSettlementEngine.ledgerKey(NETWORK, ASSET, payer, nonce);
    }
  }

  static Stream<Arguments> databases() throws Exception {
    Path dir = Files.createTempDirectory("x402j-migration");
    return Stream.of(
        Arguments.of("SQLite at V1", "jdbc:sqlite:" + dir.resolve("v1.db"), "1"),
        Arguments.of("SQLite at V2", "jdbc:sqlite:" + dir.resolve("v2.db"), "2"),
        Arguments.of("PostgreSQL at V1", TestPostgres.newDatabase(), "1"),
        Arguments.of("PostgreSQL at V2", TestPostgres.newDatabase(), "2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void everyRowOfTheOldSchemaReadsBackWithTheSameMeaning(String name, String url, String version)
      throws Exception {
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:io/x402j/facilitator/db/migration")
        .table("x402j_schema_history")
        .target(version)
        .load()
        .migrate();
    boolean v2 = version.equals("2");
    EvmAddress payer = address();
    List<Legacy> rows = legacyRows(payer, v2);
    try (Connection c = DriverManager.getConnection(url)) {
      for (Legacy row : rows) {
        insert(c, row, v2);
      }
    }

    try (JdbcSettlementLedger ledger = JdbcSettlementLedger.open(url)) {
      assertThat(schemaVersion(url)).as("the newest migration").isEqualTo("7");
      for (Legacy row : rows) {
        SettlementRecord record = ledger.find(row.newKey()).orElseThrow();
        assertSameMeaning(record, row);
      }
      assertThat(ledger.list(SettlementFilter.all(), 0, 100)).hasSameSizeAs(rows);
      assertThat(ledger.unresolved())
          .extracting(r -> r.state())
          .containsExactlyInAnyOrder(SettlementState.SUBMITTED, SettlementState.PENDING);
      assertThat(ledger.inFlight(NETWORK, ASSET.toLowerHex(), payer.toLowerHex(), 100))
          .extracting(SettlementRecord::state)
          .containsExactly(
              SettlementState.CLAIMED, SettlementState.SUBMITTED, SettlementState.PENDING);
      assertThat(
              ledger.list(
                  new SettlementFilter(NETWORK, "exact", payer.toLowerHex(), null, null), 0, 100))
          .hasSameSizeAs(rows);
      assertThat(ledger.countByState())
          .containsEntry(SettlementState.FAILED, 2L)
          .containsEntry(SettlementState.CONFIRMED, 1L);
      claimsFollowTheMigratedRows(ledger, rows);
    }
  }

  /** The claim rules see the migrated rows as the old ledger did. */
  static void claimsFollowTheMigratedRows(SettlementLedger ledger, List<Legacy> rows) {
    Instant later = T0.plus(Duration.ofDays(1));
    for (Legacy row : rows) {
      SettlementRequest again =
          new SettlementRequest(
              row.newKey(),
              row.fingerprint(),
              new Transfer(
                  ASSET.toLowerHex(),
                  row.payer().toLowerHex(),
                  row.payTo().toLowerHex(),
                  row.amount()),
              Map.of("nonce", row.nonce().toString()),
              null);
      boolean owned = ledger.claim(again, later, Duration.ofSeconds(30)).owned();
      boolean expected =
          row.state() == SettlementState.FAILED || row.state() == SettlementState.CLAIMED;
      assertThat(owned).as("a new claim of the %s row", row.state()).isEqualTo(expected);
    }
  }

  static void assertSameMeaning(SettlementRecord record, Legacy row) {
    assertThat(record.key().network()).isEqualTo(NETWORK);
    assertThat(record.key().scheme()).isEqualTo("exact");
    assertThat(record.key().paymentId())
        .isEqualTo(ASSET.toLowerHex() + ":" + row.payer().toLowerHex() + ":" + row.nonce());
    assertThat(record.fingerprint()).isEqualTo(row.fingerprint());
    assertThat(record.settlementId()).isEqualTo(row.settlementId());
    assertThat(record.transfer())
        .isEqualTo(
            new Transfer(
                ASSET.toLowerHex(),
                row.payer().toLowerHex(),
                row.payTo().toLowerHex(),
                row.amount()));
    assertThat(record.details()).isEqualTo(Map.of("nonce", row.nonce().toString()));
    assertThat(record.state()).isEqualTo(row.state());
    if (row.submitted()) {
      assertThat(record.submission())
          .isEqualTo(
              new Submission(
                  row.txHash(), row.signer().toLowerHex(), row.signerNonce(), row.rawTx()));
    } else {
      assertThat(record.submission()).isNull();
    }
    assertThat(record.outcome()).isEqualTo(row.outcome());
    assertThat(record.createdAt()).isEqualTo(row.createdAt());
    assertThat(record.updatedAt()).isEqualTo(row.updatedAt());
  }

  /** One row of each kind the old ledger held, all of one payer. */
  static List<Legacy> legacyRows(EvmAddress payer, boolean v2) {
    List<Legacy> rows = new ArrayList<>();
    String id = v2 ? "gate-a-0123456789abcdef" : null;
    String network = NETWORK.toString();
    String tx1 = Bytes32.random(RANDOM).toString();
    String tx2 = Bytes32.random(RANDOM).toString();
    String tx3 = Bytes32.random(RANDOM).toString();
    String tx4 = Bytes32.random(RANDOM).toString();
    EvmAddress signer = address();
    rows.add(legacy(payer, id, SettlementState.CLAIMED, false, null, null, signer, 0, 0));
    rows.add(legacy(payer, id, SettlementState.SUBMITTED, true, null, tx1, signer, 7, 1));
    rows.add(
        legacy(
            payer,
            id,
            SettlementState.PENDING,
            true,
            SettleResponse.failure(
                ErrorReason.SETTLEMENT_PENDING, "no receipt within 30 s", tx2, network, null),
            tx2,
            signer,
            8,
            2));
    rows.add(
        legacy(
            payer,
            null,
            SettlementState.CONFIRMED,
            true,
            new SettleResponse(
                true,
                null,
                null,
                tx3,
                network,
                payer.toString(),
                TokenAmount.of(10_000),
                null,
                Map.of()),
            tx3,
            signer,
            9,
            3));
    rows.add(
        legacy(
            payer,
            id,
            SettlementState.FAILED,
            true,
            SettleResponse.failure(
                ErrorReason.EXACT_EVM_TRANSACTION_FAILED,
                "transaction " + tx4 + " reverted",
                tx4,
                network,
                payer.toString()),
            tx4,
            signer,
            10,
            4));
    rows.add(
        legacy(
            payer,
            null,
            SettlementState.FAILED,
            false,
            SettleResponse.failure(
                ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE,
                "the payer holds 0, the payment is 10000",
                "",
                network,
                payer.toString()),
            null,
            signer,
            0,
            5));
    return rows;
  }

  static Legacy legacy(
      EvmAddress payer,
      String settlementId,
      SettlementState state,
      boolean submitted,
      SettleResponse outcome,
      String txHash,
      EvmAddress signer,
      long signerNonce,
      int minute) {
    Instant created = T0.plus(Duration.ofMinutes(minute));
    return new Legacy(
        payer,
        Bytes32.random(RANDOM),
        Bytes32.random(RANDOM).toString().substring(2),
        settlementId,
        address(),
        TokenAmount.of(10_000),
        state,
        submitted,
        outcome,
        submitted ? txHash : null,
        submitted ? signer : null,
        signerNonce,
        submitted ? "0x02f8b1" + "00".repeat(60) : null,
        created,
        created.plusMillis(1_234));
  }

  /** The row as the old ledger's claim, submitted() and outcome() statements left it. */
  static void insert(Connection c, Legacy row, boolean v2) throws SQLException {
    String sql =
        "INSERT INTO settlements (network, asset, payer, auth_nonce, fingerprint, pay_to, amount,"
            + " state, tx_hash, signer, signer_nonce, raw_tx, outcome, created_at, updated_at"
            + (v2 ? ", settlement_id" : "")
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            + (v2 ? ", ?" : "")
            + ")";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, NETWORK.toString());
      s.setString(2, ASSET.toLowerHex());
      s.setString(3, row.payer().toLowerHex());
      s.setString(4, row.nonce().toString());
      s.setString(5, row.fingerprint());
      s.setString(6, row.payTo().toLowerHex());
      s.setString(7, row.amount().toString());
      s.setString(8, row.state().name());
      s.setString(9, row.txHash());
      s.setString(10, row.signer() == null ? null : row.signer().toLowerHex());
      if (row.submitted()) {
        s.setLong(11, row.signerNonce());
      } else {
        s.setNull(11, java.sql.Types.BIGINT);
      }
      s.setString(12, row.rawTx());
      s.setString(13, row.outcome() == null ? null : WIRE.toJson(row.outcome()));
      s.setLong(14, row.createdAt().toEpochMilli());
      s.setLong(15, row.updatedAt().toEpochMilli());
      if (v2) {
        s.setString(16, row.settlementId());
      }
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }

  static String schemaVersion(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT version FROM x402j_schema_history WHERE success ="
                    + (url.startsWith("jdbc:sqlite:") ? " 1" : " TRUE")
                    + " ORDER BY installed_rank DESC LIMIT 1")) {
      r.next();
      return r.getString(1);
    }
  }

  static EvmAddress address() {
    return PrivateKeySigner.generate(RANDOM).address();
  }
}
