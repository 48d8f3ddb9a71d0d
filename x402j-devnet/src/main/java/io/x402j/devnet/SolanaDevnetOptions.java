package io.x402j.devnet;

import java.time.Duration;
import java.util.Objects;

/**
 * How to start a {@link SolanaDevnet}. Immutable; build with {@link #builder()}.
 *
 * <p>By default: a free port of 127.0.0.1 and a new block every 400 ms (as on Solana) besides one
 * per landed transaction.
 */
public final class SolanaDevnetOptions {
  /** Solana's slot time, the default block interval. */
  public static final Duration DEFAULT_SLOT_INTERVAL = Duration.ofMillis(400);

  private final int port;
  private final Duration slotInterval;

  private SolanaDevnetOptions(Builder b) {
    this.port = b.port;
    this.slotInterval = b.slotInterval;
  }

  /** The defaults. */
  public static SolanaDevnetOptions defaults() {
    return builder().build();
  }

  /** Starts options from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port on 127.0.0.1; 0 picks a free one. */
  public int port() {
    return port;
  }

  /**
   * The interval between blocks made by the clock; {@link Duration#ZERO} when only landed
   * transactions and {@link SolanaDevnetControls#warpSlots(long)} make blocks (deterministic slots
   * for tests).
   */
  public Duration slotInterval() {
    return slotInterval;
  }

  /** Builds {@link SolanaDevnetOptions}. */
  public static final class Builder {
    private int port;
    private Duration slotInterval = DEFAULT_SLOT_INTERVAL;

    private Builder() {}

    /** The port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The interval between blocks made by the clock, in whole milliseconds; {@link Duration#ZERO}
     * turns the clock off.
     */
    public Builder slotInterval(Duration slotInterval) {
      Objects.requireNonNull(slotInterval, "slotInterval");
      if (slotInterval.isNegative() || slotInterval.toMillis() > 3_600_000) {
        throw new IllegalArgumentException(
            "slot interval must be between 0 and one hour, got " + slotInterval);
      }
      this.slotInterval = slotInterval;
      return this;
    }

    /** Builds the options. */
    public SolanaDevnetOptions build() {
      return new SolanaDevnetOptions(this);
    }
  }
}
