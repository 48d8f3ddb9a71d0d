/** Implementation of the Spring Boot starter; not part of the x402j API. */
package io.x402j.spring.internal;
