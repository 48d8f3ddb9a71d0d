package io.x402j.core.testing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Other spellings of one exact-scheme payment, as an attacker writes them: a digit of a hex value
 * as a full-width or Arabic-Indic digit (which {@code Character.digit} reads as the same digit),
 * hex in upper case, a signature's {@code v} as 0/1 instead of 27/28, a decimal with a leading
 * zero.
 */
public final class Spellings {
  private Spellings() {}

  /** {@code hex} with its first ASCII digit after {@code 0x} as a full-width digit ('１'). */
  public static String fullWidthDigit(String hex) {
    return replaceFirstDigit(hex, '\uff10');
  }

  /** {@code hex} with its first ASCII digit after {@code 0x} as an Arabic-Indic digit ('١'). */
  public static String arabicIndicDigit(String hex) {
    return replaceFirstDigit(hex, '\u0660');
  }

  /** {@code hex} with its first ASCII digit after {@code 0x} as a Devanagari digit ('१'). */
  public static String devanagariDigit(String hex) {
    return replaceFirstDigit(hex, '\u0966');
  }

  private static String replaceFirstDigit(String hex, char zero) {
    for (int i = 2; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (c >= '0' && c <= '9') {
        return hex.substring(0, i) + (char) (zero + (c - '0')) + hex.substring(i + 1);
      }
    }
    throw new IllegalArgumentException("no ASCII digit to replace in " + hex);
  }

  /** {@code 0x} and the digits of {@code hex} in upper case. */
  public static String upperHex(String hex) {
    return "0x" + hex.substring(2).toUpperCase(Locale.ROOT);
  }

  /** A 65-byte signature with {@code v} written as the recovery id (0 or 1) instead of 27/28. */
  public static String recoveryIdV(String signature) {
    String v = signature.substring(signature.length() - 2);
    String id =
        switch (v.toLowerCase(Locale.ROOT)) {
          case "1b" -> "00";
          case "1c" -> "01";
          default -> throw new IllegalArgumentException("v is not 27 or 28: " + v);
        };
    return signature.substring(0, signature.length() - 2) + id;
  }

  /** A copy of an exact payload with {@code authorization.<field>} respelled by {@code how}. */
  public static Map<String, Object> authorization(
      Map<String, Object> payload, String field, UnaryOperator<String> how) {
    @SuppressWarnings("unchecked")
    Map<String, Object> a = new LinkedHashMap<>((Map<String, Object>) payload.get("authorization"));
    a.put(field, how.apply((String) a.get(field)));
    Map<String, Object> copy = new LinkedHashMap<>(payload);
    copy.put("authorization", a);
    return copy;
  }

  /** A copy of an exact payload with its signature respelled by {@code how}. */
  public static Map<String, Object> signature(
      Map<String, Object> payload, UnaryOperator<String> how) {
    Map<String, Object> copy = new LinkedHashMap<>(payload);
    copy.put("signature", how.apply((String) payload.get("signature")));
    return copy;
  }
}
