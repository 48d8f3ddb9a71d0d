package io.x402j.testkit;

import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyRequestV1;
import io.x402j.core.wire.WireCodec;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as a {@link ScriptedFacilitator} received it, for a test to assert on: what was called,
 * with which headers, and the body exactly as it arrived, readable as the x402 request of either
 * protocol version.
 *
 * @param operation the facilitator call, or {@code null} for a path the API does not have
 * @param method the HTTP method
 * @param path the request path, e.g. {@code /verify}
 * @param headers the request headers, names in lower case (the last value of a repeated header)
 * @param body the body as received (UTF-8); empty for {@code GET /supported}
 */
public record RecordedFacilitatorRequest(
    FacilitatorOperation operation,
    String method,
    String path,
    Map<String, String> headers,
    String body) {
  private static final WireCodec WIRE = WireCodec.standard();

  /** Copies the headers. */
  public RecordedFacilitatorRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** A header by name, in any case. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * The body of a {@code /verify} or {@code /settle} as the x402 request it is: a {@link
   * VerifyRequest} (v2) or a {@link VerifyRequestV1} (v1).
   *
   * @throws MalformedMessageException when the body is not a well-formed request of either version
   */
  public FacilitatorRequest facilitatorRequest() {
    return WIRE.decodeFacilitatorRequest(body);
  }

  /** The protocol version of the payment in the body (1 or 2). */
  public int x402Version() {
    return facilitatorRequest().x402Version();
  }

  /** The v2 request in the body; fails when the body holds a v1 request. */
  public VerifyRequest v2() {
    if (facilitatorRequest() instanceof VerifyRequest v2) {
      return v2;
    }
    throw new IllegalStateException("the request is protocol v1, not v2: " + body);
  }

  /** The v1 request in the body; fails when the body holds a v2 request. */
  public VerifyRequestV1 v1() {
    if (facilitatorRequest() instanceof VerifyRequestV1 v1) {
      return v1;
    }
    throw new IllegalStateException("the request is protocol v2, not v1: " + body);
  }
}
