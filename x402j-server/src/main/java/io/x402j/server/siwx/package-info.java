/**
 * Sign-in-with-x for sellers: {@link io.x402j.server.siwx.SignInWithXExtension} declares a
 * challenge in each 402 and serves, without payment, a request whose {@code SIGN-IN-WITH-X} header
 * proves a wallet that the {@link io.x402j.server.siwx.SignInPolicy} admits (by default: one that
 * paid for the same resource within 24 hours, as {@link io.x402j.server.siwx.PaymentHistory}
 * remembers).
 */
package io.x402j.server.siwx;
