package io.x402j.sales;

import io.x402j.core.Network;
import java.math.BigInteger;
import java.time.Instant;

/**
 * Settled revenue of one route in one token during one time bucket.
 *
 * @param bucket the start of the bucket
 * @param route the route pattern
 * @param network the network
 * @param asset the token
 * @param amount the sum in atomic units
 */
public record RevenuePoint(
    Instant bucket, String route, Network network, String asset, BigInteger amount) {}
