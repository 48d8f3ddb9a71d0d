/**
 * The x402j payment gate as a Spring WebFlux {@code WebFilter}: {@link
 * io.x402j.webflux.PaymentWebFilter} answers unpaid requests to paid routes with 402, holds a paid
 * request's response in a bounded buffer, and releases it only once its payment is settled, without
 * blocking an event-loop thread.
 */
package io.x402j.webflux;
