package io.x402j.server;

/**
 * Where a gate records its sales ({@link PaymentGate.Builder#salesRecord}): one call per event of a
 * paid request — admitted, settled, refused, pending.
 *
 * <p><b>One insert on the paid path.</b> Of each paid request only its outcome — {@link
 * SaleState#SETTLED settled}, {@link SaleState#REFUSED refused} or {@link SaleState#PENDING
 * pending} — is recorded on the request's thread, before its response is released, so no sale is
 * lost; an implementation should do one quick write (a JDBC insert). {@link SaleState#ADMITTED
 * Admitted} goes to a bounded queue written by one background thread of the gate, so it may arrive
 * after the outcome of the same payment: readers take a payment's state by precedence (settled,
 * then pending, refused, admitted), never by arrival. A full queue drops the event rather than grow
 * memory ({@link Unrecorded#QUEUE_FULL}); {@link PaymentGate#close} writes what is queued.
 *
 * <p><b>Unverified refusals are not recorded.</b> A payment refused before the facilitator found it
 * valid — malformed, bad signature, wrong amount, no funds, a replay of a payment in use or used,
 * refused by an extension, or unverifiable because the facilitator was unreachable — costs its
 * sender nothing to forge, so it never reaches {@link #record}: it is handed to {@link #unrecorded}
 * as {@link Unrecorded#UNVERIFIED} (to be counted, e.g. in metrics), and the table grows only with
 * payments a facilitator verified. A verified payment that then buys nothing (handler failed,
 * settlement refused, response abandoned) is recorded refused.
 *
 * <p><b>Faults.</b> A record that throws is logged (once) and never changes or fails the sale. An
 * {@link IllegalArgumentException} says the one sale cannot be recorded (an amount too large, say):
 * it is counted and the record keeps being used. After any other failure the gate backs off: for a
 * while (1 s, doubling up to a minute while it keeps failing) events are not offered to the record
 * but handed to {@link #unrecorded} as {@link Unrecorded#BACKING_OFF}, so a database outage costs a
 * sale one wait at most, then nothing. Requests that carried no payment are not recorded; payments
 * that matched no offered option (a wrong amount, another route's, malformed) are unverified
 * refusals like the others: counted against the route's first option, never recorded.
 */
@FunctionalInterface
public interface SalesRecord {
  /** Records {@code sale}. */
  void record(Sale sale);

  /**
   * Told of an event the gate did not {@link #record} and why: called on the request's or the
   * writer's thread, so it must be quick and must not do I/O (count it). Does nothing by default.
   */
  default void unrecorded(Sale sale, Unrecorded why) {}

  /** Why an event was not {@link #record recorded}. */
  enum Unrecorded {
    /** A refusal of a payment no facilitator verified: not recorded by design, only counted. */
    UNVERIFIED,
    /** The background queue was full (a slow record): the event was dropped. */
    QUEUE_FULL,
    /** The record failed a moment ago and the gate is backing off: the event was dropped. */
    BACKING_OFF,
    /** The gate was closed: the event was dropped. */
    CLOSED
  }
}
