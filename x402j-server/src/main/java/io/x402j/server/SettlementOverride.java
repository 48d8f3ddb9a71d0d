package io.x402j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.Asset;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.StrictJson;
import io.x402j.core.support.Text;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a handler actually charges for an {@code upto} payment, stated after it ran: at most the
 * ceiling the payer authorised. Three forms, as the official SDK's {@code Settlement-Overrides}
 * response header writes the amount:
 *
 * <ul>
 *   <li>{@code 2500}: atomic units of the token;
 *   <li>{@code $0.0025}: US dollars, converted exactly with the token's decimals (the token must be
 *       a known USD stablecoin; more decimal places than the token has are refused, never rounded);
 *   <li>{@code 50%} or {@code 33.33%}: a percentage of the ceiling with at most two decimal places,
 *       rounded down to an atomic unit, as the official SDK does; above 100% is refused.
 * </ul>
 *
 * Digits are ASCII only; signs, exponents, spaces and anything else are refused with an {@link
 * IllegalArgumentException} that says what is wrong. An amount above the ceiling is refused when it
 * is {@linkplain #resolve resolved}, so a gate never settles more than was authorised. Immutable.
 *
 * <pre>{@code
 * admission.complete(200, SettlementOverride.amount("$0.0025"));
 * }</pre>
 */
public final class SettlementOverride {
  /**
   * The response header in which a handler (or a gateway's upstream) states the amount, as JSON
   * {@code {"amount": "2500"}}. Gates read it and strip it before the payer sees the response.
   */
  public static final String HEADER = "Settlement-Overrides";

  private static final int MAX_LENGTH = 200;
  private static final int MAX_HEADER_LENGTH = 1024;
  private static final Pattern DOLLARS = Pattern.compile("\\$([0-9]+(?:\\.[0-9]+)?)");
  private static final Pattern PERCENT = Pattern.compile("([0-9]{1,3})(?:\\.([0-9]{0,2}))?%");
  private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);
  private static final StrictJson JSON = new StrictJson(MAX_HEADER_LENGTH);

  private enum Form {
    ATOMIC,
    DOLLARS,
    PERCENT
  }

  private final Form form;
  private final String text;
  private final TokenAmount atomic;
  private final BigDecimal dollars;
  private final long basisPoints;

  private SettlementOverride(
      Form form, String text, TokenAmount atomic, BigDecimal dollars, long basisPoints) {
    this.form = form;
    this.text = text;
    this.atomic = atomic;
    this.dollars = dollars;
    this.basisPoints = basisPoints;
  }

  /**
   * Parses an amount in one of the three forms of the class documentation.
   *
   * @throws IllegalArgumentException quoting the amount and saying what is wrong
   */
  public static SettlementOverride amount(String text) {
    if (text == null) {
      throw new IllegalArgumentException("settlement amount is missing");
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          "settlement amount is empty; write atomic units (2500), dollars ($0.0025) or a"
              + " percentage of the ceiling (50%)");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "settlement amount " + Text.quote(text) + " is too long (over " + MAX_LENGTH + ")");
    }
    if (text.charAt(0) == '-' || text.startsWith("$-")) {
      throw new IllegalArgumentException("settlement amount " + Text.quote(text) + " is negative");
    }
    if (text.endsWith("%")) {
      Matcher m = PERCENT.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "settlement amount "
                + Text.quote(text)
                + " is not a percentage: write ASCII digits with at most two decimal places,"
                + " e.g. 50% or 33.33%");
      }
      String fraction = m.group(2) == null ? "" : m.group(2);
      long bp =
          Long.parseLong(m.group(1)) * 100 + Long.parseLong((fraction + "00").substring(0, 2));
      if (bp > 10_000) {
        throw new IllegalArgumentException(
            "settlement amount "
                + Text.quote(text)
                + " is more than 100% of the ceiling the payer authorised");
      }
      return new SettlementOverride(Form.PERCENT, text, null, null, bp);
    }
    if (text.charAt(0) == '$') {
      Matcher m = DOLLARS.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "settlement amount "
                + Text.quote(text)
                + " is not a dollar amount: write $ and ASCII digits, e.g. $0.0025");
      }
      return new SettlementOverride(Form.DOLLARS, text, null, new BigDecimal(m.group(1)), 0);
    }
    try {
      return new SettlementOverride(Form.ATOMIC, text, TokenAmount.parse(text), null, 0);
    } catch (TokenAmount.InvalidAmountException e) {
      throw new IllegalArgumentException(
          "settlement amount "
              + Text.quote(text)
              + " is not atomic units ("
              + e.getMessage()
              + "); write 2500, $0.0025 or 50%",
          e);
    }
  }

  /** An amount in atomic units. */
  public static SettlementOverride atomic(TokenAmount amount) {
    Objects.requireNonNull(amount, "amount");
    return new SettlementOverride(Form.ATOMIC, amount.toString(), amount, null, 0);
  }

  /**
   * An amount in atomic units.
   *
   * @throws IllegalArgumentException when negative
   */
  public static SettlementOverride atomic(long amount) {
    return atomic(TokenAmount.of(amount));
  }

  /**
   * Reads the value of a {@value #HEADER} header: a JSON object whose only member is {@code
   * "amount"}, a string in one of the three forms. {@code {}} states nothing (empty).
   *
   * @throws IllegalArgumentException saying what is wrong: not one JSON object, a duplicate or
   *     unknown key, an amount that is not a string or not an amount
   */
  public static Optional<SettlementOverride> parseHeader(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(HEADER + " header is empty");
    }
    if (value.length() > MAX_HEADER_LENGTH) {
      throw new IllegalArgumentException(
          HEADER + " header is too long (over " + MAX_HEADER_LENGTH + " characters)");
    }
    JsonNode root;
    try {
      root = JSON.parse(value);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          HEADER
              + " header is not valid JSON: "
              + Text.quote(
                  e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          HEADER + " header must be a JSON object such as {\"amount\": \"2500\"}");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!"amount".equals(name)) {
        throw new IllegalArgumentException(
            HEADER + " header has an unknown field " + Text.quote(name) + "; only amount is read");
      }
    }
    JsonNode amount = root.get("amount");
    if (amount == null) {
      return Optional.empty();
    }
    if (!amount.isTextual()) {
      throw new IllegalArgumentException(
          HEADER + " header: amount must be a string such as \"2500\", \"$0.0025\" or \"50%\"");
    }
    return Optional.of(amount(amount.textValue()));
  }

  /**
   * The amount an adapter's handler left in a request attribute or returned: a {@link
   * SettlementOverride}, a {@link TokenAmount} or a whole number ({@link Long}, {@link Integer},
   * {@link BigInteger}) of atomic units, or a {@link CharSequence} in one of the three forms.
   *
   * @throws IllegalArgumentException for any other type or an invalid amount
   */
  public static SettlementOverride of(Object value) {
    if (value instanceof SettlementOverride o) {
      return o;
    }
    if (value instanceof TokenAmount a) {
      return atomic(a);
    }
    if (value instanceof Long || value instanceof Integer) {
      return atomic(TokenAmount.of(((Number) value).longValue()));
    }
    if (value instanceof BigInteger b) {
      return atomic(TokenAmount.of(b));
    }
    if (value instanceof CharSequence text) {
      return amount(text.toString());
    }
    throw new IllegalArgumentException(
        "settlement amount must be a SettlementOverride, TokenAmount, whole number or string, not "
            + (value == null ? "null" : value.getClass().getName()));
  }

  /**
   * The amount a handler stated, in an attribute ({@link #of}) and/or a {@value #HEADER} header
   * value (each may be {@code null}); empty when neither states one.
   *
   * @throws IllegalArgumentException when one is invalid, or both are given and differ
   */
  public static Optional<SettlementOverride> stated(Object attribute, String header) {
    Optional<SettlementOverride> fromAttribute =
        attribute == null ? Optional.empty() : Optional.of(of(attribute));
    Optional<SettlementOverride> fromHeader =
        header == null ? Optional.empty() : parseHeader(header);
    if (fromAttribute.isPresent()
        && fromHeader.isPresent()
        && !fromAttribute.get().equals(fromHeader.get())) {
      throw new IllegalArgumentException(
          "the handler stated two settlement amounts: "
              + Text.quote(fromAttribute.get().text)
              + " and, in the "
              + HEADER
              + " header, "
              + Text.quote(fromHeader.get().text));
    }
    return fromAttribute.isPresent() ? fromAttribute : fromHeader;
  }

  /** This amount as a {@value #HEADER} header value, {@code {"amount":"…"}}. */
  public String toHeader() {
    return "{\"amount\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }

  /**
   * The atomic amount to settle for a payment whose ceiling is {@code ceiling} in {@code asset}.
   *
   * @param asset the token charged, or {@code null} when unknown (then a dollar amount is refused)
   * @throws IllegalArgumentException when the amount exceeds the ceiling, or a dollar amount cannot
   *     be converted exactly (unknown or non-USD token, too many decimal places)
   */
  public TokenAmount resolve(TokenAmount ceiling, Asset asset) {
    Objects.requireNonNull(ceiling, "ceiling");
    TokenAmount result;
    switch (form) {
      case PERCENT:
        result =
            TokenAmount.of(
                ceiling.value().multiply(BigInteger.valueOf(basisPoints)).divide(TEN_THOUSAND));
        break;
      case DOLLARS:
        if (asset == null) {
          throw new IllegalArgumentException(
              "settlement amount "
                  + Text.quote(text)
                  + " is in dollars, but the token's decimals are unknown; give atomic units");
        }
        if (!asset.usdStablecoin()) {
          throw new IllegalArgumentException(
              "settlement amount "
                  + Text.quote(text)
                  + " is in dollars, but "
                  + asset.symbol()
                  + " is not known to be a USD stablecoin; give atomic units");
        }
        try {
          result = TokenAmount.fromUnits(dollars, asset.decimals());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "settlement amount " + Text.quote(text) + ": " + e.getMessage(), e);
        }
        break;
      case ATOMIC:
      default:
        result = atomic;
    }
    if (result.isGreaterThan(ceiling)) {
      throw new IllegalArgumentException(
          "settlement amount "
              + Text.quote(text)
              + " ("
              + result
              + " atomic units) exceeds the "
              + ceiling
              + " the payer authorised");
    }
    return result;
  }

  /** The amount as written. */
  public String text() {
    return text;
  }

  /**
   * Equal when both state the same amount in the same form, by value, not by how it is written:
   * {@code 0100} is {@code 100}, {@code $0.10} is {@code $0.1}, {@code 50.00%} is {@code 50%}.
   * Amounts in different forms are never equal (a dollar amount needs the token to compare).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof SettlementOverride other
        && other.form == form
        && Objects.equals(other.atomic, atomic)
        && (dollars == null ? other.dollars == null : dollars.compareTo(other.dollars) == 0)
        && other.basisPoints == basisPoints;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        form, atomic, dollars == null ? null : dollars.stripTrailingZeros(), basisPoints);
  }

  @Override
  public String toString() {
    return text;
  }
}
