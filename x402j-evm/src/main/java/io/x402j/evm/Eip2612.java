package io.x402j.evm;

import java.math.BigInteger;

/**
 * EIP-712 hashing of EIP-2612 {@code Permit(address owner,address spender,uint256 value,uint256
 * nonce,uint256 deadline)} messages, which the eip2612GasSponsoring extension uses to approve
 * Permit2 without a transaction from the payer. The domain is the token's {@code {name, version,
 * chainId, verifyingContract}}, as for EIP-3009 (see {@link Eip3009#domainSeparator}).
 */
public final class Eip2612 {
  /** The EIP-712 type of the permit message. */
  public static final String PERMIT_TYPE =
      "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)";

  private static final byte[] PERMIT_TYPEHASH = Keccak.hash(PERMIT_TYPE);

  private Eip2612() {}

  /** The token's EIP-712 domain separator (the same domain EIP-3009 uses). */
  public static Bytes32 domainSeparator(
      String name, String version, long chainId, EvmAddress token) {
    return Eip3009.domainSeparator(name, version, chainId, token);
  }

  /**
   * The digest {@code owner} signs to let {@code spender} spend {@code value} until {@code
   * deadline}, with the token's current {@code nonces(owner)}.
   *
   * @throws IllegalArgumentException if a number is not a uint256
   */
  public static Bytes32 digest(
      Bytes32 domainSeparator,
      EvmAddress owner,
      EvmAddress spender,
      BigInteger value,
      BigInteger nonce,
      BigInteger deadline) {
    byte[] struct = new byte[6 * 32];
    System.arraycopy(PERMIT_TYPEHASH, 0, struct, 0, 32);
    System.arraycopy(owner.toBytes(), 0, struct, 32 + 12, 20);
    System.arraycopy(spender.toBytes(), 0, struct, 64 + 12, 20);
    Signature.copy(value, struct, 96);
    Signature.copy(nonce, struct, 128);
    Signature.copy(deadline, struct, 160);
    return Bytes32.of(
        Keccak.hash(new byte[] {0x19, 0x01}, domainSeparator.toBytes(), Keccak.hash(struct)));
  }
}
