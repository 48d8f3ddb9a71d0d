package io.x402j.jetty;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves (read by server threads too, hence volatile); runs a hook at each read.
 */
final class MovableClock extends Clock {
  volatile Instant now = Instant.parse("2026-11-29T12:00:00Z");
  volatile Runnable onRead = () -> {};

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    onRead.run();
    return now;
  }
}
