package io.x402j.core.extensions;

import io.x402j.core.support.Text;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The id of the {@code payment-identifier} extension: a client-chosen idempotency key, 16 to 128
 * characters from {@code A-Z a-z 0-9 _ -} (ASCII only; the specification's pattern {@code
 * ^[a-zA-Z0-9_-]+$}). Ids are compared exactly: the pattern is case-sensitive, so {@code pay_ABC…}
 * and {@code pay_abc…} are two ids, as the official validators treat them; and since only ASCII is
 * allowed, every id has exactly one spelling (no Unicode digit, look-alike letter, space or control
 * character passes {@link #parse}).
 *
 * @param value the id as sent
 */
public record PaymentIdentifier(String value) {
  /** The shortest id, in characters. */
  public static final int MIN_LENGTH = 16;

  /** The longest id, in characters. */
  public static final int MAX_LENGTH = 128;

  /** The prefix {@link #generate()} uses, as the official client does. */
  public static final String DEFAULT_PREFIX = "pay_";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Validates the value. */
  public PaymentIdentifier {
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * Reads an id.
   *
   * @throws IllegalArgumentException naming what is wrong (its length, or the first character that
   *     is not allowed and where), never echoing more than a quoted, shortened value
   */
  public static PaymentIdentifier parse(String value) {
    return new PaymentIdentifier(value);
  }

  /** Whether {@code value} is a valid id. */
  public static boolean isValid(String value) {
    return problem(value) == null;
  }

  /**
   * A new id: {@value #DEFAULT_PREFIX} and 128 random bits as 32 lower-case hex digits, like {@code
   * pay_7d5d747be160e280504c099d984bcfe0} (the official client's form).
   */
  public static PaymentIdentifier generate() {
    return generate(DEFAULT_PREFIX);
  }

  /**
   * A new id: {@code prefix} and 128 random bits as 32 lower-case hex digits.
   *
   * @throws IllegalArgumentException when the prefix makes an invalid id
   */
  public static PaymentIdentifier generate(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return new PaymentIdentifier(prefix + HexFormat.of().formatHex(bytes));
  }

  /** What is wrong with {@code value} as an id, or {@code null} when nothing is. */
  static String problem(String value) {
    if (value == null) {
      return "a payment identifier is required";
    }
    int length = value.length();
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return "a payment identifier must be "
          + MIN_LENGTH
          + " to "
          + MAX_LENGTH
          + " characters, got "
          + length
          + ": "
          + Text.quote(value);
    }
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (!allowed(c)) {
        return "a payment identifier may contain only ASCII letters, digits, '-' and '_';"
            + " character "
            + (i + 1)
            + " (U+"
            + String.format("%04X", (int) c)
            + ") is not allowed: "
            + Text.quote(value);
      }
    }
    return null;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  @Override
  public String toString() {
    return value;
  }
}
