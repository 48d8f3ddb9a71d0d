package io.x402j.server;

import io.x402j.core.wire.PaymentRequirements;

/**
 * A paid request as the {@link PaymentListener} hooks see it.
 *
 * @param method the request method
 * @param path the request path
 * @param route the matched route pattern
 * @param x402Version the protocol version of the payment
 * @param requirements the requirement paid (in the v2 form, also for v1 payments)
 * @param payer the payer's address when known, else {@code null}
 */
public record PaymentEvent(
    String method,
    String path,
    String route,
    int x402Version,
    PaymentRequirements requirements,
    String payer) {}
