package io.x402j.sales;

import static io.x402j.sales.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import io.x402j.jetty.AdminRequest;
import io.x402j.jetty.AdminResponse;
import io.x402j.jetty.AdminSnapshot;
import io.x402j.server.SaleState;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The summary every open dashboard polls is computed once per poll interval however many pages ask:
 * counted at the database (connections) and at the node (balance reads), timed by a fake clock.
 */
class SellerDashboardSummaryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BALANCE = "0x" + "0".repeat(58) + "0f4240"; // 1 USDC

  @TempDir Path temp;
  final SalesGateAttackIT.MovableClock clock = new SalesGateAttackIT.MovableClock();
  CountingDataSource database;
  JdbcSalesRecord record;
  HttpServer node;
  final AtomicInteger balanceReads = new AtomicInteger();
  SellerDashboard dashboard;

  /** SQLite that counts the connections taken and can refuse them. */
  static final class CountingDataSource implements DataSource {
    final SQLiteDataSource sqlite = new SQLiteDataSource();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicBoolean down = new AtomicBoolean();

    CountingDataSource(String url) {
      sqlite.setUrl(url);
    }

    @Override
    public Connection getConnection() throws SQLException {
      connections.incrementAndGet();
      if (down.get()) {
        throw new SQLException("the database is down");
      }
      return sqlite.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }

  @BeforeEach
  void open() throws Exception {
    database = new CountingDataSource("jdbc:sqlite:" + temp.resolve("sales.db"));
    record = JdbcSalesRecord.open(database);
    record.record(
        sale(
            clock.now.minusSeconds(60),
            SaleState.SETTLED,
            "GET /weather",
            10_000,
            "0xP1",
            "a",
            "0x" + "ab".repeat(32)));
    // A node that answers every balanceOf with 1 USDC, counting them.
    node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    node.createContext(
        "/",
        exchange -> {
          JsonNode request = JSON.readTree(exchange.getRequestBody());
          JsonNode calls = request.isArray() ? request : JSON.createArrayNode().add(request);
          ArrayNode answers = JSON.createArrayNode();
          for (JsonNode call : calls) {
            if (call.path("method").asText().equals("eth_call")) {
              balanceReads.incrementAndGet();
            }
            answers
                .addObject()
                .put("jsonrpc", "2.0")
                .put("result", BALANCE)
                .set("id", call.get("id"));
          }
          byte[] body = JSON.writeValueAsBytes(request.isArray() ? answers : answers.get(0));
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    node.start();
    PayToBalances balances =
        PayToBalances.of(
            Map.of(Sales.BASE_SEPOLIA, "http://127.0.0.1:" + node.getAddress().getPort() + "/"),
            clock);
    dashboard =
        SellerDashboard.builder(record)
            .clock(clock)
            .balances(balances)
            .payTo(new PayTo(Sales.BASE_SEPOLIA, Sales.USDC, Sales.SELLER))
            .build();
  }

  @AfterEach
  void close() {
    node.stop(0);
    record.close();
  }

  JsonNode summary() throws Exception {
    AdminResponse answer = dashboard.handle(new AdminRequest("/api/summary", Map.of()));
    return JSON.readTree(new String(answer.body(), StandardCharsets.UTF_8));
  }

  @Test
  void twoTabsWithinTheIntervalCostOneComputationAndTheNextIntervalANewOne() throws Exception {
    int before = database.connections.get();
    JsonNode first = summary();
    int perComputation = database.connections.get() - before;
    assertThat(perComputation).as("queries of one summary").isGreaterThan(5);
    assertThat(first.at("/balances/0/balance").asText()).isEqualTo("1 USDC");
    assertThat(balanceReads).hasValue(1);

    // A second tab, and the page itself, within the interval: nothing asked again.
    JsonNode second = summary();
    String page =
        new String(
            dashboard.handle(new AdminRequest("/", Map.of())).body(), StandardCharsets.UTF_8);
    clock.now = clock.now.plus(AdminSnapshot.POLL).minusMillis(1);
    assertThat(summary()).isEqualTo(first);
    assertThat(second).isEqualTo(first);
    assertThat(page).contains("GET /weather").contains("data-every=\"5000\"");
    assertThat(database.connections.get() - before).isEqualTo(perComputation);
    assertThat(balanceReads).hasValue(1);

    // The next interval: computed again, and a sale since then shows.
    record.record(
        sale(
            clock.now,
            SaleState.SETTLED,
            "GET /forecast",
            20_000,
            "0xP2",
            "b",
            "0x" + "cd".repeat(32)));
    int recorded = database.connections.get();
    clock.now = clock.now.plusMillis(1);
    JsonNode later = summary();
    assertThat(later.at("/states/settled").asLong()).isEqualTo(2);
    assertThat(database.connections.get() - recorded).isEqualTo(perComputation);
    // The balance read is kept longer by the balance reader itself, then read again.
    assertThat(balanceReads).hasValue(1);
    clock.now = clock.now.plusSeconds(PayToBalances.KEEP_SECONDS);
    summary();
    assertThat(balanceReads).hasValue(2);
  }

  @Test
  void aFailedSummaryIsNotKept() throws Exception {
    database.down.set(true);
    assertThatThrownBy(this::summary).isInstanceOf(RuntimeException.class);
    int failed = database.connections.get();

    // Same instant, within the interval: the next tab computes again and gets the answer.
    database.down.set(false);
    JsonNode answer = summary();
    assertThat(answer.at("/states/settled").asLong()).isEqualTo(1);
    assertThat(database.connections.get()).isGreaterThan(failed);
  }
}
