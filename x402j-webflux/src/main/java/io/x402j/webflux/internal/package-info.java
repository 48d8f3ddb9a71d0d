/** Implementation of the WebFlux filter; not part of the x402j API. */
package io.x402j.webflux.internal;
