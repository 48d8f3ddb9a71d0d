package io.x402j.server;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.Price;
import io.x402j.core.support.JsonValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One way to pay for a route: a scheme on a network, a price, and a recipient. The price and the
 * recipient are fixed, or computed per request. Immutable.
 *
 * <pre>{@code
 * PaymentOption.builder(Network.evm(8453)).price("$0.001").payTo("0xSeller…").build()
 * }</pre>
 */
public final class PaymentOption {
  /** The usage-based scheme: the price is a ceiling, the handler says what it used. */
  public static final String UPTO = "upto";

  private final String scheme;
  private final Network network;
  private final Price fixedPrice;
  private final Function<GateRequest, Price> price;
  private final String fixedPayTo;
  private final Function<GateRequest, String> payTo;
  private final Asset asset;
  private final int maxTimeoutSeconds;
  private final Map<String, Object> extra;

  private PaymentOption(Builder b) {
    this.scheme = b.scheme;
    this.network = b.network;
    this.fixedPrice = b.fixedPrice;
    this.price = b.price;
    this.fixedPayTo = b.fixedPayTo;
    this.payTo = b.payTo;
    this.asset = b.asset;
    this.maxTimeoutSeconds = b.maxTimeoutSeconds;
    this.extra = JsonValues.canonicalObjectOrEmpty(b.extra, "extra");
  }

  /** Starts an option on {@code network} (scheme {@code exact}, 60 s to pay). */
  public static Builder builder(Network network) {
    return new Builder(network);
  }

  /** The scheme, {@code exact} by default. */
  public String scheme() {
    return scheme;
  }

  /** The network. */
  public Network network() {
    return network;
  }

  /** The price, when it does not depend on the request. */
  public Optional<Price> fixedPrice() {
    return Optional.ofNullable(fixedPrice);
  }

  /** The price of {@code request}. */
  public Price price(GateRequest request) {
    return fixedPrice != null ? fixedPrice : price.apply(request);
  }

  /** The recipient, when it does not depend on the request. */
  public Optional<String> fixedPayTo() {
    return Optional.ofNullable(fixedPayTo);
  }

  /** The recipient for {@code request}. */
  public String payTo(GateRequest request) {
    return fixedPayTo != null ? fixedPayTo : payTo.apply(request);
  }

  /** The token, when given explicitly; otherwise the price names it or the network's default. */
  public Optional<Asset> asset() {
    return Optional.ofNullable(asset);
  }

  /** How long the payer has to pay, in seconds. */
  public int maxTimeoutSeconds() {
    return maxTimeoutSeconds;
  }

  /** Fields added to the requirement's {@code extra}. */
  public Map<String, Object> extra() {
    return extra;
  }

  @Override
  public String toString() {
    return scheme
        + " on "
        + network
        + " for "
        + (fixedPrice != null ? fixedPrice : "a price per request")
        + " to "
        + (fixedPayTo != null ? fixedPayTo : "a recipient per request");
  }

  /** Builds a {@link PaymentOption}. */
  public static final class Builder {
    private String scheme = "exact";
    private final Network network;
    private Price fixedPrice;
    private Function<GateRequest, Price> price;
    private String fixedPayTo;
    private Function<GateRequest, String> payTo;
    private Asset asset;
    private int maxTimeoutSeconds = 60;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    private Builder(Network network) {
      this.network = Objects.requireNonNull(network, "network");
    }

    /** The scheme (default {@code exact}). */
    public Builder scheme(String scheme) {
      this.scheme = Objects.requireNonNull(scheme, "scheme");
      return this;
    }

    /**
     * Usage-based: scheme {@code upto} with {@code ceiling} as the most the payer authorises
     * ({@code $0.10}, {@code 0.1 USDC} or atomic units). The handler then states what it used (see
     * {@link Admission#complete(int, SettlementOverride)}); stating nothing charges the whole
     * ceiling.
     *
     * @throws IllegalArgumentException quoting a ceiling that does not parse
     */
    public Builder upto(String ceiling) {
      return scheme(UPTO).price(ceiling);
    }

    /**
     * A fixed price: {@code $0.01}, {@code 0.01 USDC}, or a whole number of atomic units.
     *
     * @throws IllegalArgumentException quoting a price that does not parse
     */
    public Builder price(String price) {
      return price(Price.parse(price));
    }

    /** A fixed price. */
    public Builder price(Price price) {
      this.fixedPrice = Objects.requireNonNull(price, "price");
      this.price = null;
      return this;
    }

    /** A price computed for each request (called for the 402 and again for the payment). */
    public Builder price(Function<GateRequest, Price> price) {
      this.price = Objects.requireNonNull(price, "price");
      this.fixedPrice = null;
      return this;
    }

    /** A fixed recipient. */
    public Builder payTo(String payTo) {
      this.fixedPayTo = Objects.requireNonNull(payTo, "payTo");
      this.payTo = null;
      return this;
    }

    /** A recipient chosen per request. */
    public Builder payTo(Function<GateRequest, String> payTo) {
      this.payTo = Objects.requireNonNull(payTo, "payTo");
      this.fixedPayTo = null;
      return this;
    }

    /**
     * The token to charge in, for one the network registry does not know or is not the default. A
     * bare whole-number price is then atomic units of it; a dollar price needs it to be a USD
     * stablecoin.
     */
    public Builder asset(Asset asset) {
      this.asset = Objects.requireNonNull(asset, "asset");
      return this;
    }

    /** How long the payer has to pay (default 60 s). */
    public Builder maxTimeoutSeconds(int seconds) {
      if (seconds <= 0) {
        throw new IllegalArgumentException("maxTimeoutSeconds must be positive, got " + seconds);
      }
      this.maxTimeoutSeconds = seconds;
      return this;
    }

    /** Adds a field to the requirement's {@code extra}. */
    public Builder extra(String key, Object value) {
      extra.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /**
     * The option.
     *
     * @throws IllegalStateException without a price or a recipient
     */
    public PaymentOption build() {
      if (fixedPrice == null && price == null) {
        throw new IllegalStateException("payment option on " + network + " needs a price");
      }
      if (fixedPayTo == null && payTo == null) {
        throw new IllegalStateException("payment option on " + network + " needs payTo");
      }
      return new PaymentOption(this);
    }
  }
}
