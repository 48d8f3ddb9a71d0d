package io.x402j.server.siwx;

import io.x402j.server.siwx.internal.InMemoryPaymentHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who paid for what, and when: {@link SignInWithXExtension} records each settled payment here and
 * the default {@link SignInPolicy} looks it up. A resource is keyed by the route pattern, the
 * request path and its query, if any ({@code "GET /weather /weather?city=Oslo"}), followed, for a
 * route whose price or recipient depends on the request, by what each option asks of it; a payer by
 * its network and canonical address. Instances behind a load balancer need a shared implementation.
 * Thread-safe.
 */
public interface PaymentHistory {
  /** Remembers that {@code address} on {@code network} paid for {@code resource} at {@code at}. */
  void record(String resource, String network, String address, Instant at);

  /**
   * When {@code address} on {@code network} last paid for {@code resource}, if it is remembered.
   */
  Optional<Instant> lastPayment(String resource, String network, String address);

  /**
   * A history in this process's memory that forgets payments older than {@code keep} (by {@code
   * clock}).
   */
  static PaymentHistory inMemory(Clock clock, Duration keep) {
    return new InMemoryPaymentHistory(clock, keep);
  }
}
