package io.x402j.client;

import io.x402j.client.internal.Hosts;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.Text;
import io.x402j.evm.EvmAddress;
import io.x402j.svm.SolanaAddress;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>A {@link Payer} needs them given explicitly: {@link #unlimited()} says in so many words that
 * whatever a server asks is paid. Tokens and recipients are compared as parsed addresses, hosts in
 * their canonical form (lower case, punycode, no trailing dot), so no other spelling slips past a
 * limit. A per-host budget applies to the host that answered the 402, whatever host the server
 * names in its answer, and to every port of it.
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

  /** No limits at all: every payment a server asks for is made, whatever its amount. */
  public static SpendControls unlimited() {
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
    String asset = PlannedPayment.address(r.asset());
    if (!allowAssets.isEmpty() || !denyAssets.isEmpty()) {
      Optional<String> parsed = parse(r.asset());
      if (parsed.isEmpty()) {
        return Optional.of("token " + asset + " is not an address the token limits can check");
      }
      if (!allowAssets.isEmpty() && !allowAssets.contains(parsed.get())) {
        return Optional.of("token " + asset + " is not among the allowed tokens");
      }
      if (denyAssets.contains(parsed.get())) {
        return Optional.of("token " + asset + " is denied");
      }
    }
    String payTo = PlannedPayment.address(r.payTo());
    if (!allowRecipients.isEmpty() || !denyRecipients.isEmpty()) {
      Optional<String> parsed = parse(r.payTo());
      if (parsed.isEmpty()) {
        return Optional.of(
            "recipient " + payTo + " is not an address the recipient limits can check");
      }
      if (!allowRecipients.isEmpty() && !allowRecipients.contains(parsed.get())) {
        return Optional.of("recipient " + payTo + " is not among the allowed recipients");
      }
      if (denyRecipients.contains(parsed.get())) {
        return Optional.of("recipient " + payTo + " is denied");
      }
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
                + asset
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
              + asset
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

  private static Optional<String> parse(String address) {
    try {
      return Optional.of(addressKey(address));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The canonical identity of an address given to or met by the limits: an EVM address ({@code 0x}
   * and 40 hex digits, any letter case) or a base58 Solana address, each compared by its parsed
   * value.
   *
   * @throws IllegalArgumentException if the text is neither
   */
  static String addressKey(String text) {
    if (text.startsWith("0x") || text.startsWith("0X")) {
      return "evm|" + EvmAddress.parse(text).toLowerHex();
    }
    try {
      return "svm|" + SolanaAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          Text.quote(text)
              + " is neither an EVM address (0x and 40 hex digits) nor a Solana address ("
              + e.getMessage()
              + ")",
          e);
    }
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

    /**
     * Only these tokens (EVM addresses or Solana mints).
     *
     * @throws IllegalArgumentException if one is not an address
     */
    public Builder allowAssets(String... assets) {
      return addresses(allowAssets, assets, "allowAssets");
    }

    /**
     * Never these tokens.
     *
     * @throws IllegalArgumentException if one is not an address
     */
    public Builder denyAssets(String... assets) {
      return addresses(denyAssets, assets, "denyAssets");
    }

    /**
     * Only these recipients (EVM addresses or Solana owners).
     *
     * @throws IllegalArgumentException if one is not an address
     */
    public Builder allowRecipients(String... recipients) {
      return addresses(allowRecipients, recipients, "allowRecipients");
    }

    /**
     * Never these recipients.
     *
     * @throws IllegalArgumentException if one is not an address
     */
    public Builder denyRecipients(String... recipients) {
      return addresses(denyRecipients, recipients, "denyRecipients");
    }

    private Builder addresses(Set<String> into, String[] addresses, String what) {
      for (String a : addresses) {
        try {
          into.add(addressKey(a.strip()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
      }
      return this;
    }

    /** At most {@code dollars} within any {@code window}, e.g. {@code "5", Duration.ofDays(1)}. */
    public Builder budgetUsd(String dollars, Duration window) {
      this.budget = new Budget(dollars(dollars, "budgetUsd"), window);
      return this;
    }

    /**
     * At most {@code dollars} to {@code host} within any {@code window}: a host name or address
     * without scheme or port ({@code api.example.com}, {@code bücher.example}), compared in its
     * canonical form with the host that answered the 402.
     *
     * @throws IllegalArgumentException if {@code host} is not a host name or address
     */
    public Builder hostBudgetUsd(String host, String dollars, Duration window) {
      String canonical;
      try {
        canonical = Hosts.canonical(host);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("hostBudgetUsd: " + e.getMessage());
      }
      hostBudgets.put(canonical, new Budget(dollars(dollars, "hostBudgetUsd"), window));
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
            what + " must be a non-negative dollar amount such as 0.10, got " + Text.quote(text));
      }
    }

    /** The limits. */
    public SpendControls build() {
      return new SpendControls(this);
    }
  }
}
