/**
 * The {@link io.x402j.core.facilitator.Facilitator} a resource server calls, and its HTTP client
 * {@link io.x402j.core.facilitator.HttpFacilitatorClient}.
 */
package io.x402j.core.facilitator;
