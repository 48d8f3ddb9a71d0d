/**
 * Paying x402 resources from OkHttp: add {@link io.x402j.okhttp.X402Interceptor} as an application
 * interceptor.
 */
package io.x402j.okhttp;
