/**
 * The messages of x402 protocol v2 and v1 as immutable records with the specification's field
 * names, the {@link io.x402j.core.wire.WireCodec JSON codec} and the {@link
 * io.x402j.core.wire.HeaderCodec codec of the five payment headers}.
 */
package io.x402j.core.wire;
