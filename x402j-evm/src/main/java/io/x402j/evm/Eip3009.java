package io.x402j.evm;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * EIP-712 hashing of EIP-3009 {@code TransferWithAuthorization} messages, the signature scheme of
 * USDC and of x402's exact scheme on EVM. The domain is {@code {name, version, chainId,
 * verifyingContract}}, where name and version come from the requirement's {@code extra}.
 */
public final class Eip3009 {
  private static final byte[] DOMAIN_TYPEHASH =
      Keccak.hash(
          "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

  /** The type hash of {@code TransferWithAuthorization}. */
  static final byte[] TRANSFER_TYPEHASH =
      Keccak.hash(
          "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,"
              + "uint256 validBefore,bytes32 nonce)");

  /**
   * Recent domain separators: a facilitator hashes the same few domains for every payment. The name
   * and version come from requests, so the map is emptied rather than let grow.
   */
  private static final Map<Domain, Bytes32> DOMAINS = new ConcurrentHashMap<>();

  private static final int MAX_DOMAINS = 256;

  private record Domain(String name, String version, long chainId, EvmAddress contract) {}

  private Eip3009() {}

  /** The EIP-712 domain separator of a token. */
  public static Bytes32 domainSeparator(
      String name, String version, long chainId, EvmAddress verifyingContract) {
    Domain domain = new Domain(name, version, chainId, verifyingContract);
    Bytes32 known = DOMAINS.get(domain);
    if (known != null) {
      return known;
    }
    Bytes32 separator = hashDomain(name, version, chainId, verifyingContract);
    if (DOMAINS.size() >= MAX_DOMAINS) {
      DOMAINS.clear();
    }
    DOMAINS.put(domain, separator);
    return separator;
  }

  private static Bytes32 hashDomain(
      String name, String version, long chainId, EvmAddress verifyingContract) {
    byte[] encoded = new byte[5 * 32];

    System.arraycopy(DOMAIN_TYPEHASH, 0, encoded, 0, 32);
    System.arraycopy(Keccak.hash(name.getBytes(StandardCharsets.UTF_8)), 0, encoded, 32, 32);
    System.arraycopy(Keccak.hash(version.getBytes(StandardCharsets.UTF_8)), 0, encoded, 64, 32);
    word(BigInteger.valueOf(chainId), encoded, 96);
    address(verifyingContract, encoded, 128);
    return Bytes32.of(Keccak.hash(encoded));
  }

  /** The digest a payer signs for {@code authorization} under {@code domainSeparator}. */
  public static Bytes32 digest(Bytes32 domainSeparator, Eip3009Authorization authorization) {
    byte[] struct = new byte[7 * 32];
    System.arraycopy(TRANSFER_TYPEHASH, 0, struct, 0, 32);
    address(authorization.from(), struct, 32);
    address(authorization.to(), struct, 64);
    word(authorization.value().value(), struct, 96);
    word(authorization.validAfter(), struct, 128);
    word(authorization.validBefore(), struct, 160);
    System.arraycopy(authorization.nonce().toBytes(), 0, struct, 192, 32);
    byte[] structHash = Keccak.hash(struct);
    return Bytes32.of(Keccak.hash(new byte[] {0x19, 0x01}, domainSeparator.toBytes(), structHash));
  }

  private static void address(EvmAddress address, byte[] out, int offset) {
    System.arraycopy(address.toBytes(), 0, out, offset + 12, 20);
  }

  private static void word(BigInteger value, byte[] out, int offset) {
    Signature.copy(value, out, offset);
  }
}
