package io.x402j.testkit;

import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.core.wire.WireCodec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of a {@link ScriptedFacilitator}: a status, a body sent byte for byte, and headers.
 * Build it from a typed x402 answer ({@link #verify}, {@link #settle}, {@link #supported}), which
 * is sent as JSON with status 200, or from raw text ({@link #status}) to play a facilitator that
 * fails: a 500, a 429 with {@code Retry-After}, a body that is not JSON.
 *
 * @param status the HTTP status
 * @param body the body, sent as UTF-8; empty for none
 * @param headers the response headers
 */
public record ScriptedAnswer(int status, String body, Map<String, String> headers) {
  private static final WireCodec WIRE = WireCodec.standard();

  /** Checks the status and copies the headers. */
  public ScriptedAnswer {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599, got " + status);
    }
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  /** {@code answer} as a {@code /verify} facilitator sends it: 200 and JSON. */
  public static ScriptedAnswer verify(VerifyResponse answer) {
    return json(200, WIRE.toJson(answer));
  }

  /** {@code answer} as a {@code /settle} facilitator sends it: 200 and JSON. */
  public static ScriptedAnswer settle(SettleResponse answer) {
    return json(200, WIRE.toJson(answer));
  }

  /** {@code answer} as a {@code /supported} facilitator sends it: 200 and JSON. */
  public static ScriptedAnswer supported(SupportedResponse answer) {
    return json(200, WIRE.toJson(answer));
  }

  /** A JSON body with {@code status}, exactly as given. */
  public static ScriptedAnswer json(int status, String body) {
    return new ScriptedAnswer(status, body, Map.of("Content-Type", "application/json"));
  }

  /** A plain-text body with {@code status}, e.g. a proxy's 502 page. */
  public static ScriptedAnswer status(int status, String body) {
    return new ScriptedAnswer(status, body, Map.of("Content-Type", "text/plain; charset=utf-8"));
  }

  /** This answer with one more header (replacing one of the same name). */
  public ScriptedAnswer withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new ScriptedAnswer(status, body, copy);
  }
}
