package io.x402j.core;

import io.x402j.core.support.Text;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A price as people write it, converted exactly to atomic units of a token by {@link
 * #toAtomic(Asset)}. Never floating point.
 *
 * <p>{@link #parse(String)} accepts:
 *
 * <ul>
 *   <li>{@code $0.01} or {@code 0.01 USD}: US dollars, payable in a USD stablecoin;
 *   <li>{@code 0.01 USDC}: whole tokens of the named token;
 *   <li>{@code 0.01}: whole tokens of whatever token is charged (for a USD stablecoin, dollars, as
 *       the official SDKs read it);
 *   <li>{@code 10000}: a whole number without a decimal point or symbol is atomic units.
 * </ul>
 *
 * Negative amounts, scientific notation, more decimal places than the token has, amounts above
 * uint256 and anything else are refused with an {@link IllegalArgumentException} that quotes the
 * price.
 */
public final class Price {
  /** How the number of a price is to be read. */
  public enum Unit {
    /** US dollars. */
    USD,
    /** Whole tokens (possibly of a named token). */
    TOKENS,
    /** Atomic units. */
    ATOMIC
  }

  private static final int MAX_LENGTH = 100;
  private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
  private static final Pattern DOLLARS = Pattern.compile("\\$\\s*" + NUMBER);
  private static final Pattern WITH_SYMBOL =
      Pattern.compile(NUMBER + "\\s+([A-Za-z][A-Za-z0-9.]{0,15})");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+\\.[0-9]+");
  private static final Pattern INTEGER = Pattern.compile("[0-9]+");
  private static final Pattern SCIENTIFIC = Pattern.compile("\\$?\\s*[0-9.]+[eE][-+]?[0-9]+.*");

  private final Unit unit;
  private final BigDecimal quantity;
  private final String symbol;
  private final TokenAmount atomic;
  private final String text;

  private Price(Unit unit, BigDecimal quantity, String symbol, TokenAmount atomic, String text) {
    this.unit = unit;
    this.quantity = quantity;
    this.symbol = symbol;
    this.atomic = atomic;
    this.text = text;
  }

  /**
   * Parses a price written as described in the class documentation.
   *
   * @throws IllegalArgumentException quoting the price and saying what is wrong
   */
  public static Price parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("price is missing");
    }
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("price is empty; write e.g. $0.01, 0.01 USDC or 10000");
    }
    if (t.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "price " + Text.quote(t) + " is too long (over " + MAX_LENGTH + " characters)");
    }
    if (t.startsWith("-") || t.startsWith("$-") || t.matches("\\$\\s+-.*")) {
      throw new IllegalArgumentException("price " + Text.quote(t) + " is negative");
    }
    if (SCIENTIFIC.matcher(t).matches()) {
      throw new IllegalArgumentException(
          "price " + Text.quote(t) + " uses scientific notation; write the decimal digits");
    }
    Matcher m = DOLLARS.matcher(t);
    if (m.matches()) {
      return new Price(Unit.USD, new BigDecimal(m.group(1)), null, null, t);
    }
    m = WITH_SYMBOL.matcher(t);
    if (m.matches()) {
      String sym = m.group(2).toUpperCase(Locale.ROOT);
      BigDecimal q = new BigDecimal(m.group(1));
      if ("USD".equals(sym)) {
        return new Price(Unit.USD, q, null, null, t);
      }
      return new Price(Unit.TOKENS, q, sym, null, t);
    }
    if (DECIMAL.matcher(t).matches()) {
      return new Price(Unit.TOKENS, new BigDecimal(t), null, null, t);
    }
    if (INTEGER.matcher(t).matches()) {
      try {
        return new Price(Unit.ATOMIC, null, null, TokenAmount.parse(t), t);
      } catch (TokenAmount.InvalidAmountException e) {
        throw new IllegalArgumentException(
            "price " + Text.quote(t) + " exceeds the uint256 maximum", e);
      }
    }
    throw new IllegalArgumentException(
        "price "
            + Text.quote(t)
            + " is not a price; write $0.01, 0.01 USDC, 0.01 (whole tokens) or 10000 (atomic units)");
  }

  /** A price in US dollars, e.g. {@code usd("0.01")}. */
  public static Price usd(String dollars) {
    Objects.requireNonNull(dollars, "dollars");
    return parse("$" + dollars.strip());
  }

  /** A price in US dollars. */
  public static Price usd(BigDecimal dollars) {
    requireNonNegative(dollars);
    return new Price(Unit.USD, dollars, null, null, "$" + Text.decimal(dollars));
  }

  /** A price in whole tokens of the token with {@code symbol} (any token when {@code null}). */
  public static Price tokens(BigDecimal quantity, String symbol) {
    requireNonNegative(quantity);
    String sym = symbol == null ? null : symbol.toUpperCase(Locale.ROOT);
    return new Price(
        Unit.TOKENS, quantity, sym, null, Text.decimal(quantity) + (sym == null ? "" : " " + sym));
  }

  /** A price in atomic units. */
  public static Price atomic(TokenAmount amount) {
    Objects.requireNonNull(amount, "amount");
    return new Price(Unit.ATOMIC, null, null, amount, amount.toString());
  }

  /** A price in atomic units. */
  public static Price atomic(long amount) {
    return atomic(TokenAmount.of(amount));
  }

  private static void requireNonNegative(BigDecimal value) {
    Objects.requireNonNull(value, "amount");
    if (value.signum() < 0) {
      throw new IllegalArgumentException("price " + Text.decimal(value) + " is negative");
    }
  }

  /** How the number is to be read. */
  public Unit unit() {
    return unit;
  }

  /** The token symbol a {@link Unit#TOKENS} price names, if any. */
  public Optional<String> symbol() {
    return Optional.ofNullable(symbol);
  }

  /**
   * The price in atomic units of {@code asset}, exactly.
   *
   * @throws IllegalArgumentException quoting the price when it cannot be charged in this asset:
   *     dollars in a token that is not a USD stablecoin, another token's symbol, more decimal
   *     places than the token has, or more than uint256
   */
  public TokenAmount toAtomic(Asset asset) {
    Objects.requireNonNull(asset, "asset");
    switch (unit) {
      case ATOMIC:
        return atomic;
      case USD:
        if (!asset.usdStablecoin()) {
          throw new IllegalArgumentException(
              "price "
                  + Text.quote(text)
                  + " is in US dollars, but "
                  + asset.symbol()
                  + " ("
                  + asset.address()
                  + ") is not known to be a USD stablecoin; give the price in atomic units");
        }
        return convert(asset);
      case TOKENS:
      default:
        if (symbol != null && !symbol.equalsIgnoreCase(asset.symbol())) {
          throw new IllegalArgumentException(
              "price "
                  + Text.quote(text)
                  + " is in "
                  + symbol
                  + " but the asset is "
                  + asset.symbol());
        }
        return convert(asset);
    }
  }

  private TokenAmount convert(Asset asset) {
    int places = quantity.signum() == 0 ? 0 : Math.max(0, quantity.stripTrailingZeros().scale());
    if (places > asset.decimals()) {
      throw new IllegalArgumentException(
          "price "
              + Text.quote(text)
              + " has "
              + places
              + " decimal places but "
              + asset.symbol()
              + " has only "
              + asset.decimals());
    }
    try {
      return TokenAmount.fromUnits(quantity, asset.decimals());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "price " + Text.quote(text) + " exceeds the uint256 maximum in atomic units", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Price)) {
      return false;
    }
    Price other = (Price) o;
    return unit == other.unit
        && Objects.equals(symbol, other.symbol)
        && Objects.equals(atomic, other.atomic)
        && (quantity == null
            ? other.quantity == null
            : other.quantity != null && quantity.compareTo(other.quantity) == 0);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        unit, symbol, atomic, quantity == null ? null : quantity.stripTrailingZeros());
  }

  /** The price as written. */
  @Override
  public String toString() {
    return text;
  }
}
