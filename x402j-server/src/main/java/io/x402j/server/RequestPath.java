package io.x402j.server;

import io.x402j.core.support.Text;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request's path as it arrived (percent-encoded), accepted only when every server reads it the
 * same way: then the path that is priced is the path that is forwarded and dispatched. Spellings
 * that servers resolve differently are refused, each with the problem named: {@code .} and {@code
 * ..} segments (also encoded, {@code %2e}), empty segments ({@code //}), path parameters ({@code
 * ;x=1}, also {@code %3b}), encoded slashes and backslashes ({@code %2f}, {@code %5c}), raw
 * backslashes, encoded {@code %} ({@code %25}, decoded twice by some), control characters, bad
 * percent-encoding and bytes that are not UTF-8. A trailing slash is kept, not refused. Every
 * adapter of the gate (servlet filter, gateway) reads paths through this.
 */
public sealed interface RequestPath {
  /**
   * A path that means one thing everywhere.
   *
   * @param decoded the percent-decoded path: what routes are matched against
   * @param encoded the same path, percent-encoded canonically: what is forwarded
   */
  record Canonical(String decoded, String encoded) implements RequestPath {}

  /**
   * A path that servers may read differently.
   *
   * @param problem what is wrong with it, for a 400 answer; never quotes the path at length
   */
  record Ambiguous(String problem) implements RequestPath {}

  /** Checks {@code raw}, the path of a request target without its query, as sent. */
  static RequestPath parse(String raw) {
    if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
      return new Ambiguous("the request path must start with /");
    }
    String[] segments = raw.substring(1).split("/", -1);
    StringBuilder decoded = new StringBuilder(raw.length());
    StringBuilder encoded = new StringBuilder(raw.length());
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.isEmpty() && !last) {
        return new Ambiguous("the request path has an empty segment (//)");
      }
      String problem = rawProblem(segment);
      if (problem != null) {
        return new Ambiguous(problem);
      }
      byte[] bytes = new byte[segment.length()];
      int size = 0;
      for (int k = 0; k < segment.length(); k++) {
        char c = segment.charAt(k);
        if (c != '%') {
          bytes[size++] = (byte) c;
          continue;
        }
        int hi = k + 2 < segment.length() ? Text.hexDigit(segment.charAt(k + 1)) : -1;
        int lo = hi >= 0 ? Text.hexDigit(segment.charAt(k + 2)) : -1;
        if (lo < 0) {
          return new Ambiguous("the request path has a malformed percent-encoding (%)");
        }
        bytes[size++] = (byte) (hi * 16 + lo);
        k += 2;
      }
      String text = utf8(bytes, size);
      if (text == null) {
        return new Ambiguous("the request path is not percent-encoded UTF-8");
      }
      problem = decodedProblem(text);
      if (problem != null) {
        return new Ambiguous(problem);
      }
      decoded.append('/').append(text);
      encoded.append('/').append(encode(text));
    }
    return new Canonical(decoded.toString(), encoded.toString());
  }

  private static String rawProblem(String segment) {
    for (int k = 0; k < segment.length(); k++) {
      char c = segment.charAt(k);
      if (c == ';') {
        return "the request path has a path parameter (;)";
      }
      if (c == '\\') {
        return "the request path has a backslash";
      }
      if (c <= 0x20 || c >= 0x7f) {
        return "the request path has a character that must be percent-encoded";
      }
    }
    return null;
  }

  private static String decodedProblem(String segment) {
    if (segment.equals(".") || segment.equals("..")) {
      return "the request path has a dot segment (" + segment + ")";
    }
    for (int k = 0; k < segment.length(); k++) {
      char c = segment.charAt(k);
      switch (c) {
        case '/':
          return "the request path has an encoded slash (%2F)";
        case '\\':
          return "the request path has an encoded backslash (%5C)";
        case ';':
          return "the request path has an encoded semicolon (%3B)";
        case '%':
          return "the request path has an encoded percent sign (%25)";
        default:
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
            return "the request path has an encoded control character";
          }
      }
    }
    return null;
  }

  private static String utf8(byte[] bytes, int size) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, size));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Percent-encodes all but the characters a path segment may hold as they are (RFC 3986). */
  private static String encode(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || "-._~!$&'()*+,=:@".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
