package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SolanaTransactionTest {
  static final SolanaKeypair PAYER = SolanaKeypair.fromSeed(new byte[32]);
  static final SolanaAddress FEE_PAYER = SolanaKeypair.fromSeed(filled(7)).address();
  static final SolanaAddress MINT =
      SolanaAddress.parse("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
  static final SolanaAddress PAY_TO = SolanaKeypair.fromSeed(filled(9)).address();

  static byte[] filled(int value) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) value);
    return b;
  }

  /** A transaction shaped like the official client's: fee payer slot empty, payer signed. */
  static SolanaTransaction paymentTransaction() {
    SolanaAddress source = TokenAccounts.associated(PAYER.address(), MINT, SolanaPrograms.TOKEN);
    SolanaAddress destination = TokenAccounts.associated(PAY_TO, MINT, SolanaPrograms.TOKEN);
    SolanaMessage message =
        MessageCompiler.compileV0(
            FEE_PAYER,
            List.of(
                SvmInstructions.setComputeUnitLimit(20_000),
                SvmInstructions.setComputeUnitPrice(1),
                SvmInstructions.transferChecked(
                    SolanaPrograms.TOKEN, source, MINT, destination, PAYER.address(), 1000, 6),
                SvmInstructions.memo("inv_42")),
            filled(3));
    return SolanaTransaction.unsigned(message).signedBy(PAYER);
  }

  @Test
  void compilesTheOfficialLayout() {
    SolanaTransaction tx = paymentTransaction();
    SolanaMessage m = tx.message();
    assertThat(m.version()).isEqualTo(0);
    assertThat(m.numRequiredSignatures()).isEqualTo(2);
    assertThat(m.numReadonlySigned()).isEqualTo(1);
    assertThat(m.numReadonlyUnsigned()).isEqualTo(4);
    assertThat(m.staticAccounts()).hasSize(8);
    assertThat(m.staticAccounts().get(0)).isEqualTo(FEE_PAYER);
    assertThat(m.staticAccounts().get(1)).isEqualTo(PAYER.address());
    assertThat(m.staticAccounts().subList(4, 8))
        .containsExactly(
            MINT, SolanaPrograms.COMPUTE_BUDGET, SolanaPrograms.MEMO, SolanaPrograms.TOKEN);
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(m.instructions().get(0).data())).isEqualTo("02204e0000");
    assertThat(hex.formatHex(m.instructions().get(1).data())).isEqualTo("030100000000000000");
    assertThat(hex.formatHex(m.instructions().get(2).data())).isEqualTo("0ce80300000000000006");
    assertThat(m.instructions().get(3).data()).isEqualTo("inv_42".getBytes());
    assertThat(tx.isUnsigned(0)).isTrue();
    assertThat(Ed25519.verify(PAYER.address(), tx.messageBytes(), tx.signature(1))).isTrue();
    assertThat(m.isSigner(1)).isTrue();
    assertThat(m.isWritable(1)).isFalse();
    assertThat(m.isWritable(0)).isTrue();
    assertThat(m.isWritable(2)).isTrue();
    assertThat(m.isWritable(4)).isFalse();
  }

  @Test
  void decodeOfEncodeIsIdentity() {
    byte[] wire = paymentTransaction().encode();
    SolanaTransaction decoded = SolanaTransaction.decode(wire);
    assertThat(decoded.encode()).isEqualTo(wire);
    assertThat(decoded).isEqualTo(paymentTransaction());
    assertThat(SolanaMessage.decode(decoded.messageBytes()).encode())
        .isEqualTo(decoded.messageBytes());
  }

  @Test
  void refusesTrailingBytes() {
    byte[] wire = paymentTransaction().encode();
    byte[] longer = Arrays.copyOf(wire, wire.length + 1);
    assertThatThrownBy(() -> SolanaTransaction.decode(longer))
        .isInstanceOf(SolanaDecodeException.class)
        .hasMessageContaining("1 trailing bytes");
  }

  @Test
  void refusesTruncation() {
    byte[] wire = paymentTransaction().encode();
    for (int n = 0; n < wire.length; n++) {
      byte[] cut = Arrays.copyOf(wire, n);
      assertThatThrownBy(() -> SolanaTransaction.decode(cut))
          .isInstanceOf(SolanaDecodeException.class);
    }
  }

  @Test
  void refusesOversizedInput() {
    assertThatThrownBy(() -> SolanaTransaction.decode(new byte[1233]))
        .isInstanceOf(SolanaDecodeException.class)
        .hasMessageContaining("1233 bytes");
  }

  @Test
  void refusesASignatureCountOtherThanTheHeaders() {
    SolanaTransaction tx = paymentTransaction();
    byte[] message = tx.messageBytes();
    for (int count : new int[] {1, 3}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(count);
      out.writeBytes(new byte[64 * count]);
      out.writeBytes(message);
      assertThatThrownBy(() -> SolanaTransaction.decode(out.toByteArray()))
          .isInstanceOf(SolanaDecodeException.class)
          .hasMessageContaining("carries " + count + " signatures but its header requires 2");
    }
  }

  @Test
  void refusesNonMinimalAndOversizedCompactU16() {
    byte[] wire = paymentTransaction().encode();
    // signature count 2 spelled 0x82 0x00
    byte[] alias = new byte[wire.length + 1];
    alias[0] = (byte) 0x82;
    alias[1] = 0;
    System.arraycopy(wire, 1, alias, 2, wire.length - 1);
    assertThatThrownBy(() -> SolanaTransaction.decode(alias))
        .isInstanceOf(SolanaDecodeException.class)
        .hasMessageContaining("non-minimal compact-u16");
    assertThatThrownBy(() -> SolanaTransaction.decode(new byte[] {(byte) 0xff, (byte) 0xff, 0x04}))
        .isInstanceOf(SolanaDecodeException.class)
        .hasMessageContaining("exceeds 0xffff");
    assertThatThrownBy(() -> SolanaTransaction.decode(new byte[] {(byte) 0x80, (byte) 0x80, 0x00}))
        .isInstanceOf(SolanaDecodeException.class)
        .hasMessageContaining("non-minimal");
  }

  @Test
  void refusesOtherMessageVersions() {
    byte[] wire = paymentTransaction().encode();
    int prefix = 1 + 2 * 64;
    assertThat(wire[prefix]).isEqualTo((byte) 0x80);
    wire[prefix] = (byte) 0x81;
    assertThatThrownBy(() -> SolanaTransaction.decode(wire))
        .isInstanceOf(SolanaDecodeException.class)
        .hasMessageContaining("unsupported transaction message version 1");
  }

  private static SolanaMessage mutate(
      int numReq, int roSigned, int roUnsigned, CompiledInstruction ix) {
    SolanaMessage m = paymentTransaction().message();
    return SolanaMessage.of(
        0,
        numReq,
        roSigned,
        roUnsigned,
        m.staticAccounts(),
        m.recentBlockhashBytes(),
        List.of(ix),
        List.of());
  }

  @Test
  void refusesInconsistentHeaders() {
    CompiledInstruction memo = new CompiledInstruction(6, List.of(), new byte[0]);
    assertThatThrownBy(() -> mutate(0, 0, 0, memo))
        .hasMessageContaining("numRequiredSignatures is 0");
    assertThatThrownBy(() -> mutate(9, 0, 0, memo)).hasMessageContaining("exceeds the 8 static");
    assertThatThrownBy(() -> mutate(2, 2, 0, memo)).hasMessageContaining("fee payer is writable");
    assertThatThrownBy(() -> mutate(2, 1, 7, memo)).hasMessageContaining("exceeds the 6 unsigned");
    assertThat(mutate(2, 1, 6, memo).numReadonlyUnsigned()).isEqualTo(6);
  }

  @Test
  void refusesOutOfRangeIndexes() {
    assertThatThrownBy(() -> mutate(2, 1, 4, new CompiledInstruction(8, List.of(), new byte[0])))
        .isInstanceOf(SolanaDecodeException.class)
        .hasMessageContaining("program index 8 is not one of the 8 static accounts");
    assertThatThrownBy(() -> mutate(2, 1, 4, new CompiledInstruction(0, List.of(), new byte[0])))
        .hasMessageContaining("fee payer (account 0) as its program");
    assertThatThrownBy(
            () -> mutate(2, 1, 4, new CompiledInstruction(7, List.of(1, 8), new byte[0])))
        .hasMessageContaining("account index 8 (position 1) is out of range");
    // ...and on the wire: bump the transfer's authority index past the end
    byte[] wire = paymentTransaction().encode();
    byte[] msg = paymentTransaction().messageBytes();
    int offset = wire.length - msg.length;
    SolanaMessage m = paymentTransaction().message();
    // locate ix2 accounts [2,4,3,1]: search the message for 07 04 02 04 03 01
    int at = indexOf(msg, new byte[] {7, 4, 2, 4, 3, 1});
    assertThat(at).isPositive();
    wire[offset + at + 5] = (byte) m.accountCount();
    assertThatThrownBy(() -> SolanaTransaction.decode(wire))
        .isInstanceOf(SolanaDecodeException.class)
        .hasMessageContaining("account index 8 (position 3) is out of range");
  }

  @Test
  void refusesDuplicateStaticAccounts() {
    SolanaMessage m = paymentTransaction().message();
    List<SolanaAddress> accounts = new java.util.ArrayList<>(m.staticAccounts());
    accounts.set(3, accounts.get(2));
    assertThatThrownBy(
            () ->
                SolanaMessage.of(
                    0, 2, 1, 4, accounts, m.recentBlockhashBytes(), m.instructions(), List.of()))
        .hasMessageContaining("appears twice");
  }

  @Test
  void lookupsExtendTheIndexRangeAndMustLoadSomething() {
    SolanaMessage m = paymentTransaction().message();
    SolanaAddress table = SolanaAddress.of(filled(5));
    CompiledInstruction ix = new CompiledInstruction(7, List.of(8, 9), new byte[] {1});
    SolanaMessage withLookup =
        SolanaMessage.of(
            0,
            2,
            1,
            4,
            m.staticAccounts(),
            m.recentBlockhashBytes(),
            List.of(ix),
            List.of(new AddressTableLookup(table, List.of(3), List.of(4))));
    assertThat(withLookup.accountCount()).isEqualTo(10);
    assertThat(withLookup.isWritable(8)).isTrue();
    assertThat(withLookup.isWritable(9)).isFalse();
    assertThat(SolanaMessage.decode(withLookup.encode())).isEqualTo(withLookup);
    assertThatThrownBy(
            () ->
                SolanaMessage.of(
                    0,
                    2,
                    1,
                    4,
                    m.staticAccounts(),
                    m.recentBlockhashBytes(),
                    List.of(ix),
                    List.of(new AddressTableLookup(table, List.of(3), List.of()))))
        .hasMessageContaining("account index 9");
    assertThatThrownBy(
            () ->
                SolanaMessage.of(
                    0,
                    2,
                    1,
                    4,
                    m.staticAccounts(),
                    m.recentBlockhashBytes(),
                    List.of(),
                    List.of(new AddressTableLookup(table, List.of(), List.of()))))
        .hasMessageContaining("loads no account");
    // programs cannot come from a table
    assertThatThrownBy(
            () ->
                SolanaMessage.of(
                    0,
                    2,
                    1,
                    4,
                    m.staticAccounts(),
                    m.recentBlockhashBytes(),
                    List.of(new CompiledInstruction(8, List.of(), new byte[0])),
                    List.of(new AddressTableLookup(table, List.of(3), List.of()))))
        .hasMessageContaining("program index 8");
  }

  @Test
  void legacyMessagesRoundTrip() {
    SolanaMessage m = paymentTransaction().message();
    SolanaMessage legacy =
        SolanaMessage.of(
            -1, 2, 1, 4, m.staticAccounts(), m.recentBlockhashBytes(), m.instructions(), List.of());
    SolanaTransaction tx = SolanaTransaction.unsigned(legacy);
    assertThat(tx.messageBytes()[0]).isEqualTo((byte) 2);
    assertThat(SolanaTransaction.decode(tx.encode()).message().version()).isEqualTo(-1);
    assertThat(SolanaTransaction.decode(tx.encode()).encode()).isEqualTo(tx.encode());
  }

  @Test
  void withSignatureChecksSlotAndLength() {
    SolanaTransaction tx = paymentTransaction();
    assertThatThrownBy(() -> tx.withSignature(2, new byte[64])).hasMessageContaining("slot 2");
    assertThatThrownBy(() -> tx.withSignature(0, new byte[63])).hasMessageContaining("64 bytes");
    byte[] sig = new byte[64];
    sig[0] = 1;
    assertThat(tx.withSignature(0, sig).isUnsigned(0)).isFalse();
    assertThat(tx.isUnsigned(0)).isTrue();
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
