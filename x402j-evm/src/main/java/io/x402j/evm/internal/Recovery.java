package io.x402j.evm.internal;

import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Signature;

/** Recovers signers' addresses. Not part of the x402j API. */
public final class Recovery {
  private Recovery() {}

  /** The address that signed {@code hash}, or {@code null} if the signature recovers to none. */
  public static EvmAddress signer(Secp256k1Backend backend, Bytes32 hash, Signature signature) {
    byte[] key = backend.recover(hash.toBytes(), signature.compact(), signature.recoveryId());
    return key == null ? null : EvmAddress.fromPublicKey(key);
  }
}
