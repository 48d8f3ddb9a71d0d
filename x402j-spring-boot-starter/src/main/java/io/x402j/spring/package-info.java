/**
 * Spring Boot auto-configuration for selling Spring MVC endpoints with x402: set {@code
 * x402j.facilitator-url}, {@code x402j.pay-to} and {@code x402j.network}, then put {@link
 * io.x402j.spring.X402Price} on controller methods or list routes under {@code x402j.routes}.
 */
package io.x402j.spring;
