/**
 * Pays x402 resources from Spring's HTTP clients: {@link
 * io.x402j.spring.client.X402ClientHttpRequestInterceptor} for {@code RestClient} and {@code
 * RestTemplate}, {@link io.x402j.spring.client.X402ExchangeFilterFunction} for {@code WebClient}.
 */
package io.x402j.spring.client;
