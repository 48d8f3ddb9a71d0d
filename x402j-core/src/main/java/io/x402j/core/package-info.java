/**
 * x402 values shared by every role: {@link io.x402j.core.Network} (CAIP-2) and the {@link
 * io.x402j.core.NetworkRegistry} of public networks and their USDC deployments, exact {@link
 * io.x402j.core.TokenAmount token amounts} and {@link io.x402j.core.Price prices}, and the {@link
 * io.x402j.core.ErrorReason reason strings} of the protocol.
 */
package io.x402j.core;
