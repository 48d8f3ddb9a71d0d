package io.x402j.spring.client.internal;

import io.x402j.core.wire.PaymentHeader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/** What the Spring payers share: reading Spring's headers the way a {@code Payer} wants them. */
public final class Challenges {
  /** The headers that carry a payment (v2, v1). */
  public static final List<String> PAYMENT_HEADERS =
      List.of(PaymentHeader.PAYMENT_SIGNATURE.headerName(), PaymentHeader.X_PAYMENT.headerName());

  private Challenges() {}

  /** Whether a request already carries a payment (added by the caller). */
  public static boolean carriesPayment(HttpHeaders headers) {
    return PAYMENT_HEADERS.stream().anyMatch(headers::containsKey);
  }

  /** The headers as a plain map, for a {@code PaymentChallenge}. */
  public static Map<String, List<String>> headers(HttpHeaders headers) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }
}
