package io.x402j.evm.facilitator.internal;

import io.x402j.evm.Erc6492;
import io.x402j.evm.EvmAddress;
import java.util.Optional;

/**
 * An ERC-6492 signature of a counterfactual (not yet deployed) smart wallet: {@code
 * abi.encode(address factory, bytes factoryCalldata, bytes signature) ++ magic}, where calling the
 * factory with the calldata deploys the wallet and {@code signature} is what the deployed wallet
 * accepts through ERC-1271. Not part of the x402j API.
 *
 * @param factory the factory to call
 * @param factoryCalldata the call that deploys the wallet
 * @param inner the wallet's own signature
 */
public record Erc6492Signature(EvmAddress factory, byte[] factoryCalldata, byte[] inner) {

  /**
   * The wrapper's parts, or empty when {@code signature} does not end with the ERC-6492 magic.
   *
   * @throws IllegalArgumentException when it carries the magic but the wrapped parts are malformed,
   *     or the factory is the zero address, or the factory calldata is empty
   */
  public static Optional<Erc6492Signature> parse(byte[] signature) {
    if (!Erc6492.isWrapped(signature)) {
      return Optional.empty();
    }
    Erc6492.Wrapped wrapped = Erc6492.unwrap(signature);
    EvmAddress factory = wrapped.factory();
    byte[] calldata = wrapped.factoryCalldata();
    byte[] inner = wrapped.signature();
    if (factory.equals(EvmAddress.ZERO) || calldata.length == 0) {
      throw new IllegalArgumentException(
          "the ERC-6492 wrapper names no factory or no deployment calldata");
    }
    if (inner.length == 0) {
      throw new IllegalArgumentException("the ERC-6492 wrapper holds an empty signature");
    }
    return Optional.of(new Erc6492Signature(factory, calldata, inner));
  }

  /** Wraps a wallet signature for {@code factory} (for tests and clients). */
  public static byte[] wrap(EvmAddress factory, byte[] factoryCalldata, byte[] inner) {
    return Erc6492.wrap(factory, factoryCalldata, inner);
  }
}
