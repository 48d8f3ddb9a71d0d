package io.x402j.core.wire;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP headers of x402. Names are matched case-insensitively, as HTTP requires; they are
 * written in the upper-case form the specification uses.
 */
public enum PaymentHeader {
  /** v2, server to client with a 402: the base64 {@link PaymentRequired}. */
  PAYMENT_REQUIRED("PAYMENT-REQUIRED", 2),
  /** v2, client to server: the base64 {@link PaymentPayload}. */
  PAYMENT_SIGNATURE("PAYMENT-SIGNATURE", 2),
  /** v2, server to client: the base64 {@link SettleResponse} receipt. */
  PAYMENT_RESPONSE("PAYMENT-RESPONSE", 2),
  /** v1, client to server: the base64 {@link PaymentPayloadV1}. */
  X_PAYMENT("X-PAYMENT", 1),
  /** v1, server to client: the base64 {@link SettleResponse} receipt. */
  X_PAYMENT_RESPONSE("X-PAYMENT-RESPONSE", 1);

  private final String headerName;
  private final int x402Version;

  PaymentHeader(String headerName, int x402Version) {
    this.headerName = headerName;
    this.x402Version = x402Version;
  }

  /** The header name as the specification writes it. */
  public String headerName() {
    return headerName;
  }

  /** The protocol version the header belongs to. */
  public int x402Version() {
    return x402Version;
  }

  /** Whether {@code name} is this header's name in any letter case. */
  public boolean matches(String name) {
    return headerName.equalsIgnoreCase(name);
  }

  /** The header with this name in any letter case. */
  public static Optional<PaymentHeader> fromName(String name) {
    for (PaymentHeader header : values()) {
      if (header.matches(name)) {
        return Optional.of(header);
      }
    }
    return Optional.empty();
  }

  /**
   * The first value of this header in a header map whose keys may be in any letter case (the shape
   * of {@code java.net.http.HttpHeaders#map()} and most servlet adapters).
   */
  public Optional<String> firstValueIn(Map<String, List<String>> headers) {
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (matches(entry.getKey()) && entry.getValue() != null && !entry.getValue().isEmpty()) {
        return Optional.ofNullable(entry.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /** The header name. */
  @Override
  public String toString() {
    return headerName;
  }
}
