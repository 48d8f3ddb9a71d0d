/**
 * The seller's side of x402, free of any web framework: a {@link io.x402j.server.PaymentGate} that
 * decides, for each request, whether it is free, must be answered with 402, or is paid; and that
 * settles a paid request only after its handler succeeded, so that a response is never released
 * before its payment is settled. Adapters (the Servlet filter, the gateway) translate their
 * requests and responses to {@link io.x402j.server.GateRequest} and {@link
 * io.x402j.server.GateResponse}.
 */
package io.x402j.server;
