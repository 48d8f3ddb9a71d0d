package io.x402j.evm.facilitator.internal;

import io.x402j.evm.Abi;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import java.util.Arrays;
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
    if (!Eip3009Calls.isErc6492(signature)) {
      return Optional.empty();
    }
    byte[] body = Arrays.copyOf(signature, signature.length - 32);
    if (body.length < 96) {
      throw new IllegalArgumentException("the ERC-6492 wrapper is shorter than its three fields");
    }
    if (AbiReader.word(body, 0, "factory").bitLength() > 160) {
      throw new IllegalArgumentException("the ERC-6492 factory is not an address");
    }
    EvmAddress factory = Abi.decodeAddress(body, 0);
    byte[] calldata =
        AbiReader.bytesAt(body, AbiReader.offset(body, 32, "factory calldata offset"), "calldata");
    byte[] inner =
        AbiReader.bytesAt(body, AbiReader.offset(body, 64, "signature offset"), "inner signature");
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
    byte[] body = Abi.arguments().address(factory).bytes(factoryCalldata).bytes(inner).encode();
    byte[] out = Arrays.copyOf(body, body.length + 32);
    System.arraycopy(Eip3009Calls.ERC6492_SUFFIX, 0, out, body.length, 32);
    return out;
  }
}
