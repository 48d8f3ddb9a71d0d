package io.x402j.facilitator.internal;

import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyRequestV1;
import java.util.Map;

/** Reads the payer from a payment without a scheme. Not part of the x402j API. */
public final class Payers {
  private Payers() {}

  /** The payer of an exact-scheme EVM payload ({@code authorization.from}), or {@code null}. */
  public static String of(Map<String, Object> payload) {
    Object authorization = payload == null ? null : payload.get("authorization");
    if (authorization instanceof Map) {
      Object from = ((Map<?, ?>) authorization).get("from");
      return from instanceof String ? (String) from : null;
    }
    return null;
  }

  /** The payer of a facilitator request, or {@code null}. */
  public static String of(FacilitatorRequest request) {
    return of(
        request instanceof VerifyRequest
            ? ((VerifyRequest) request).paymentPayload().payload()
            : ((VerifyRequestV1) request).paymentPayload().payload());
  }
}
