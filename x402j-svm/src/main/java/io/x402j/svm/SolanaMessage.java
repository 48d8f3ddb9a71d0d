package io.x402j.svm;

import io.x402j.core.support.Base58;
import io.x402j.svm.internal.WireReader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The signed part of a Solana transaction, legacy or version 0: header, static accounts, recent
 * blockhash, compiled instructions and (v0) address-table lookups. Every instance obeys the
 * runtime's sanitize rules, so indexes can be used without further checks:
 *
 * <ul>
 *   <li>at least one required signature (the fee payer), and no more than there are static
 *       accounts;
 *   <li>fewer read-only signers than signers (the fee payer is writable), and no more read-only
 *       non-signers than there are non-signers;
 *   <li>static accounts distinct; at most 256 accounts in all (static plus loaded);
 *   <li>every program index names a static account other than the fee payer; every account index is
 *       below the number of accounts (static plus loaded);
 *   <li>every address-table lookup loads at least one account; legacy messages have none.
 * </ul>
 *
 * Immutable.
 */
public final class SolanaMessage {
  /** {@link #version()} of a legacy message. */
  public static final int LEGACY = -1;

  private final int version;
  private final int numRequiredSignatures;
  private final int numReadonlySigned;
  private final int numReadonlyUnsigned;
  private final List<SolanaAddress> staticAccounts;
  private final byte[] recentBlockhash;
  private final List<CompiledInstruction> instructions;
  private final List<AddressTableLookup> addressTableLookups;
  private final int loadedWritable;
  private final int loadedReadonly;
  private final byte[] encoded;

  private SolanaMessage(
      int version,
      int numRequiredSignatures,
      int numReadonlySigned,
      int numReadonlyUnsigned,
      List<SolanaAddress> staticAccounts,
      byte[] recentBlockhash,
      List<CompiledInstruction> instructions,
      List<AddressTableLookup> addressTableLookups) {
    this.version = version;
    this.numRequiredSignatures = numRequiredSignatures;
    this.numReadonlySigned = numReadonlySigned;
    this.numReadonlyUnsigned = numReadonlyUnsigned;
    this.staticAccounts = List.copyOf(staticAccounts);
    this.recentBlockhash = recentBlockhash.clone();
    this.instructions = List.copyOf(instructions);
    this.addressTableLookups = List.copyOf(addressTableLookups);
    int w = 0;
    int r = 0;
    for (AddressTableLookup lookup : this.addressTableLookups) {
      w += lookup.writable().size();
      r += lookup.readonly().size();
    }
    this.loadedWritable = w;
    this.loadedReadonly = r;
    validate();
    this.encoded = serialize();
  }

  /**
   * A message with these parts.
   *
   * @param version {@link #LEGACY} or 0
   * @param recentBlockhash 32 bytes
   * @throws SolanaDecodeException (an {@link IllegalArgumentException}) if a sanitize rule is
   *     broken; the message says which
   */
  public static SolanaMessage of(
      int version,
      int numRequiredSignatures,
      int numReadonlySigned,
      int numReadonlyUnsigned,
      List<SolanaAddress> staticAccounts,
      byte[] recentBlockhash,
      List<CompiledInstruction> instructions,
      List<AddressTableLookup> addressTableLookups) {
    Objects.requireNonNull(staticAccounts, "staticAccounts");
    Objects.requireNonNull(recentBlockhash, "recentBlockhash");
    Objects.requireNonNull(instructions, "instructions");
    Objects.requireNonNull(addressTableLookups, "addressTableLookups");
    if (recentBlockhash.length != 32) {
      throw new SolanaDecodeException(
          "recent blockhash must be 32 bytes, got " + recentBlockhash.length);
    }
    return new SolanaMessage(
        version,
        numRequiredSignatures,
        numReadonlySigned,
        numReadonlyUnsigned,
        staticAccounts,
        recentBlockhash,
        instructions,
        addressTableLookups);
  }

