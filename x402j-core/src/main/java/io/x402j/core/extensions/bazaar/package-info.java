/**
 * The {@code bazaar} discovery extension: the declaration a resource server puts in a 402's {@code
 * extensions} ({@link io.x402j.core.extensions.bazaar.BazaarDeclaration}), the {@code
 * routeTemplate} rules ({@link io.x402j.core.extensions.bazaar.RouteTemplate}) and the service
 * metadata a 402's {@code resource} may carry ({@link
 * io.x402j.core.extensions.bazaar.ServiceMetadata}). Shared by sellers, buyers and facilitators;
 * free of frameworks.
 */
package io.x402j.core.extensions.bazaar;
