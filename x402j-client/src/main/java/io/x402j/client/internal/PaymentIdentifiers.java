package io.x402j.client.internal;

import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds a {@code payment-identifier} id to a payment whose 402 declared the extension, required or
 * not (as the official client does): a fresh random id per signed payment. The id travels inside
 * the signed payment header, so sending that same header again (after a lost answer) repeats the
 * same id, and a seller that remembers it can answer the repeat from what it stored. Not part of
 * the x402j API.
 */
public final class PaymentIdentifiers {
  private PaymentIdentifiers() {}

  /**
   * {@code extensions} (may be {@code null}) with the echo of a declared {@code payment-identifier}
   * and a new id added; {@code extensions} as given when the 402 declares none.
   *
   * @param declared the {@code extensions} of the 402
   */
  public static Map<String, Object> withId(
      Map<String, Object> declared, Map<String, Object> extensions) {
    if (PaymentIdentifierExtension.declared(declared).isEmpty()) {
      return extensions;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (extensions != null) {
      out.putAll(extensions);
    }
    out.put(
        PaymentIdentifierExtension.KEY,
        PaymentIdentifierExtension.echo(
            declared.get(PaymentIdentifierExtension.KEY), PaymentIdentifier.generate()));
    return out;
  }
}
