/**
 * Solana for buyers and sellers: base58 addresses, Ed25519 keys, v0 transactions, associated token
 * accounts, and the exact scheme's payloads (client) and offers (server).
 */
package io.x402j.svm;
