package io.x402j.server;

/**
 * Where a gate records its sales ({@link PaymentGate.Builder#salesRecord}): one call per event of a
 * paid request — admitted, settled, refused, pending. It is called on the request's thread, once
 * per event, so an implementation should do at most one quick write (a JDBC insert). A record that
 * throws is logged (once) and never changes or fails the sale. Requests that carried no payment,
 * and payments that matched no offered option, are not recorded.
 */
@FunctionalInterface
public interface SalesRecord {
  /** Records {@code sale}. */
  void record(Sale sale);
}
