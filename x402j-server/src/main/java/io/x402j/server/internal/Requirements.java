package io.x402j.server.internal;

import io.x402j.core.wire.PaymentRequirements;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** How the gate recognises the requirement a payment accepted. Not part of the x402j API. */
public final class Requirements {
  private Requirements() {}

  /**
   * Whether {@code accepted}, echoed by a v2 payer, is {@code offered}: every field equal, and
   * {@code extra} holding at least what was offered (a payer may add to it, never change it). This
   * is the official SDK's rule.
   */
  public static boolean accepts(PaymentRequirements offered, PaymentRequirements accepted) {
    return accepts(offered, accepted, Set.of());
  }

  /**
   * Like {@link #accepts(PaymentRequirements, PaymentRequirements)}, but the {@code extra} fields
   * named in {@code dynamicExtraFields} are left out of the comparison on both sides: the scheme
   * declares them hints a payer may echo with another value (or not at all).
   */
  public static boolean accepts(
      PaymentRequirements offered, PaymentRequirements accepted, Set<String> dynamicExtraFields) {
    if (!offered.scheme().equals(accepted.scheme())
        || !offered.network().equals(accepted.network())
        || !offered.amount().equals(accepted.amount())
        || !offered.asset().equals(accepted.asset())
        || !offered.payTo().equals(accepted.payTo())
        || offered.maxTimeoutSeconds() != accepted.maxTimeoutSeconds()
        || !offered.additionalFields().equals(accepted.additionalFields())) {
      return false;
    }
    Map<String, Object> given = accepted.extra() == null ? Map.of() : accepted.extra();
    Map<String, Object> asked = offered.extra() == null ? Map.of() : offered.extra();
    for (Map.Entry<String, Object> e : asked.entrySet()) {
      if (dynamicExtraFields.contains(e.getKey())) {
        continue;
      }
      if (!given.containsKey(e.getKey()) || !Objects.equals(e.getValue(), given.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