  /**
   * Decodes a message on its own (the bytes a transaction's signatures sign).
   *
   * @throws SolanaDecodeException if the bytes are not exactly one well-formed message
   */
  public static SolanaMessage decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > SolanaTransaction.MAX_SIZE) {
      throw new SolanaDecodeException(
          "message is " + bytes.length + " bytes, more than a transaction may hold");
    }
    WireReader reader = new WireReader(bytes);
    SolanaMessage message = read(reader);
    if (reader.remaining() != 0) {
      throw new SolanaDecodeException(
          reader.remaining() + " trailing bytes after the message at offset " + reader.position());
    }
    return message;
  }

  static SolanaMessage read(WireReader in) {
    int version = LEGACY;
    int first = in.peek("message version or header");
    if ((first & 0x80) != 0) {
      in.u8("message version");
      version = first & 0x7f;
      if (version != 0) {
        throw new SolanaDecodeException(
            "unsupported transaction message version " + version + " (only legacy and v0)");
      }
    }
    int numRequired = in.u8("header numRequiredSignatures");
    int readonlySigned = in.u8("header numReadonlySignedAccounts");
    int readonlyUnsigned = in.u8("header numReadonlyUnsignedAccounts");
    int accountCount = in.compactU16("static account count");
    if (accountCount > 256) {
      throw new SolanaDecodeException(
          "static account count " + accountCount + " exceeds 256 accounts");
    }
    List<SolanaAddress> accounts = new ArrayList<>(accountCount);
    for (int i = 0; i < accountCount; i++) {
      accounts.add(SolanaAddress.of(in.bytes(32, "static account " + i)));
    }
    byte[] blockhash = in.bytes(32, "recent blockhash");
    int instructionCount = in.compactU16("instruction count");
    List<CompiledInstruction> instructions = new ArrayList<>();
    for (int i = 0; i < instructionCount; i++) {
      String name = "instruction " + i;
      int program = in.u8(name + " program index");
      int n = in.compactU16(name + " account count");
      List<Integer> indexes = new ArrayList<>(Math.min(n, in.remaining()));
      for (int j = 0; j < n; j++) {
        indexes.add(in.u8(name + " account index " + j));
      }
      int dataLength = in.compactU16(name + " data length");
      instructions.add(
          new CompiledInstruction(program, indexes, in.bytes(dataLength, name + " data")));
    }
    List<AddressTableLookup> lookups = new ArrayList<>();
    if (version == 0) {
      int lookupCount = in.compactU16("address table lookup count");
      for (int i = 0; i < lookupCount; i++) {
        String name = "address table lookup " + i;
        SolanaAddress table = SolanaAddress.of(in.bytes(32, name + " table"));
        List<Integer> writable = indexes(in, name + " writable");
        List<Integer> readonly = indexes(in, name + " readonly");
        lookups.add(new AddressTableLookup(table, writable, readonly));
      }
    }
    return new SolanaMessage(
        version,
        numRequired,
        readonlySigned,
        readonlyUnsigned,
        accounts,
        blockhash,
        instructions,
        lookups);
  }

  private static List<Integer> indexes(WireReader in, String name) {
    int n = in.compactU16(name + " index count");
    List<Integer> out = new ArrayList<>(Math.min(n, in.remaining()));
    for (int j = 0; j < n; j++) {
      out.add(in.u8(name + " index " + j));
    }
    return out;
  }

  private void validate() {
    if (version != LEGACY && version != 0) {
      throw new SolanaDecodeException("unsupported message version " + version);
    }
    if (version == LEGACY && !addressTableLookups.isEmpty()) {
      throw new SolanaDecodeException("a legacy message cannot have address table lookups");
    }
    checkU8(numRequiredSignatures, "numRequiredSignatures");
    checkU8(numReadonlySigned, "numReadonlySignedAccounts");
    checkU8(numReadonlyUnsigned, "numReadonlyUnsignedAccounts");
    if (version == LEGACY && numRequiredSignatures > 127) {
      throw new SolanaDecodeException(
          "a legacy message cannot require more than 127 signatures (the high bit marks a version)");
    }
    if (numRequiredSignatures < 1) {
      throw new SolanaDecodeException(
          "header numRequiredSignatures is 0: a transaction needs its fee payer's signature");
    }
    if (numRequiredSignatures > staticAccounts.size()) {
      throw new SolanaDecodeException(
          "header numRequiredSignatures "
              + numRequiredSignatures
              + " exceeds the "
              + staticAccounts.size()
              + " static accounts");
    }
    if (numReadonlySigned >= numRequiredSignatures) {
      throw new SolanaDecodeException(
          "header numReadonlySignedAccounts "
              + numReadonlySigned
              + " must be below numRequiredSignatures "
              + numRequiredSignatures
              + " (the fee payer is writable)");
    }
    if (numReadonlyUnsigned > staticAccounts.size() - numRequiredSignatures) {
      throw new SolanaDecodeException(
          "header numReadonlyUnsignedAccounts "
              + numReadonlyUnsigned
              + " exceeds the "
              + (staticAccounts.size() - numRequiredSignatures)
              + " unsigned static accounts");
    }
    Set<SolanaAddress> seen = new HashSet<>();
    for (int i = 0; i < staticAccounts.size(); i++) {
      if (!seen.add(Objects.requireNonNull(staticAccounts.get(i), "static account"))) {
        throw new SolanaDecodeException(
            "static account " + i + " (" + staticAccounts.get(i) + ") appears twice");
      }
    }
    for (int i = 0; i < addressTableLookups.size(); i++) {
      AddressTableLookup lookup = addressTableLookups.get(i);
      if (lookup.writable().isEmpty() && lookup.readonly().isEmpty()) {
        throw new SolanaDecodeException("address table lookup " + i + " loads no account");
      }
    }
    int total = accountCount();
    if (total > 256) {
      throw new SolanaDecodeException(
          "the message names " + total + " accounts (static and loaded), more than 256");
    }
    for (int i = 0; i < instructions.size(); i++) {
      CompiledInstruction ix = instructions.get(i);
      if (ix.programIdIndex() >= staticAccounts.size()) {
        throw new SolanaDecodeException(
            "instruction "
                + i
                + " program index "
                + ix.programIdIndex()
                + " is not one of the "
                + staticAccounts.size()
                + " static accounts");
      }
      if (ix.programIdIndex() == 0) {
        throw new SolanaDecodeException(
            "instruction " + i + " names the fee payer (account 0) as its program");
      }
      for (int j = 0; j < ix.accounts().size(); j++) {
        int index = ix.accounts().get(j);
        if (index >= total) {
          throw new SolanaDecodeException(
              "instruction "
                  + i
                  + " account index "
                  + index
                  + " (position "
                  + j
                  + ") is out of range: the message has "
                  + total
                  + " accounts");
        }
      }
    }
  }

  private static void checkU8(int value, String field) {
    if (value < 0 || value > 255) {
      throw new SolanaDecodeException("header " + field + " must be 0..255, got " + value);
    }
  }

  private byte[] serialize() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (version == 0) {
      out.write(0x80);
    }
    out.write(numRequiredSignatures);
    out.write(numReadonlySigned);
    out.write(numReadonlyUnsigned);
    WireReader.writeCompactU16(out, staticAccounts.size());
    for (SolanaAddress account : staticAccounts) {
      out.writeBytes(account.bytes());
    }
    out.writeBytes(recentBlockhash);
    WireReader.writeCompactU16(out, instructions.size());
    for (CompiledInstruction ix : instructions) {
      out.write(ix.programIdIndex());
      WireReader.writeCompactU16(out, ix.accounts().size());
      for (int index : ix.accounts()) {
        out.write(index);
      }
      byte[] data = ix.data();
      WireReader.writeCompactU16(out, data.length);
      out.writeBytes(data);
    }
    if (version == 0) {
      WireReader.writeCompactU16(out, addressTableLookups.size());
      for (AddressTableLookup lookup : addressTableLookups) {
        out.writeBytes(lookup.table().bytes());
        WireReader.writeCompactU16(out, lookup.writable().size());
        lookup.writable().forEach(out::write);
        WireReader.writeCompactU16(out, lookup.readonly().size());
        lookup.readonly().forEach(out::write);
      }
    }
    return out.toByteArray();
  }

  /** {@link #LEGACY} (-1) or 0. */
  public int version() {
    return version;
  }

  /** Signatures the transaction needs: the first this many static accounts sign. */
  public int numRequiredSignatures() {
    return numRequiredSignatures;
  }

  /** How many of the signers (the last ones) are read-only. */
  public int numReadonlySigned() {
    return numReadonlySigned;
  }

  /** How many of the unsigned static accounts (the last ones) are read-only. */
  public int numReadonlyUnsigned() {
    return numReadonlyUnsigned;
  }

  /** The accounts named in the message itself; the first is the fee payer. */
  public List<SolanaAddress> staticAccounts() {
    return staticAccounts;
  }

  /** The fee payer: static account 0. */
  public SolanaAddress feePayer() {
    return staticAccounts.get(0);
  }

  /** The recent blockhash, base58. */
  public String recentBlockhash() {
    return Base58.encode(recentBlockhash);
  }

  /** The recent blockhash's 32 bytes. */
  public byte[] recentBlockhashBytes() {
    return recentBlockhash.clone();
  }

  /** The instructions, in order. */
  public List<CompiledInstruction> instructions() {
    return instructions;
  }

  /** The address-table lookups (always empty for legacy messages). */
  public List<AddressTableLookup> addressTableLookups() {
    return addressTableLookups;
  }

  /** Accounts an index may name: static accounts, then those loaded from tables. */
  public int accountCount() {
    return staticAccounts.size() + loadedWritable + loadedReadonly;
  }

  /**
   * Whether account {@code index} must sign.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not below {@link #accountCount()}
   */
  public boolean isSigner(int index) {
    Objects.checkIndex(index, accountCount());
    return index < numRequiredSignatures;
  }

  /**
   * Whether account {@code index} is writable as the header and lookups declare it (the runtime
   * additionally demotes reserved accounts and invoked programs, which this does not model). Loaded
   * accounts are ordered: every table's writable ones, then every table's read-only ones.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not below {@link #accountCount()}
   */
  public boolean isWritable(int index) {
    Objects.checkIndex(index, accountCount());
    int statics = staticAccounts.size();
    if (index < numRequiredSignatures) {
      return index < numRequiredSignatures - numReadonlySigned;
    }
    if (index < statics) {
      return index < statics - numReadonlyUnsigned;
    }
    return index < statics + loadedWritable;
  }

  /** The wire bytes: what signatures sign. */
  public byte[] encode() {
    return encoded.clone();
  }

  int encodedLength() {
    return encoded.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SolanaMessage
        && java.util.Arrays.equals(encoded, ((SolanaMessage) o).encoded);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "SolanaMessage[version="
        + (version == LEGACY ? "legacy" : String.valueOf(version))
        + ", accounts="
        + staticAccounts
        + ", blockhash="
        + recentBlockhash()
        + ", instructions="
        + instructions
        + ", lookups="
        + addressTableLookups
        + "]";
  }
}
