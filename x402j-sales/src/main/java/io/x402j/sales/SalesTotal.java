package io.x402j.sales;

import io.x402j.core.Network;
import java.math.BigInteger;

/**
 * What was settled in one token on one network, optionally for one key (a route or a payer).
 *
 * @param key the route or payer this total is for, or {@code null} for all
 * @param network the network
 * @param asset the token
 * @param count how many sales
 * @param amount their sum in atomic units
 */
public record SalesTotal(
    String key, Network network, String asset, long count, BigInteger amount) {}
