/** Internals of x402j-sales; not part of the x402j API. */
package io.x402j.sales.internal;
