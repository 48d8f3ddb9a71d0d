package io.x402j.jetty;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What an {@link AdminHandler} answers: a status, a content type and a body. The admin listener
 * adds the security headers itself.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type}
 * @param body the body bytes
 */
public record AdminResponse(int status, String contentType, byte[] body) {
  /** HTML in UTF-8. */
  public static final String HTML = "text/html; charset=utf-8";

  /** JSON in UTF-8. */
  public static final String JSON = "application/json; charset=utf-8";

  /** Plain text in UTF-8. */
  public static final String TEXT = "text/plain; charset=utf-8";

  /** Checks the parts; the body array is not copied. */
  public AdminResponse {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("status must be 200..599, got " + status);
    }
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
  }

  /** 200 with a page, e.g. from {@link AdminPage#render()}. */
  public static AdminResponse html(String page) {
    return new AdminResponse(200, HTML, page.getBytes(StandardCharsets.UTF_8));
  }

  /** 200 with JSON the handler serialized. */
  public static AdminResponse json(String json) {
    return new AdminResponse(200, JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  /** A status with a plain-text message (never put secrets or raw input in it). */
  public static AdminResponse text(int status, String message) {
    return new AdminResponse(status, TEXT, message.getBytes(StandardCharsets.UTF_8));
  }

  /** A status with a body of another type, e.g. {@code text/csv; charset=utf-8}. */
  public static AdminResponse of(int status, String contentType, String body) {
    return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }
}
