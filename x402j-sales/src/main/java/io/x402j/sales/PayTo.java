package io.x402j.sales;

import io.x402j.core.Network;

/**
 * A recipient the seller is paid at: a token on a network and the seller's address.
 *
 * @param network the network
 * @param asset the token (address or mint)
 * @param address the seller's address
 */
public record PayTo(Network network, String asset, String address) {}
