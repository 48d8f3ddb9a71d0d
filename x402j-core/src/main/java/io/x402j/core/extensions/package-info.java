/**
 * Framework-free models and rules of the x402 v2 extensions that sellers, buyers and facilitators
 * share: what is declared in a 402, what a payment echoes, what a receipt carries.
 */
package io.x402j.core.extensions;
