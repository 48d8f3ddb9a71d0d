package io.x402j.core;

import io.x402j.core.support.Text;
import java.util.Objects;

/**
 * A token a payment can be made in, as a network registry knows it.
 *
 * @param address the token's address on its network (an EVM contract address, a Solana mint)
 * @param symbol the ticker, e.g. {@code USDC}
 * @param decimals the number of decimal places of one whole token (6 for USDC)
 * @param eip712Name the EIP-712 domain name the token signs with ({@code extra.name} in payment
 *     requirements), or {@code null} when the token has none
 * @param eip712Version the EIP-712 domain version ({@code extra.version}), or {@code null}
 * @param usdStablecoin whether one whole token is worth one US dollar, so dollar prices such as
 *     {@code $0.01} can be charged in it
 */
public record Asset(
    String address,
    String symbol,
    int decimals,
    String eip712Name,
    String eip712Version,
    boolean usdStablecoin) {

  /** Validates the fields. */
  public Asset {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(symbol, "symbol");
    if (address.isBlank()) {
      throw new IllegalArgumentException("asset address must not be blank");
    }
    if (symbol.isBlank()) {
      throw new IllegalArgumentException("asset symbol must not be blank");
    }
    if (decimals < 0 || decimals > 77) {
      throw new IllegalArgumentException(
          "asset " + Text.quote(symbol) + " decimals must be 0..77, got " + decimals);
    }
    if ((eip712Name == null) != (eip712Version == null)) {
      throw new IllegalArgumentException(
          "asset " + Text.quote(symbol) + " needs both an EIP-712 name and version, or neither");
    }
  }

  /** A US-dollar stablecoin that supports EIP-3009 with the given EIP-712 domain. */
  public static Asset usdStablecoin(
      String address, String symbol, int decimals, String eip712Name, String eip712Version) {
    return new Asset(address, symbol, decimals, eip712Name, eip712Version, true);
  }

  /** Whether the token carries an EIP-712 domain (name and version). */
  public boolean hasEip712Domain() {
    return eip712Name != null;
  }

  /**
   * Whether {@code addressOrSymbol} names this asset: the address (EVM addresses compare
   * case-insensitively) or the symbol (case-insensitively).
   */
  public boolean isNamedBy(String addressOrSymbol) {
    if (addressOrSymbol == null) {
      return false;
    }
    if (address.startsWith("0x") || address.startsWith("0X")) {
      if (address.equalsIgnoreCase(addressOrSymbol)) {
        return true;
      }
    } else if (address.equals(addressOrSymbol)) {
      return true;
    }
    return symbol.equalsIgnoreCase(addressOrSymbol);
  }
}
