/**
 * Bazaar discovery for buyers: {@link io.x402j.core.discovery.DiscoveryClient} asks any
 * facilitator's {@code GET /discovery/resources} and {@code GET /discovery/search} what can be
 * bought, and reads the answers strictly into {@link io.x402j.core.discovery.DiscoveredResource}s.
 */
package io.x402j.core.discovery;
