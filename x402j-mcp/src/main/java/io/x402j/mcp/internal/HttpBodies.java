package io.x402j.mcp.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * A response body for an agent: UTF-8 text when it is text, else base64, and at most a given number
 * of bytes, the cut stated.
 */
final class HttpBodies {
  private HttpBodies() {}

  /**
   * Puts {@code body}, {@code bodyEncoding}, {@code bodyBytes} and a truncation note in {@code
   * out}.
   */
  static void describe(byte[] body, String contentType, int maxBytes, Map<String, Object> out) {
    byte[] bytes = body == null ? new byte[0] : body;
    out.put("bodyBytes", bytes.length);
    boolean truncated = bytes.length > maxBytes;
    String text = binary(contentType) ? null : utf8(bytes);
    if (text != null) {
      int cut = Math.min(bytes.length, maxBytes);
      // Never split a UTF-8 sequence: back off to the start of the character at the cut.
      while (truncated && cut > 0 && (bytes[cut] & 0xC0) == 0x80) {
        cut--;
      }
      out.put("bodyEncoding", "text");
      out.put("body", truncated ? new String(bytes, 0, cut, StandardCharsets.UTF_8) : text);
      if (truncated) {
        out.put(
            "bodyNote", "truncated: the first " + cut + " of " + bytes.length + " bytes are shown");
      }
    } else {
      int cut = Math.min(bytes.length, maxBytes);
      out.put("bodyEncoding", "base64");
      out.put("body", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, cut)));
      out.put(
          "bodyNote",
          "binary content"
              + (contentType == null ? "" : " (" + contentType + ")")
              + ", base64-encoded"
              + (truncated
                  ? "; truncated: the first " + cut + " of " + bytes.length + " bytes are shown"
                  : ""));
    }
  }

  private static boolean binary(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.toLowerCase(Locale.ROOT).strip();
    return type.startsWith("image/")
        || type.startsWith("audio/")
        || type.startsWith("video/")
        || type.startsWith("font/")
        || type.startsWith("application/octet-stream")
        || type.startsWith("application/pdf")
        || type.startsWith("application/zip")
        || type.startsWith("application/gzip");
  }

  /** The bytes as UTF-8 text, or {@code null} when they are not valid UTF-8 or hold NULs. */
  private static String utf8(byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.indexOf('\0') >= 0 ? null : text;
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
