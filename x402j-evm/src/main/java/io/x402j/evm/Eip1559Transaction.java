package io.x402j.evm;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

/**
 * An EIP-1559 (type 2) transaction: its signing hash and its signed encoding for {@code
 * eth_sendRawTransaction}.
 *
 * @param chainId the chain
 * @param nonce the sender's nonce
 * @param maxPriorityFeePerGas the tip per gas, in wei
 * @param maxFeePerGas the most paid per gas, in wei
 * @param gasLimit the gas limit
 * @param to the recipient contract
 * @param value wei sent along
 * @param data the call data
 */
public record Eip1559Transaction(
    long chainId,
    long nonce,
    BigInteger maxPriorityFeePerGas,
    BigInteger maxFeePerGas,
    long gasLimit,
    EvmAddress to,
    BigInteger value,
    byte[] data) {

  private static final byte TYPE = 0x02;

  /** The hash the sender signs. */
  public Bytes32 signingHash() {
    return Bytes32.of(Keccak.hash(typed(RlpEncoder.encode(new RlpList(fields(null))))));
  }

  /** The signed transaction, ready for {@code eth_sendRawTransaction}. */
  public byte[] encodeSigned(Signature signature) {
    return typed(RlpEncoder.encode(new RlpList(fields(signature))));
  }

  /** The transaction hash of signed bytes. */
  public static Bytes32 hash(byte[] signed) {
    return Bytes32.of(Keccak.hash(signed));
  }

  private List<RlpType> fields(Signature signature) {
    List<RlpType> fields = new ArrayList<>(12);
    fields.add(RlpString.create(chainId));
    fields.add(RlpString.create(nonce));
    fields.add(RlpString.create(maxPriorityFeePerGas));
    fields.add(RlpString.create(maxFeePerGas));
    fields.add(RlpString.create(gasLimit));
    fields.add(RlpString.create(to.toBytes()));
    fields.add(RlpString.create(value));
    fields.add(RlpString.create(data));
    fields.add(new RlpList()); // access list
    if (signature != null) {
      fields.add(RlpString.create(signature.recoveryId()));
      fields.add(RlpString.create(signature.r()));
      fields.add(RlpString.create(signature.s()));
    }
    return fields;
  }

  private static byte[] typed(byte[] rlp) {
    byte[] out = new byte[rlp.length + 1];
    out[0] = TYPE;
    System.arraycopy(rlp, 0, out, 1, rlp.length);
    return out;
  }
}
