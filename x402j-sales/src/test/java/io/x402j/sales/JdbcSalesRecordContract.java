package io.x402j.sales;

import static io.x402j.sales.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every database under {@link JdbcSalesRecord} must do. */
abstract class JdbcSalesRecordContract {
  static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");

  /** A fresh, empty record. */
  abstract JdbcSalesRecord record();

  @Test
  void totalsTopPayersAndSeriesCountSettledSalesExactly() {
    JdbcSalesRecord r = record();
    r.record(sale(T0, SaleState.ADMITTED, "GET /a", 10_000, "0xP1", "id1", null));
    r.record(sale(T0.plusSeconds(1), SaleState.SETTLED, "GET /a", 10_000, "0xP1", "id1", "0xt1"));
    r.record(sale(T0.plusSeconds(2), SaleState.SETTLED, "GET /a", 10_000, "0xP2", "id2", "0xt2"));
    r.record(sale(T0.plusSeconds(3700), SaleState.SETTLED, "GET /b", 5_000, "0xP2", "id3", "0xt3"));
    r.record(sale(T0.plusSeconds(3800), SaleState.REFUSED, "GET /b", 5_000, "0xP3", "id4", null));
    // Beyond a long when summed with the rest: stays exact (an 18-decimal token, 40 whole tokens).
    BigInteger big = new BigInteger("40000000000000000000");
    r.record(
        new Sale(
            T0.plusSeconds(3900),
            SaleState.SETTLED,
            "POST",
            "POST /c",
            "exact",
            Sales.BASE_SEPOLIA,
            "0xdead",
            TokenAmount.of(big),
            Sales.SELLER,
            "0xP1",
            "id5",
            "0xt5",
            null,
            2));

    assertThat(r.totals(T0.minusSeconds(1)))
        .containsExactlyInAnyOrder(
            new SalesTotal(null, Sales.BASE_SEPOLIA, Sales.USDC, 3, BigInteger.valueOf(25_000)),
            new SalesTotal(null, Sales.BASE_SEPOLIA, "0xdead", 1, big));
    assertThat(r.totals(T0.plusSeconds(2)))
        .contains(
            new SalesTotal(null, Sales.BASE_SEPOLIA, Sales.USDC, 2, BigInteger.valueOf(15_000)));
    assertThat(r.totalsByRoute(T0))
        .contains(
            new SalesTotal(
                "GET /a", Sales.BASE_SEPOLIA, Sales.USDC, 2, BigInteger.valueOf(20_000)));
    // Ranked within each token (USDC, then the 18-decimal one), never across decimals.
    assertThat(r.topPayers(T0, 10))
        .extracting(SalesTotal::key, SalesTotal::asset)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("0xP2", Sales.USDC),
            org.assertj.core.groups.Tuple.tuple("0xP1", Sales.USDC),
            org.assertj.core.groups.Tuple.tuple("0xP1", "0xdead"));
    assertThat(r.topPayers(T0, 1))
        .extracting(SalesTotal::key, SalesTotal::asset)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("0xP2", Sales.USDC),
            org.assertj.core.groups.Tuple.tuple("0xP1", "0xdead"));
    assertThat(r.countsByState(T0))
        .containsEntry(SaleState.SETTLED, 4L)
        .containsEntry(SaleState.ADMITTED, 1L)
        .containsEntry(SaleState.REFUSED, 1L)
        .containsEntry(SaleState.PENDING, 0L);

    List<RevenuePoint> series = r.revenue(T0, Duration.ofHours(1));
    assertThat(series)
        .contains(
            new RevenuePoint(
                T0, "GET /a", Sales.BASE_SEPOLIA, Sales.USDC, BigInteger.valueOf(20_000)),
            new RevenuePoint(
                T0.plusSeconds(3600),
                "GET /b",
                Sales.BASE_SEPOLIA,
                Sales.USDC,
                BigInteger.valueOf(5_000)));

    List<Sale> latest = r.latest(10);
    assertThat(latest)
        .extracting(Sale::paymentId)
        .containsExactly("id5", "id4", "id3", "id2", "id1");
    assertThat(latest.get(4).state()).as("latest state of id1").isEqualTo(SaleState.SETTLED);
    assertThat(latest.get(0).amount()).isEqualTo(TokenAmount.of(big));
    // A replay refused after the sale settled does not undo it.
    r.record(sale(T0.plusSeconds(4000), SaleState.REFUSED, "GET /a", 10_000, "0xP1", "id1", null));
    assertThat(r.latest(10).get(0))
        .satisfies(
            s -> {
              assertThat(s.paymentId()).isEqualTo("id1");
              assertThat(s.state()).isEqualTo(SaleState.SETTLED);
            });

    List<Sale> exported = new ArrayList<>();
    // (export below covers only the first three seconds)
    r.export(T0, T0.plusSeconds(3), exported::add);
    assertThat(exported)
        .extracting(Sale::state)
        .containsExactly(SaleState.ADMITTED, SaleState.SETTLED, SaleState.SETTLED);
    assertThat(r.payTos(T0))
        .extracting(PayTo::asset)
        .containsExactlyInAnyOrder("0xdead", Sales.USDC);
  }

  @Test
  void aPendingSettlementThatFailedShowsRefusedAndOneThatSettledShowsSettled() {
    JdbcSalesRecord r = record();
    r.record(sale(T0, SaleState.PENDING, "GET /a", 10_000, "0xP1", "failed", "0xt1"));
    r.record(sale(T0.plusSeconds(5), SaleState.REFUSED, "GET /a", 10_000, "0xP1", "failed", null));
    r.record(sale(T0.plusSeconds(1), SaleState.REFUSED, "GET /a", 10_000, "0xP2", "again", null));
    r.record(sale(T0.plusSeconds(6), SaleState.PENDING, "GET /a", 10_000, "0xP2", "again", "0xt"));
    r.record(sale(T0.plusSeconds(2), SaleState.PENDING, "GET /a", 10_000, "0xP3", "mined", "0xt3"));
    r.record(sale(T0.plusSeconds(7), SaleState.SETTLED, "GET /a", 10_000, "0xP3", "mined", "0xt3"));
    r.record(sale(T0.plusSeconds(8), SaleState.REFUSED, "GET /a", 10_000, "0xP3", "mined", null));
    // Written in reverse: the later refusal first, then the earlier pending (event time decides).
    r.record(sale(T0.plusSeconds(9), SaleState.REFUSED, "GET /a", 10_000, "0xP4", "late", null));
    r.record(sale(T0.plusSeconds(3), SaleState.PENDING, "GET /a", 10_000, "0xP4", "late", "0xt4"));

    assertThat(r.latest(10))
        .extracting(Sale::paymentId, Sale::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("failed", SaleState.REFUSED),
            org.assertj.core.groups.Tuple.tuple("again", SaleState.PENDING),
            org.assertj.core.groups.Tuple.tuple("mined", SaleState.SETTLED),
            org.assertj.core.groups.Tuple.tuple("late", SaleState.REFUSED));
  }

  @Test
  void anAdmittedWrittenAfterItsOutcomeNeverShowsThePaymentAsAdmitted() {
    JdbcSalesRecord r = record();
    // The gate writes the outcome on the request's thread and admitted from its writer, so the
    // admitted row may land after the outcome, and (another instance's clock) even be later.
    r.record(sale(T0.plusSeconds(1), SaleState.SETTLED, "GET /a", 10_000, "0xP1", "id1", "0xt1"));
    r.record(sale(T0, SaleState.ADMITTED, "GET /a", 10_000, "0xP1", "id1", null));
    r.record(sale(T0.plusSeconds(2), SaleState.PENDING, "GET /a", 10_000, "0xP2", "id2", "0xt2"));
    r.record(sale(T0.plusSeconds(3), SaleState.ADMITTED, "GET /a", 10_000, "0xP2", "id2", null));
    r.record(sale(T0.plusSeconds(4), SaleState.REFUSED, "GET /a", 10_000, "0xP3", "id3", null));
    r.record(sale(T0.plusSeconds(9), SaleState.ADMITTED, "GET /a", 10_000, "0xP3", "id3", null));

    assertThat(r.latest(10))
        .extracting(Sale::paymentId, Sale::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("id3", SaleState.REFUSED),
            org.assertj.core.groups.Tuple.tuple("id2", SaleState.PENDING),
            org.assertj.core.groups.Tuple.tuple("id1", SaleState.SETTLED));
  }
}
