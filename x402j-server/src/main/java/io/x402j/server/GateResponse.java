package io.x402j.server;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An answer the gate gives instead of the handler's: a 402, or an error. Adapters write it as is.
 *
 * @param status the HTTP status
 * @param headers the headers, including {@code Content-Type}
 * @param body the body bytes
 */
public record GateResponse(int status, Map<String, String> headers, byte[] body) {
  /** Validates and copies the fields. */
  public GateResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599, got " + status);
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = Objects.requireNonNull(body, "body").clone();
  }

  /** A response with a UTF-8 text body of the given content type. */
  public static GateResponse of(
      int status, String contentType, String body, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Content-Type", contentType);
    all.putAll(headers);
    return new GateResponse(status, all, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The body bytes (a copy). */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The value of a header; names compare case-insensitively. */
  public String header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GateResponse other
        && status == other.status
        && headers.equals(other.headers)
        && java.util.Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, headers, java.util.Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "GateResponse[" + status + " " + headers + " " + body.length + " bytes]";
  }
}
