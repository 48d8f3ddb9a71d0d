/**
 * A reverse proxy that sells an existing HTTP API without touching its code: {@link
 * io.x402j.gateway.Gateway} applies a {@link io.x402j.server.PaymentGate} and forwards paid and
 * free requests to the upstream. Runs on embedded Jetty.
 */
package io.x402j.gateway;
