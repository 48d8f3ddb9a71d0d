package io.x402j.core;

import io.x402j.core.support.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An amount of a token in atomic units: an unsigned integer no larger than the uint256 maximum,
 * carried on the wire as a decimal string ({@code "10000"} is one cent of a 6-decimal dollar).
 *
 * <p>Amounts compare and hash by value. {@link #toString()} returns the exact text the amount was
 * parsed from, so a received message re-encodes unchanged.
 */
public final class TokenAmount implements Comparable<TokenAmount> {
  /** 2<sup>256</sup> − 1, the largest amount an EVM token can hold. */
  public static final BigInteger UINT256_MAX =
      BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

  /** Zero atomic units. */
  public static final TokenAmount ZERO = new TokenAmount(BigInteger.ZERO, "0");

  // uint256 max has 78 decimal digits; longer texts are refused before BigInteger sees them.
  private static final int MAX_DIGITS = 78;
  private static final int MAX_TEXT_LENGTH = 128;

  private final BigInteger value;
  private final String text;

  private TokenAmount(BigInteger value, String text) {
    this.value = value;
    this.text = text;
  }

  /** Why a text is not an amount. */
  public enum Problem {
    /** The text is empty. */
    EMPTY,
    /** The text has a minus sign. */
    NEGATIVE,
    /** The text has a decimal point or exponent: atomic amounts are whole numbers. */
    NOT_AN_INTEGER,
    /** The text is not a number at all. */
    NOT_A_NUMBER,
    /** The number is larger than the uint256 maximum. */
    TOO_LARGE
  }

  /** Thrown by {@link #parse} with the reason the text is not an amount. */
  public static final class InvalidAmountException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final Problem problem;

    InvalidAmountException(Problem problem, String message) {
      super(message);
      this.problem = problem;
    }

    /** Why the text is not an amount. */
    public Problem problem() {
      return problem;
    }
  }

  /**
   * Parses the wire form: ASCII decimal digits only (not '１' or '١', which {@link BigInteger} would
   * read), no sign, no decimal point, at most the uint256 maximum.
   *
   * @throws InvalidAmountException naming the text and the problem
   */
  public static TokenAmount parse(String text) {
    Problem problem = check(text);
    if (problem != null) {
      throw new InvalidAmountException(problem, describe(problem, text));
    }
    return new TokenAmount(new BigInteger(text), text);
  }

  /**
   * Returns why {@code text} is not an amount, or {@code null} when it is one.
   *
   * @param text the candidate, may be {@code null}
   */
  public static Problem check(String text) {
    if (text == null || text.isEmpty()) {
      return Problem.EMPTY;
    }
    if (text.length() > MAX_TEXT_LENGTH) {
      return allDigits(text) ? Problem.TOO_LARGE : Problem.NOT_A_NUMBER;
    }
    if (text.charAt(0) == '-') {
      return looksNumeric(text.substring(1)) ? Problem.NEGATIVE : Problem.NOT_A_NUMBER;
    }
    if (!allDigits(text)) {
      return looksNumeric(text) ? Problem.NOT_AN_INTEGER : Problem.NOT_A_NUMBER;
    }
    int first = 0;
    while (first < text.length() - 1 && text.charAt(first) == '0') {
      first++;
    }
    int digits = text.length() - first;
    if (digits > MAX_DIGITS
        || (digits == MAX_DIGITS && new BigInteger(text).compareTo(UINT256_MAX) > 0)) {
      return Problem.TOO_LARGE;
    }
    return null;
  }

  private static String describe(Problem problem, String text) {
    String quoted = Text.quote(text);
    switch (problem) {
      case EMPTY:
        return "amount is empty; expected a decimal string of atomic units such as \"10000\"";
      case NEGATIVE:
        return "amount " + quoted + " is negative; amounts are unsigned atomic units";
      case NOT_AN_INTEGER:
        return "amount "
            + quoted
            + " is not a whole number of atomic units (no decimal point or exponent)";
      case TOO_LARGE:
        return "amount " + quoted + " exceeds the uint256 maximum";
      case NOT_A_NUMBER:
      default:
        String nonAscii = Text.nonAscii(text);
        return "amount "
            + quoted
            + (nonAscii != null
                ? " " + nonAscii + "; amounts are ASCII digits 0-9"
                : " is not a decimal string of atomic units");
    }
  }

  private static boolean allDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return !text.isEmpty();
  }

  // A decimal or exponent number without sign: "1.5", ".5", "1e3". Used only to word the error.
  private static final Pattern DECIMAL_NUMBER =
      Pattern.compile("(?=[.0-9]*[0-9])[0-9]*(\\.[0-9]*)?([eE][-+]?[0-9]+)?");

  private static boolean looksNumeric(String text) {
    return DECIMAL_NUMBER.matcher(text).matches();
  }

  /**
   * Returns the amount with the given value.
   *
   * @throws IllegalArgumentException if the value is negative or above the uint256 maximum
   */
  public static TokenAmount of(BigInteger value) {
    Objects.requireNonNull(value, "value");
    if (value.signum() < 0) {
      throw new IllegalArgumentException("amount " + value + " is negative");
    }
    if (value.compareTo(UINT256_MAX) > 0) {
      throw new IllegalArgumentException("amount " + value + " exceeds the uint256 maximum");
    }
    return new TokenAmount(value, value.toString());
  }

  /** Returns the amount with the given value, which must not be negative. */
  public static TokenAmount of(long value) {
    return of(BigInteger.valueOf(value));
  }

  /**
   * Converts a quantity of whole tokens ({@code 0.01}) to atomic units of a token with {@code
   * decimals} decimal places, exactly.
   *
   * @throws IllegalArgumentException if the quantity is negative, has more decimal places than the
   *     token, or overflows uint256
   */
  public static TokenAmount fromUnits(BigDecimal units, int decimals) {
    Objects.requireNonNull(units, "units");
    if (units.signum() < 0) {
      throw new IllegalArgumentException(
          "amount " + Text.decimal(units) + " is negative; prices must not be negative");
    }
    BigDecimal stripped = units.signum() == 0 ? BigDecimal.ZERO : units.stripTrailingZeros();
    if (stripped.scale() > decimals) {
      throw new IllegalArgumentException(
          "amount "
              + Text.decimal(units)
              + " has "
              + stripped.scale()
              + " decimal places but the token has only "
              + decimals);
    }
    // precision - scale is the number of integer digits; checked before the exponent is written
    // out, so that 1E+999999999 is refused at once instead of being expanded.
    if (stripped.signum() != 0 && (long) stripped.precision() - stripped.scale() + decimals > 78) {
      throw new IllegalArgumentException(
          "amount " + Text.decimal(units) + " exceeds the uint256 maximum in atomic units");
    }
    return of(stripped.movePointRight(decimals).toBigIntegerExact());
  }

  /** The value in atomic units. */
  public BigInteger value() {
    return value;
  }

  /** Whether the amount is zero. */
  public boolean isZero() {
    return value.signum() == 0;
  }

  /** The amount expressed in whole tokens of a token with {@code decimals} decimal places. */
  public BigDecimal toUnits(int decimals) {
    BigDecimal units = new BigDecimal(value, decimals);
    return units.signum() == 0 ? BigDecimal.ZERO : units.stripTrailingZeros();
  }

  /**
   * Returns the sum of this amount and {@code other}.
   *
   * @throws ArithmeticException if the sum exceeds the uint256 maximum
   */
  public TokenAmount plus(TokenAmount other) {
    BigInteger sum = value.add(other.value);
    if (sum.compareTo(UINT256_MAX) > 0) {
      throw new ArithmeticException("sum exceeds the uint256 maximum");
    }
    return new TokenAmount(sum, sum.toString());
  }

  @Override
  public int compareTo(TokenAmount other) {
    return value.compareTo(other.value);
  }

  /** Whether this amount is larger than {@code other}. */
  public boolean isGreaterThan(TokenAmount other) {
    return value.compareTo(other.value) > 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenAmount && ((TokenAmount) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The wire form: the exact decimal text this amount was parsed from. */
  @Override
  public String toString() {
    return text;
  }
}
