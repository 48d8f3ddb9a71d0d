package io.x402j.client;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Limits on what a client pays, checked before anything is signed: a maximum per payment (in atomic
 * units, and in dollars for USD stablecoins), allowed and denied networks, tokens and recipients,
 * and dollar budgets per time window, overall and per host. Each refusal says which limit and by
 * how much. Immutable.
 *
 * <pre>{@code
 * SpendControls.builder()
 *     .maxPerPaymentUsd("0.10")
 *     .budgetUsd("5.00", Duration.ofDays(1))
 *     .allowNetworks(Network.evm(8453))
 *     .build()
 * }</pre>
 */
public final class SpendControls {
  private final TokenAmount maxPerPayment;
  private final BigDecimal maxPerPaymentUsd;
  private final Set<Network> allowNetworks;
  private final Set<Network> denyNetworks;
  private final Set<String> allowAssets;
  private final Set<String> denyAssets;
  private final Set<String> allowRecipients;
  private final Set<String> denyRecipients;
  private final Budget budget;
  private final Map<String, Budget> hostBudgets;

  /**
   * Dollars that may be spent within a rolling window.
   *
   * @param usd the amount
   * @param window the window
   */
  public record Budget(BigDecimal usd, Duration window) {
    /** Validates the fields. */
    public Budget {
      Objects.requireNonNull(usd, "usd");
      Objects.requireNonNull(window, "window");
      if (usd.signum() < 0) {
        throw new IllegalArgumentException("a budget cannot be negative, got " + usd);
      }
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("a budget window must be positive, got " + window);
      }
    }
  }

  private SpendControls(Builder b) {
    this.maxPerPayment = b.maxPerPayment;
    this.maxPerPaymentUsd = b.maxPerPaymentUsd;
    this.allowNetworks = Set.copyOf(b.allowNetworks);
    this.denyNetworks = Set.copyOf(b.denyNetworks);
    this.allowAssets = Set.copyOf(b.allowAssets);
    this.denyAssets = Set.copyOf(b.denyAssets);
    this.allowRecipients = Set.copyOf(b.allowRecipients);
    this.denyRecipients = Set.copyOf(b.denyRecipients);
    this.budget = b.budget;
    this.hostBudgets = Map.copyOf(b.hostBudgets);
  }

  /** No limits at all. */
  public static SpendControls none() {
    return builder().build();
  }

  /** Starts building limits. */
  public static Builder builder() {
    return new Builder();
  }

  /** Why {@code payment} may not be made, ignoring budgets; empty when it may. */
  public Optional<String> refusal(PlannedPayment payment) {
    var r = payment.requirements();
    if (!allowNetworks.isEmpty() && !allowNetworks.contains(r.network())) {
      return Optional.of("network " + r.network() + " is not among the allowed networks");
    }
    if (denyNetworks.contains(r.network())) {
      return Optional.of("network " + r.network() + " is denied");
    }
    String asset = r.asset().toLowerCase(Locale.ROOT);
    if (!allowAssets.isEmpty() && !allowAssets.contains(asset)) {
      return Optional.of("token " + r.asset() + " is not among the allowed tokens");
    }
    if (denyAssets.contains(asset)) {
      return Optional.of("token " + r.asset() + " is denied");
    }
    String payTo = r.payTo().toLowerCase(Locale.ROOT);
    if (!allowRecipients.isEmpty() && !allowRecipients.contains(payTo)) {
      return Optional.of("recipient " + r.payTo() + " is not among the allowed recipients");
    }
    if (denyRecipients.contains(payTo)) {
      return Optional.of("recipient " + r.payTo() + " is denied");
    }
    if (maxPerPayment != null && r.amount().compareTo(maxPerPayment) > 0) {
      return Optional.of(
          r.amount() + " atomic units exceed the maximum of " + maxPerPayment + " per payment");
    }
    Optional<BigDecimal> usd = payment.usd();
    if (maxPerPaymentUsd != null) {
      if (usd.isEmpty()) {
        return Optional.of(
            "token "
                + r.asset()
                + " on "
                + r.network()
                + " is not a known USD stablecoin, so the dollar limit per payment cannot be"
                + " applied");
      }
      if (usd.get().compareTo(maxPerPaymentUsd) > 0) {
        return Optional.of(
            "$"
                + usd.get().toPlainString()
                + " exceeds the maximum of $"
                + maxPerPaymentUsd.toPlainString()
                + " per payment");
      }
    }
    if ((budget != null || hostBudgets.containsKey(payment.host())) && usd.isEmpty()) {
      return Optional.of(
          "token "
              + r.asset()
              + " is not a known USD stablecoin, so it cannot count against a"
              + " dollar budget");
    }
    return Optional.empty();
  }

  /** Why {@code payment} would exceed a budget given what {@code log} holds; empty when not. */
  public Optional<String> budgetRefusal(PlannedPayment payment, SpendLog log, Instant now) {
    BigDecimal usd = payment.usd().orElse(BigDecimal.ZERO);
    if (budget != null) {
      BigDecimal spent = log.usdSince(now.minus(budget.window()), null);
      if (spent.add(usd).compareTo(budget.usd()) > 0) {
        return Optional.of(
            "$"
                + usd.toPlainString()
                + " would exceed the budget of $"
                + budget.usd().toPlainString()
                + " per "
                + human(budget.window())
                + " ($"
                + spent.toPlainString()
                + " spent)");
      }
    }
    Budget host = hostBudgets.get(payment.host());
    if (host != null) {
      BigDecimal spent = log.usdSince(now.minus(host.window()), payment.host());
      if (spent.add(usd).compareTo(host.usd()) > 0) {
        return Optional.of(
            "$"
                + usd.toPlainString()
                + " would exceed the budget of $"
                + host.usd().toPlainString()
                + " per "
                + human(host.window())
                + " for "
                + payment.host()
                + " ($"
                + spent.toPlainString()
                + " spent)");
      }
    }
    return Optional.empty();
  }

  private static String human(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() == 1 ? "day" : d.toDays() + " days";
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() == 1 ? "hour" : d.toHours() + " hours";
    }
    if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
      return d.toMinutes() == 1 ? "minute" : d.toMinutes() + " minutes";
    }
    return d.toSeconds() + " s";
  }

  /** Builds {@link SpendControls}. */
  public static final class Builder {
    private TokenAmount maxPerPayment;
    private BigDecimal maxPerPaymentUsd;
    private final Set<Network> allowNetworks = new HashSet<>();
    private final Set<Network> denyNetworks = new HashSet<>();
    private final Set<String> allowAssets = new HashSet<>();
    private final Set<String> denyAssets = new HashSet<>();
    private final Set<String> allowRecipients = new HashSet<>();
    private final Set<String> denyRecipients = new HashSet<>();
    private Budget budget;
    private final Map<String, Budget> hostBudgets = new LinkedHashMap<>();

    private Builder() {}

    /** The most one payment may be, in atomic units of whatever token. */
    public Builder maxPerPayment(TokenAmount atomic) {
      this.maxPerPayment = Objects.requireNonNull(atomic, "atomic");
      return this;
    }

    /**
     * The most one payment may be in dollars, e.g. {@code "0.10"}; payments in tokens that are not
     * known USD stablecoins are then refused.
     */
    public Builder maxPerPaymentUsd(String dollars) {
      this.maxPerPaymentUsd = dollars(dollars, "maxPerPaymentUsd");
      return this;
    }

    /** Only these networks. */
    public Builder allowNetworks(Network... networks) {
      allowNetworks.addAll(List.of(networks));
      return this;
    }

    /** Never these networks. */
    public Builder denyNetworks(Network... networks) {
      denyNetworks.addAll(List.of(networks));
      return this;
    }

    /** Only these tokens (addresses). */
    public Builder allowAssets(String... assets) {
      for (String a : assets) {
        allowAssets.add(a.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Never these tokens. */
    public Builder denyAssets(String... assets) {
      for (String a : assets) {
        denyAssets.add(a.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Only these recipients. */
    public Builder allowRecipients(String... recipients) {
      for (String r : recipients) {
        allowRecipients.add(r.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Never these recipients. */
    public Builder denyRecipients(String... recipients) {
      for (String r : recipients) {
        denyRecipients.add(r.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** At most {@code dollars} within any {@code window}, e.g. {@code "5", Duration.ofDays(1)}. */
    public Builder budgetUsd(String dollars, Duration window) {
      this.budget = new Budget(dollars(dollars, "budgetUsd"), window);
      return this;
    }

    /** At most {@code dollars} to {@code host} within any {@code window}. */
    public Builder hostBudgetUsd(String host, String dollars, Duration window) {
      hostBudgets.put(
          host.toLowerCase(Locale.ROOT), new Budget(dollars(dollars, "hostBudgetUsd"), window));
      return this;
    }

    private static BigDecimal dollars(String text, String what) {
      String t = text.strip();
      if (t.startsWith("$")) {
        t = t.substring(1);
      }
      try {
        BigDecimal value = new BigDecimal(t);
        if (value.signum() < 0) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            what + " must be a non-negative dollar amount such as 0.10, got " + text);
      }
    }

    /** The limits. */
    public SpendControls build() {
      return new SpendControls(this);
    }
  }
}
