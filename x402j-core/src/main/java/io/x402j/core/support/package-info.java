/**
 * Building blocks that every x402j module shares and that scheme modules built outside this
 * repository should use rather than copy: strict JSON for untrusted documents ({@link
 * io.x402j.core.support.StrictJson}), canonical free-form JSON values ({@link
 * io.x402j.core.support.JsonValues}), bounded HTTP bodies ({@link
 * io.x402j.core.support.LimitedBody}), asynchronous exchanges without a thread per response ({@link
 * io.x402j.core.support.HttpExchanges}), quoting and ASCII rules for untrusted text ({@link
 * io.x402j.core.support.Text}) and unwrapping of future failures ({@link
 * io.x402j.core.support.Futures}). Public and kept compatible like the rest of the API; the {@code
 * internal} packages of each module are its own and imported by no other module.
 */
package io.x402j.core.support;
