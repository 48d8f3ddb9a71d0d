package io.x402j.core.extensions.bazaar;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code routeTemplate} of a {@code bazaar} declaration: the canonical form of a dynamic route,
 * with {@code :name} for each parameter segment (e.g. {@code /users/:userId}), under which a
 * facilitator catalogues every concrete request of the route. Valid, as the spec's {@code
 * isValidRouteTemplate}, when it starts with {@code /}, uses only {@code a-z A-Z 0-9 _ / : . - ~
 * %}, and, once fully percent-decoded (at most five passes, each well-formed UTF-8), contains
 * neither {@code ..} nor {@code ://}.
 */
public final class RouteTemplate {
  private static final Pattern SHAPE = Pattern.compile("^/[a-zA-Z0-9_/:.\\-~%]+$");
  private static final int MAX_DECODE_PASSES = 5;

  private RouteTemplate() {}

  /** Whether {@code value} is a valid route template; {@code null} and empty are not. */
  public static boolean isValid(String value) {
    if (value == null || value.isEmpty() || !SHAPE.matcher(value).matches()) {
      return false;
    }
    Optional<String> decoded = fullyDecoded(value);
    return decoded.isPresent() && !decoded.get().contains("..") && !decoded.get().contains("://");
  }

  /**
   * {@code value} if it is valid.
   *
   * @throws IllegalArgumentException saying why it is not
   */
  public static String require(String value) {
    if (!isValid(value)) {
      throw new IllegalArgumentException(
          "routeTemplate "
              + io.x402j.core.support.Text.quote(value)
              + " is not a route template: it must start with /, use only letters, digits and"
              + " _ / : . - ~ %, and contain no .. or :// even once percent-decoded,"
              + " e.g. /users/:userId");
    }
    return value;
  }

  /** {@code value} percent-decoded until it no longer changes; empty when malformed or endless. */
  private static Optional<String> fullyDecoded(String value) {
    String current = value;
    for (int i = 0; i < MAX_DECODE_PASSES; i++) {
      Optional<String> next = decodeOnce(current);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      if (next.get().equals(current)) {
        return next;
      }
      current = next.get();
    }
    return Optional.empty();
  }

  /** One pass of percent-decoding as JavaScript's {@code decodeURIComponent}, strictly. */
  private static Optional<String> decodeOnce(String s) {
    if (s.indexOf('%') < 0) {
      return Optional.of(s);
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '%') {
        out.append(c);
        i++;
        continue;
      }
      ByteBuffer bytes = ByteBuffer.allocate(s.length());
      while (i < s.length() && s.charAt(i) == '%') {
        if (i + 2 >= s.length()) {
          return Optional.empty();
        }
        int hi = hex(s.charAt(i + 1));
        int lo = hex(s.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        bytes.put((byte) (hi * 16 + lo));
        i += 3;
      }
      bytes.flip();
      try {
        out.append(
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes));
      } catch (CharacterCodingException e) {
        return Optional.empty();
      }
    }
    return Optional.of(out.toString());
  }

  private static int hex(char c) {
    return io.x402j.core.support.Text.hexDigit(c);
  }
}
