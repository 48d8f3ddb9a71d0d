/**
 * The {@code sign-in-with-x} extension (CAIP-122 wallet sign-in, SIWE for EVM and SIWS for Solana)
 * as data: the challenge a 402 declares ({@link io.x402j.core.extensions.siwx.SiwxDeclaration}),
 * the proof a client sends in the {@code SIGN-IN-WITH-X} header ({@link
 * io.x402j.core.extensions.siwx.SiwxProof}), and the roles that sign and verify a proof for one
 * chain family ({@link io.x402j.core.extensions.siwx.SiwxSigner}, {@link
 * io.x402j.core.extensions.siwx.SiwxVerifier}). The messages themselves are built by x402j-evm
 * ({@code Siwe}) and x402j-svm ({@code Siws}); the seller's gate extension is in x402j-server.
 */
package io.x402j.core.extensions.siwx;
