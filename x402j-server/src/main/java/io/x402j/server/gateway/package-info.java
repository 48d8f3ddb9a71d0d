/**
 * A reverse proxy that sells an existing HTTP API without touching its code: {@link
 * io.x402j.server.gateway.Gateway} applies a {@link io.x402j.server.PaymentGate} and forwards paid
 * and free requests to the upstream. Needs {@code org.eclipse.jetty:jetty-server} on the class
 * path.
 */
package io.x402j.server.gateway;
