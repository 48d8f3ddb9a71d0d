/**
 * The buyer's side of x402: a {@link io.x402j.client.Payer} answers a 402 by choosing one of the
 * offered requirements, checking it against {@link io.x402j.client.SpendControls}, and signing it;
 * {@link io.x402j.client.X402Client} does that for {@code java.net.http} requests, paying at most
 * once per request.
 */
package io.x402j.client;
