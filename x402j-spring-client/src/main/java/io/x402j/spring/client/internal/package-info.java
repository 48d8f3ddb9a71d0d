/** Internals of the Spring payers; not API. */
package io.x402j.spring.client.internal;
