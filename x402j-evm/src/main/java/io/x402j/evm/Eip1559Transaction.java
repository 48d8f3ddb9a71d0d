package io.x402j.evm;

import io.x402j.evm.internal.Rlp;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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

  /**
   * A signed transaction that decodes but whose signature is unusable: {@code r} or {@code s} out
   * of range, a high {@code s}, {@code yParity} not 0 or 1, or no account recovered.
   */
  public static final class InvalidSignatureException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public InvalidSignatureException(String message) {
      super(message);
    }
  }

  /**
   * A decoded signed transaction.
   *
   * @param transaction the transaction
   * @param signature its signature (low {@code s})
   * @param sender the account recovered from the signature
   * @param hash the transaction hash
   */
  public record Signed(
      Eip1559Transaction transaction, Signature signature, EvmAddress sender, Bytes32 hash) {
    /** Validates the fields. */
    public Signed {
      Objects.requireNonNull(transaction, "transaction");
      Objects.requireNonNull(signature, "signature");
      Objects.requireNonNull(sender, "sender");
      Objects.requireNonNull(hash, "hash");
    }
  }

  /**
   * Decodes a signed EIP-1559 transaction ({@code 0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas,
   * maxFeePerGas, gasLimit, to, value, data, accessList, yParity, r, s])}) and recovers its sender.
   * Strict: canonical RLP and integers (no leading zeros), exactly twelve fields, nothing after
   * them, a 20-byte {@code to} (no contract creation), an empty access list, {@code yParity} 0 or 1
   * and a low {@code s} (EIP-2). Legacy and EIP-2930 transactions are refused: the official client
   * signs an EIP-1559 approve.
   *
   * @throws InvalidSignatureException when the transaction decodes but its signature is unusable
   * @throws IllegalArgumentException naming what is wrong otherwise
   */
  public static Signed decodeSigned(byte[] raw) {
    Objects.requireNonNull(raw, "raw");
    if (raw.length == 0) {
      throw new IllegalArgumentException("the transaction is empty");
    }
    if (raw[0] != TYPE) {
      int type = raw[0] & 0xff;
      throw new IllegalArgumentException(
          type >= 0xc0
              ? "a legacy transaction; expected an EIP-1559 (type 2) one"
              : "transaction type " + type + "; expected an EIP-1559 (type 2) one");
    }
    Rlp.Item top = Rlp.decode(raw, 1);
    if (!top.list() || top.items().size() != 12) {
      throw new IllegalArgumentException(
          "an EIP-1559 transaction is a list of 12 fields, got "
              + (top.list() ? top.items().size() + " fields" : "a byte string"));
    }
    List<Rlp.Item> f = top.items();
    BigInteger chainId = f.get(0).uint("chainId", 8);
    BigInteger nonce = f.get(1).uint("nonce", 8);
    BigInteger tip = f.get(2).uint("maxPriorityFeePerGas", 32);
    BigInteger maxFee = f.get(3).uint("maxFeePerGas", 32);
    BigInteger gas = f.get(4).uint("gasLimit", 8);
    byte[] to = f.get(5).string("to");
    BigInteger value = f.get(6).uint("value", 32);
    byte[] data = f.get(7).string("data");
    Rlp.Item accessList = f.get(8);
    BigInteger yParity = f.get(9).uint("yParity", 1);
    BigInteger r = f.get(10).uint("r", 32);
    BigInteger s = f.get(11).uint("s", 32);
    if (chainId.signum() == 0 || chainId.bitLength() > 63) {
      throw new IllegalArgumentException("chainId " + chainId + " is out of range");
    }
    if (nonce.bitLength() > 63 || gas.bitLength() > 63) {
      throw new IllegalArgumentException("nonce or gasLimit is out of range");
    }
    if (to.length != 20) {
      throw new IllegalArgumentException(
          to.length == 0 ? "a contract creation, not a call" : "to is not 20 bytes");
    }
    if (!accessList.list()) {
      throw new IllegalArgumentException("accessList is not a list");
    }
    if (!accessList.items().isEmpty()) {
      throw new IllegalArgumentException("accessList is not empty (not supported)");
    }
    if (yParity.intValue() > 1) {
      throw new InvalidSignatureException("yParity must be 0 or 1, got " + yParity);
    }
    Signature signature;
    try {
      signature = Signature.of(r, s, yParity.intValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidSignatureException(e.getMessage());
    }
    if (signature.isHighS()) {
      throw new InvalidSignatureException("signature s is in the upper half (EIP-2)");
    }
    Eip1559Transaction tx =
        new Eip1559Transaction(
            chainId.longValueExact(),
            nonce.longValueExact(),
            tip,
            maxFee,
            gas.longValueExact(),
            EvmAddress.of(to),
            value,
            data);
    if (!Arrays.equals(tx.encodeSigned(signature), raw)) {
      throw new IllegalArgumentException("the transaction does not re-encode to its own bytes");
    }
    EvmAddress sender = signature.recoverSigner(tx.signingHash());
    if (sender == null) {
      throw new InvalidSignatureException("the signature recovers to no account");
    }
    return new Signed(tx, signature, sender, hash(raw));
  }

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
