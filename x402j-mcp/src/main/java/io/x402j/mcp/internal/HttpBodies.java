package io.x402j.mcp.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A response body for an agent: UTF-8 text when it is text, else base64, and at most a given number
 * of bytes, the cut stated.
 */
final class HttpBodies {
  private HttpBodies() {}

  /**
   * Puts {@code body}, {@code bodyEncoding}, {@code bodyBytes} (when known) and a truncation note
   * in {@code out}. {@code kept} holds the body, or its first bytes when it was longer than {@code
   * maxBytes} (then it holds more than {@code maxBytes}) or did not end in time ({@code timedOut}).
   */
  static void describe(
      byte[] kept,
      String contentType,
      OptionalLong declaredLength,
      boolean timedOut,
      int maxBytes,
      Map<String, Object> out) {
    byte[] bytes = kept == null ? new byte[0] : kept;
    boolean longer = bytes.length > maxBytes;
    boolean truncated = longer || timedOut;
    OptionalLong total =
        !truncated
            ? OptionalLong.of(bytes.length)
            : declaredLength.isPresent() && declaredLength.getAsLong() > bytes.length
                ? declaredLength
                : OptionalLong.empty();
    total.ifPresent(t -> out.put("bodyBytes", t <= Integer.MAX_VALUE ? (Object) (int) t : t));
    int cut = Math.min(bytes.length, maxBytes);
    String text = null;
    if (!binary(contentType)) {
      // Never split a UTF-8 sequence: back off to the start of the character at the cut.
      for (int back = 0; back <= (truncated ? 3 : 0) && cut - back >= 0; back++) {
        text = utf8(bytes, cut - back);
        if (text != null) {
          cut -= back;
          break;
        }
      }
    }
    String shown =
        !truncated
            ? ""
            : timedOut
                ? "truncated: the body did not end in time; the first " + cut + " bytes are shown"
                : "truncated: the first "
                    + cut
                    + (total.isPresent() ? " of " + total.getAsLong() : "")
                    + " bytes are shown"
                    + (total.isPresent() ? "" : "; the body is longer");
    if (text != null) {
      out.put("bodyEncoding", "text");
      out.put("body", text);
      if (truncated) {
        out.put("bodyNote", shown);
      }
    } else {
      out.put("bodyEncoding", "base64");
      out.put("body", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, cut)));
      out.put(
          "bodyNote",
          "binary content"
              + (contentType == null ? "" : " (" + contentType + ")")
              + ", base64-encoded"
              + (truncated ? "; " + shown : ""));
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

  /** The first {@code length} bytes as UTF-8 text, or {@code null} when not valid or with NULs. */
  private static String utf8(byte[] bytes, int length) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, length))
              .toString();
      return text.indexOf('\0') >= 0 ? null : text;
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
