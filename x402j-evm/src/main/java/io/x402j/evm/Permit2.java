package io.x402j.evm;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Permit2 (Uniswap's canonical {@code SignatureTransfer}) and the two x402 Permit2 proxies: their
 * addresses and the EIP-712 hashing of the {@code PermitWitnessTransferFrom} messages payers sign
 * for the exact and upto schemes.
 *
 * <p>The Permit2 domain is {@code EIP712Domain(string name,uint256 chainId,address
 * verifyingContract)} with name {@code "Permit2"} (no version). The message type is {@code
 * PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,uint256
 * deadline,Witness witness)} followed by {@code TokenPermissions(address token,uint256 amount)} and
 * the witness type: {@link #EXACT_WITNESS_TYPE} or {@link #UPTO_WITNESS_TYPE}, as the proxies
 * declare them in {@code WITNESS_TYPE_STRING} and @x402/evm signs them.
 */
public final class Permit2 {
  /** The canonical Permit2 contract, at the same address on every chain. */
  public static final EvmAddress ADDRESS =
      EvmAddress.parse("0x000000000022D473030F116dDEE9F6B43aC78BA3");

  /** The x402 exact Permit2 proxy ({@code x402ExactPermit2Proxy}), CREATE2-deployed everywhere. */
  public static final EvmAddress EXACT_PROXY =
      EvmAddress.parse("0x402085c248EeA27D92E8b30b2C58ed07f9E20001");

  /** The x402 upto Permit2 proxy ({@code x402UptoPermit2Proxy}). */
  public static final EvmAddress UPTO_PROXY =
      EvmAddress.parse("0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002");

  /** The exact proxy's witness type. */
  public static final String EXACT_WITNESS_TYPE = "Witness(address to,uint256 validAfter)";

  /** The upto proxy's witness type. */
  public static final String UPTO_WITNESS_TYPE =
      "Witness(address to,address facilitator,uint256 validAfter)";

  /** The token permissions type. */
  public static final String TOKEN_PERMISSIONS_TYPE =
      "TokenPermissions(address token,uint256 amount)";

  private static final String PERMIT_WITNESS_PREFIX =
      "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,"
          + "uint256 deadline,Witness witness)";

  /** The full EIP-712 type of the exact scheme's message (referenced types sorted by name). */
  public static final String EXACT_PERMIT_TYPE =
      PERMIT_WITNESS_PREFIX + TOKEN_PERMISSIONS_TYPE + EXACT_WITNESS_TYPE;

  /** The full EIP-712 type of the upto scheme's message. */
  public static final String UPTO_PERMIT_TYPE =
      PERMIT_WITNESS_PREFIX + TOKEN_PERMISSIONS_TYPE + UPTO_WITNESS_TYPE;

  private static final byte[] DOMAIN_TYPEHASH =
      Keccak.hash("EIP712Domain(string name,uint256 chainId,address verifyingContract)");
  private static final byte[] NAME_HASH = Keccak.hash("Permit2".getBytes(StandardCharsets.UTF_8));
  private static final byte[] TOKEN_PERMISSIONS_TYPEHASH = Keccak.hash(TOKEN_PERMISSIONS_TYPE);
  private static final byte[] EXACT_WITNESS_TYPEHASH = Keccak.hash(EXACT_WITNESS_TYPE);
  private static final byte[] UPTO_WITNESS_TYPEHASH = Keccak.hash(UPTO_WITNESS_TYPE);
  private static final byte[] EXACT_PERMIT_TYPEHASH = Keccak.hash(EXACT_PERMIT_TYPE);
  private static final byte[] UPTO_PERMIT_TYPEHASH = Keccak.hash(UPTO_PERMIT_TYPE);

  private Permit2() {}

  /** The Permit2 EIP-712 domain separator on chain {@code chainId}. */
  public static Bytes32 domainSeparator(long chainId) {
    byte[] encoded = new byte[4 * 32];
    System.arraycopy(DOMAIN_TYPEHASH, 0, encoded, 0, 32);
    System.arraycopy(NAME_HASH, 0, encoded, 32, 32);
    put(BigInteger.valueOf(chainId), encoded, 64);
    put(ADDRESS, encoded, 96);
    return Bytes32.of(Keccak.hash(encoded));
  }

  /**
   * The EIP-712 hash of the witness struct: the exact witness when {@code witness.facilitator()} is
   * null, the upto witness otherwise.
   */
  public static Bytes32 witnessHash(Permit2Witness witness) {
    if (witness.isUpto()) {
      byte[] encoded = new byte[4 * 32];
      System.arraycopy(UPTO_WITNESS_TYPEHASH, 0, encoded, 0, 32);
      put(witness.to(), encoded, 32);
      put(witness.facilitator(), encoded, 64);
      put(witness.validAfter(), encoded, 96);
      return Bytes32.of(Keccak.hash(encoded));
    }
    byte[] encoded = new byte[3 * 32];
    System.arraycopy(EXACT_WITNESS_TYPEHASH, 0, encoded, 0, 32);
    put(witness.to(), encoded, 32);
    put(witness.validAfter(), encoded, 64);
    return Bytes32.of(Keccak.hash(encoded));
  }

  /** The EIP-712 struct hash of the {@code PermitWitnessTransferFrom} message. */
  public static Bytes32 structHash(Permit2Authorization authorization) {
    byte[] permissions = new byte[3 * 32];
    System.arraycopy(TOKEN_PERMISSIONS_TYPEHASH, 0, permissions, 0, 32);
    put(authorization.token(), permissions, 32);
    put(authorization.amount(), permissions, 64);

    byte[] encoded = new byte[6 * 32];
    byte[] typehash =
        authorization.witness().isUpto() ? UPTO_PERMIT_TYPEHASH : EXACT_PERMIT_TYPEHASH;
    System.arraycopy(typehash, 0, encoded, 0, 32);
    System.arraycopy(Keccak.hash(permissions), 0, encoded, 32, 32);
    put(authorization.spender(), encoded, 64);
    put(authorization.nonce(), encoded, 96);
    put(authorization.deadline(), encoded, 128);
    System.arraycopy(witnessHash(authorization.witness()).toBytes(), 0, encoded, 160, 32);
    return Bytes32.of(Keccak.hash(encoded));
  }

  /**
   * The digest the owner signs for {@code authorization} on chain {@code chainId}: {@code
   * keccak256(0x1901 ‖ domainSeparator ‖ structHash)}.
   */
  public static Bytes32 digest(long chainId, Permit2Authorization authorization) {
    return Bytes32.of(
        Keccak.hash(
            new byte[] {0x19, 0x01},
            domainSeparator(chainId).toBytes(),
            structHash(authorization).toBytes()));
  }

  /**
   * Signs {@code authorization} with {@code signer} on chain {@code chainId}.
   *
   * @throws IllegalArgumentException if {@code authorization.from()} is not the signer's address
   */
  public static Signature sign(Signer signer, long chainId, Permit2Authorization authorization) {
    if (!signer.address().equals(authorization.from())) {
      throw new IllegalArgumentException(
          "the authorization is from "
              + authorization.from()
              + ", not the signer "
              + signer.address());
    }
    return signer.sign(digest(chainId, authorization));
  }

  private static void put(EvmAddress address, byte[] out, int offset) {
    System.arraycopy(address.toBytes(), 0, out, offset + 12, 20);
  }

  private static void put(BigInteger value, byte[] out, int offset) {
    Signature.copy(value, out, offset);
  }
}
