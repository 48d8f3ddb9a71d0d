/**
 * The service-provider interfaces a payment scheme implements for each role — {@link
 * io.x402j.core.scheme.SchemeClient paying}, {@link io.x402j.core.scheme.SchemeServer selling},
 * {@link io.x402j.core.scheme.SchemeFacilitator verifying and settling} — and the {@link
 * io.x402j.core.scheme.SchemeRegistry} that finds them by version, scheme and network.
 */
package io.x402j.core.scheme;
