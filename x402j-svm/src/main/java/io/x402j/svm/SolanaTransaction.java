package io.x402j.svm;

import io.x402j.svm.internal.WireReader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A Solana transaction on the wire: one 64-byte signature per required signer, then the {@link
 * SolanaMessage}. {@link #decode} is strict and total: input longer than {@value #MAX_SIZE} bytes,
 * trailing bytes, a signature count other than the header's {@code numRequiredSignatures}, or any
 * message rule broken is a {@link SolanaDecodeException} (and nothing else); for every accepted
 * input {@code encode(decode(x))} equals {@code x}. An unsigned slot holds 64 zero bytes.
 * Immutable.
 */
public final class SolanaTransaction {
  /** The largest transaction Solana accepts: one packet's payload, 1232 bytes. */
  public static final int MAX_SIZE = 1232;

  /** Bytes in a signature. */
  public static final int SIGNATURE_LENGTH = 64;

  private final List<byte[]> signatures;
  private final SolanaMessage message;
  private final byte[] messageBytes;

  private SolanaTransaction(List<byte[]> signatures, SolanaMessage message) {
    this.signatures = signatures;
    this.message = message;
    this.messageBytes = message.encode();
  }

  /**
   * Decodes a wire transaction.
   *
   * @throws SolanaDecodeException naming what is wrong, for anything but exactly one well-formed
   *     legacy or v0 transaction of at most {@value #MAX_SIZE} bytes
   */
  public static SolanaTransaction decode(byte[] wire) {
    if (wire == null) {
      throw new SolanaDecodeException("no transaction bytes");
    }
    if (wire.length > MAX_SIZE) {
      throw new SolanaDecodeException(
          "transaction is " + wire.length + " bytes, more than the " + MAX_SIZE + " Solana allows");
    }
    WireReader in = new WireReader(wire);
    int count = in.compactU16("signature count");
    if (count * SIGNATURE_LENGTH > in.remaining()) {
      throw new SolanaDecodeException(
          "signature count " + count + " needs more bytes than the transaction has");
    }
    List<byte[]> signatures = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      signatures.add(in.bytes(SIGNATURE_LENGTH, "signature " + i));
    }
    SolanaMessage message = SolanaMessage.read(in);
    if (in.remaining() != 0) {
      throw new SolanaDecodeException(
          in.remaining() + " trailing bytes after the transaction at offset " + in.position());
    }
    if (count != message.numRequiredSignatures()) {
      throw new SolanaDecodeException(
          "the transaction carries "
              + count
              + " signatures but its header requires "
              + message.numRequiredSignatures());
    }
    return new SolanaTransaction(List.copyOf(signatures), message);
  }

  /**
   * An unsigned transaction of {@code message}: every signature slot holds 64 zero bytes.
   *
   * @throws IllegalArgumentException if the transaction would exceed {@value #MAX_SIZE} bytes
   */
  public static SolanaTransaction unsigned(SolanaMessage message) {
    Objects.requireNonNull(message, "message");
    List<byte[]> signatures = new ArrayList<>();
    for (int i = 0; i < message.numRequiredSignatures(); i++) {
      signatures.add(new byte[SIGNATURE_LENGTH]);
    }
    SolanaTransaction tx = new SolanaTransaction(List.copyOf(signatures), message);
    int size = tx.encode().length;
    if (size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "the transaction would be " + size + " bytes, more than the " + MAX_SIZE + " allowed");
    }
    return tx;
  }

  /** Copies of the signatures, one per required signer, in static-account order. */
  public List<byte[]> signatures() {
    List<byte[]> out = new ArrayList<>(signatures.size());
    for (byte[] signature : signatures) {
      out.add(signature.clone());
    }
    return out;
  }

  /** A copy of signature {@code index}. */
  public byte[] signature(int index) {
    return signatures.get(index).clone();
  }

  /** Whether slot {@code index} is unsigned (64 zero bytes). */
  public boolean isUnsigned(int index) {
    byte[] signature = signatures.get(index);
    for (byte b : signature) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** The message. */
  public SolanaMessage message() {
    return message;
  }

  /** The message's wire bytes: what every signature signs. */
  public byte[] messageBytes() {
    return messageBytes.clone();
  }

  /**
   * This transaction with signature slot {@code index} replaced.
   *
   * @throws IllegalArgumentException if {@code signature} is not 64 bytes or {@code index} is not a
   *     signer slot
   */
  public SolanaTransaction withSignature(int index, byte[] signature) {
    Objects.requireNonNull(signature, "signature");
    if (signature.length != SIGNATURE_LENGTH) {
      throw new IllegalArgumentException(
          "a signature is " + SIGNATURE_LENGTH + " bytes, got " + signature.length);
    }
    if (index < 0 || index >= signatures.size()) {
      throw new IllegalArgumentException(
          "signature slot " + index + " is not one of the " + signatures.size() + " signers");
    }
    List<byte[]> copy = new ArrayList<>(signatures);
    copy.set(index, signature.clone());
    return new SolanaTransaction(List.copyOf(copy), message);
  }

  /**
   * This transaction signed by {@code signer} in its slot.
   *
   * @throws IllegalArgumentException if {@code signer} is not one of the required signers
   */
  public SolanaTransaction signedBy(SvmSigner signer) {
    int slot = message.staticAccounts().indexOf(signer.address());
    if (slot < 0 || slot >= message.numRequiredSignatures()) {
      throw new IllegalArgumentException(
          signer.address() + " is not a required signer of this transaction");
    }
    return withSignature(slot, signer.sign(messageBytes));
  }

  /** The wire bytes. */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WireReader.writeCompactU16(out, signatures.size());
    for (byte[] signature : signatures) {
      out.writeBytes(signature);
    }
    out.writeBytes(messageBytes);
    return out.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SolanaTransaction
        && Arrays.equals(encode(), ((SolanaTransaction) o).encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "SolanaTransaction[signatures=" + signatures.size() + ", message=" + message + "]";
  }
}
