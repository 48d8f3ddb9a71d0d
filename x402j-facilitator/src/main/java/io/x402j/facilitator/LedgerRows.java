package io.x402j.facilitator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import io.x402j.settlement.Transfer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * How a {@link SettlementRecord} is laid out in a row of the {@code settlements} table, for {@link
 * JdbcSettlementLedger}: the columns a query selects, the key predicate and its binding, the
 * mapping of a row back to a record (with its {@link Submission}), and the JSON text of the
 * scheme's details and of the recorded outcome. It holds no connection and runs no statement; the
 * ledger owns the SQL that changes state. Thread-safe.
 */
final class LedgerRows {
  /** Every column of a record; {@link #record} reads them by name. */
  static final String COLUMNS =
      "network, scheme, payment_id, fingerprint, settlement_id, asset, payer, pay_to, amount,"
          + " details, state, tx_id, signer, signer_sequence, raw_tx, submission_details, outcome,"
          + " created_at, updated_at";

  /** The primary key as a predicate; bind it with {@link #bindKey}. */
  static final String KEY = "network = ? AND scheme = ? AND payment_id = ?";

  private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() {};

  private final WireCodec wire = WireCodec.standard();
  private final ObjectMapper json = new ObjectMapper();

  /** Binds {@code key} to the three parameters of {@link #KEY}; returns the next index. */
  static int bindKey(PreparedStatement s, int first, SettlementKey key) throws SQLException {
    s.setString(first, key.network().toString());
    s.setString(first + 1, key.scheme());
    s.setString(first + 2, key.paymentId());
    return first + 3;
  }

  /** The record in the current row of {@code r}, which selected {@link #COLUMNS}. */
  SettlementRecord record(ResultSet r) throws SQLException {
    SettlementKey key =
        new SettlementKey(
            Network.parse(r.getString("network")),
            r.getString("scheme"),
            r.getString("payment_id"));
    String transaction = r.getString("tx_id");
    Submission submission = null;
    if (transaction != null) {
      long read = r.getLong("signer_sequence");
      Long sequence = r.wasNull() ? null : read; // asked right after the read it is about
      submission =
          new Submission(
              transaction,
              r.getString("signer"),
              sequence,
              r.getString("raw_tx"),
              details(r.getString("submission_details")));
    }
    String outcome = r.getString("outcome");
    return new SettlementRecord(
        key,
        r.getString("fingerprint"),
        r.getString("settlement_id"),
        new Transfer(
            r.getString("asset"),
            r.getString("payer"),
            r.getString("pay_to"),
            TokenAmount.parse(r.getString("amount"))),
        details(r.getString("details")),
        SettlementState.valueOf(r.getString("state")),
        submission,
        outcome == null ? null : wire.decodeSettleResponse(outcome),
        Instant.ofEpochMilli(r.getLong("created_at")),
        Instant.ofEpochMilli(r.getLong("updated_at")));
  }

  /** The column text of a scheme's details: a JSON object, or {@code null} when there are none. */
  String detailsJson(Map<String, String> details) {
    if (details.isEmpty()) {
      return null;
    }
    try {
      return json.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("details cannot be written as JSON", e);
    }
  }

  /** The column text of a recorded outcome. */
  String outcomeJson(SettleResponse response) {
    return wire.toJson(response);
  }

  private Map<String, String> details(String text) throws SQLException {
    if (text == null || text.isEmpty()) {
      return Map.of();
    }
    try {
      return json.readValue(text, DETAILS);
    } catch (JsonProcessingException e) {
      throw new SQLException("a settlement row holds details that are not a JSON object", e);
    }
  }
}
