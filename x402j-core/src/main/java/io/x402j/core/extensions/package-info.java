/**
 * Framework-free models and validators of the x402 v2 extensions, shared by buyers, sellers and
 * facilitators: what a 402 declares under {@code extensions}, what a payment echoes, what a receipt
 * carries, and how each side checks it. The wire messages keep extensions as plain JSON maps
 * ({@code PaymentRequired.extensions}, {@code PaymentPayload.extensions}); the classes here read
 * and write those maps.
 */
package io.x402j.core.extensions;
