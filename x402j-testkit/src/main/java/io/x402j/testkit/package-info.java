/**
 * Fixtures for testing an x402 integration, published so that applications test theirs the way
 * x402j tests itself; add {@code io.x402j:x402j-testkit} with test scope.
 *
 * <ul>
 *   <li>{@link io.x402j.testkit.TestMarket}: a real local chain (anvil) with a funded buyer, a
 *       seller and the x402j facilitator, in process or over HTTP; payments really settle.
 *   <li>{@link io.x402j.testkit.ScriptedFacilitator}: a facilitator over HTTP whose answers the
 *       test enqueues and whose requests it takes, like OkHttp's {@code MockWebServer}; no chain.
 *   <li>{@link io.x402j.testkit.RawHttp}: HTTP/1.1 over a socket, for requests whose exact bytes
 *       matter.
 *   <li>{@link io.x402j.testkit.PaymentHeaderCopies}: one payment sent more than once (repeated or
 *       joined payment headers), and a facilitator that counts what it is asked.
 * </ul>
 */
package io.x402j.testkit;
