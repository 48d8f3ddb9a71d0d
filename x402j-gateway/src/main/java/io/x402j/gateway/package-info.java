/**
 * A reverse proxy that sells an existing HTTP API without touching its code: {@link
 * io.x402j.gateway.Gateway} applies a {@link io.x402j.server.PaymentGate} and forwards paid and
 * free requests to the upstream. Runs on embedded Jetty. {@link io.x402j.gateway.GatewayConfig}
 * reads the gateway's YAML file (the one {@code x402j gateway --config} takes) and starts one.
 */
package io.x402j.gateway;
