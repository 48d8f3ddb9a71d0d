package io.x402j.svm.facilitator;

import static io.x402j.svm.facilitator.SvmFixture.base64;
import static io.x402j.svm.facilitator.SvmFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.svm.AccountMeta;
import io.x402j.svm.AddressTableLookup;
import io.x402j.svm.CompiledInstruction;
import io.x402j.svm.Instruction;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.SolanaMessage;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.SolanaTransaction;
import io.x402j.svm.SvmInstructions;
import io.x402j.svm.TokenAccounts;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every check of verification, with hostile transactions, against a scripted node on real HTTP. */
class ExactSvmVerifyTest {
  private SvmFixture f;
  private ExactSvmFacilitator facilitator;

  @BeforeEach
  void start() throws Exception {
    f = new SvmFixture();
    facilitator = ExactSvmFacilitator.builder().network(f.config().build()).build();
  }

  @AfterEach
  void stop() {
    facilitator.close();
    f.close();
  }

  private VerifyResponse verify(SchemeRequest request) {
    return facilitator.verify(request).join();
  }

  private VerifyResponse verify(SolanaTransaction tx) {
    return verify(f.request(tx));
  }

  private static void refused(VerifyResponse response, String reason) {
    assertThat(response.isValid()).as(response.invalidMessage()).isFalse();
    assertThat(response.invalidReason()).as(response.invalidMessage()).isEqualTo(reason);
  }

  @Test
  void theOfficialLayoutIsValidAndSimulatedWithoutSignatureChecks() throws Exception {
    VerifyResponse response = verify(f.valid());

    assertThat(response.isValid()).as(response.invalidMessage()).isTrue();
    assertThat(response.payer()).isEqualTo(f.buyer.address().toString());
    assertThat(f.calls).containsExactly("simulateTransaction");
  }

  @Test
  void token2022IsAcceptedUnlessTheMintChargesATransferFee() {
    List<Instruction> ixs = f.instructions(1000);
    ixs.set(2, f.transfer(SolanaPrograms.TOKEN_2022, f.mint, f.payTo, f.buyer.address(), 1000));
    SolanaTransaction tx = f.transaction(f.feePayer.address(), ixs, f.buyer);

    // A TransferFeeConfig with no fee (as PYUSD's) is fine.
    mint2022(0);
    VerifyResponse free = verify(tx);
    assertThat(free.isValid()).as(free.invalidMessage()).isTrue();

    mint2022(25);
    VerifyResponse fee = verify(tx);
    assertThat(fee.invalidReason()).isEqualTo("invalid_exact_svm_payload_amount_mismatch");
    assertThat(fee.invalidMessage()).contains("transfer fee");
  }

  /** Serves {@code f.mint} as a Token-2022 mint with a TransferFeeConfig of {@code bps}. */
  private void mint2022(int bps) {
    ByteBuffer b = ByteBuffer.allocate(166 + 4 + 108).order(ByteOrder.LITTLE_ENDIAN);
    b.position(44);
    b.put((byte) 6).put((byte) 1);
    b.position(165);
    b.put((byte) 1).putShort((short) 1).putShort((short) 108);
    b.position(b.position() + 72);
    for (int i = 0; i < 2; i++) {
      b.putLong(0).putLong(1_000_000).putShort((short) bps);
    }
    String account =
        "{\"lamports\":1,\"owner\":\""
            + SolanaPrograms.TOKEN_2022
            + "\",\"data\":[\""
            + Base64.getEncoder().encodeToString(b.array())
            + "\",\"base64\"],\"executable\":false}";
    f.methods.put("getAccountInfo", r -> "{\"context\":{\"slot\":1},\"value\":" + account + "}");
  }

  @Test
  void schemeAndNetworkMismatches() {
    PaymentRequirements req = f.requirements();
    PaymentRequirements upto = req.toBuilder().scheme("upto").build();
    SchemeRequest wrongScheme =
        new SchemeRequest(
            2,
            io.x402j.core.wire.PaymentPayload.of(
                null, upto, Map.of("transaction", base64(f.valid()))),
            req);
    refused(verify(wrongScheme), "invalid_exact_svm_unsupported_scheme");
    SchemeRequest v1 = new SchemeRequest(1, wrongScheme.payload(), wrongScheme.requirements());
    refused(verify(v1), "unsupported_scheme");

    PaymentRequirements mainnet =
        req.toBuilder()
            .network(io.x402j.core.Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"))
            .build();
    SchemeRequest wrongNetwork =
        new SchemeRequest(
            2,
            io.x402j.core.wire.PaymentPayload.of(
                null, mainnet, Map.of("transaction", base64(f.valid()))),
            req);
    refused(verify(wrongNetwork), "invalid_exact_svm_network_mismatch");
  }

  @Test
  void feePayerMissingOrNotOurs() {
    PaymentRequirements none = f.requirements().toBuilder().extra(Map.of()).build();
    refused(
        verify(request(2, none, base64(f.valid()))), "invalid_exact_svm_payload_missing_fee_payer");

    PaymentRequirements stranger =
        f.requirements(1000, Map.of("feePayer", SolanaKeypair.generate().address().toString()));
    refused(
        verify(request(2, stranger, base64(f.valid()))),
        "invalid_exact_svm_fee_payer_not_managed_by_facilitator");
    refused(
        verify(request(1, stranger, base64(f.valid()))), "fee_payer_not_managed_by_facilitator");
  }

  @Test
  void aNumericFeePayerIsRefusedAsNotABase58String() {
    PaymentRequirements numeric = f.requirements(1000, Map.of("feePayer", 12345));
    VerifyResponse response = verify(request(2, numeric, base64(f.valid())));
    refused(response, "invalid_exact_svm_payload_missing_fee_payer");
    assertThat(response.invalidMessage()).contains("must be a base58").doesNotContain("have no");
  }

  @Test
  void theTransactionsFeePayerMustBeExtraFeePayer() {
    // Paid by our other key while the requirements name the first.
    SolanaTransaction tx = f.transaction(f.feePayer2.address(), f.instructions(1000), f.buyer);

    refused(verify(tx), "invalid_exact_svm_fee_payer_mismatch");
  }

  @Test
  void undecodableOrNonCanonicalBase64() {
    String good = base64(f.valid());
    for (String bad :
        List.of("not base64!", good + "\n", " " + good, good.replace('+', '-'), "AAEC", "")) {
      refused(
          verify(request(2, f.requirements(), bad)),
          "invalid_exact_svm_payload_transaction_could_not_be_decoded");
    }
    // A trailing byte after one well-formed transaction is not that transaction.
    byte[] wire = f.valid().encode();
    byte[] longer = java.util.Arrays.copyOf(wire, wire.length + 1);
    refused(
        verify(request(2, f.requirements(), Base64.getEncoder().encodeToString(longer))),
        "invalid_exact_svm_payload_transaction_could_not_be_decoded");
  }

  @Test
  void excessiveSigners() {
    SolanaKeypair third = SolanaKeypair.generate();
    List<Instruction> ixs = f.instructions(1000);
    ixs.set(
        3,
        new Instruction(
            SolanaPrograms.MEMO,
            List.of(AccountMeta.readonlySigner(third.address())),
            "x".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    refused(
        verify(f.transaction(f.feePayer.address(), ixs, f.buyer, third)),
        "invalid_exact_svm_payload_excessive_signers");
  }

  @Test
  void aBadOrMissingPayerSignature() {
    SolanaTransaction tx = f.valid();
    byte[] signature = tx.signature(1);
    signature[7] ^= 1;
    refused(verify(tx.withSignature(1, signature)), "invalid_exact_svm_payload_signature_invalid");

    SolanaTransaction unsigned = f.transaction(f.feePayer.address(), f.instructions(1000));
    refused(verify(unsigned), "invalid_exact_svm_payload_signature_invalid");
    assertThat(f.calls).isEmpty(); // refused before any RPC
  }

  @Test
  void instructionCount() {
    List<Instruction> two = new ArrayList<>(f.instructions(1000).subList(0, 2));
    refused(
        verify(f.transaction(f.feePayer.address(), two)),
        "invalid_exact_svm_payload_transaction_instructions_length");

    List<Instruction> eight = f.instructions(1000);
    for (int i = 0; i < 4; i++) {
      eight.add(SvmInstructions.memo("m" + i));
    }
    refused(
        verify(f.transaction(f.feePayer.address(), eight, f.buyer)),
        "invalid_exact_svm_payload_transaction_instructions_length");

    // Seven passes in v2, not in v1 (3 to 6).
    List<Instruction> seven = new ArrayList<>(eight.subList(0, 7));
    SolanaTransaction tx = f.transaction(f.feePayer.address(), seven, f.buyer);
    assertThat(verify(tx).isValid()).isTrue();
    refused(
        verify(request(1, f.requirements(), base64(tx))),
        "invalid_exact_svm_payload_transaction_instructions_length");
  }

  @Test
  void computeBudgetInstructionsAndCaps() {
    List<Instruction> swapped = f.instructions(1000);
    Instruction limit = swapped.get(0);
    swapped.set(0, swapped.get(1));
    swapped.set(1, limit);
    refused(
        verify(f.transaction(f.feePayer.address(), swapped, f.buyer)),
        "invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction");

    List<Instruction> atCap = f.instructions(1000);
    atCap.set(1, SvmInstructions.setComputeUnitPrice(5_000_000));
    assertThat(verify(f.transaction(f.feePayer.address(), atCap, f.buyer)).isValid()).isTrue();

    List<Instruction> tooHigh = f.instructions(1000);
    tooHigh.set(1, SvmInstructions.setComputeUnitPrice(5_000_001));
    refused(
        verify(f.transaction(f.feePayer.address(), tooHigh, f.buyer)),
        "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high");

    // u64 prices above Long.MAX_VALUE are compared unsigned.
    List<Instruction> huge = f.instructions(1000);
    byte[] data =
        ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).put((byte) 3).putLong(-1L).array();
    huge.set(1, new Instruction(SolanaPrograms.COMPUTE_BUDGET, List.of(), data));
    refused(
        verify(f.transaction(f.feePayer.address(), huge, f.buyer)),
        "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high");

    List<Instruction> notPrice = f.instructions(1000);
    notPrice.set(1, SvmInstructions.setComputeUnitLimit(1));
    refused(
        verify(f.transaction(f.feePayer.address(), notPrice, f.buyer)),
        "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction");
  }

  @Test
  void aConfiguredComputeUnitCap() throws Exception {
    try (ExactSvmFacilitator capped =
        ExactSvmFacilitator.builder()
            .network(f.config().maxComputeUnits(10_000).maxComputeUnitPrice(0).build())
            .build()) {
      refused(
          capped.verify(f.request(f.valid())).join(),
          "invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction_too_high");
      List<Instruction> ixs = f.instructions(1000);
      ixs.set(0, SvmInstructions.setComputeUnitLimit(10_000));
      refused(
          capped.verify(f.request(f.transaction(f.feePayer.address(), ixs, f.buyer))).join(),
          "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high");
    }
  }

  @Test
  void noTransferInstruction() {
    List<Instruction> ixs = f.instructions(1000);
    ixs.set(2, SvmInstructions.memo("not a transfer"));
    refused(
        verify(f.transaction(f.feePayer.address(), ixs)),
        "invalid_exact_svm_payload_no_transfer_instruction");
  }

  @Test
  void feePayerAsTransferAuthority() {
    for (SolanaKeypair ours : List.of(f.feePayer, f.feePayer2)) {
      List<Instruction> ixs = f.instructions(1000);
      ixs.set(2, f.transfer(SolanaPrograms.TOKEN, f.mint, f.payTo, ours.address(), 1000));
      SolanaTransaction tx =
          ours == f.feePayer
              ? f.transaction(f.feePayer.address(), ixs)
              : f.transaction(f.feePayer.address(), ixs, f.feePayer2);
      refused(verify(tx), "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds");
    }
  }

  @Test
  void theRecipientIsStillCheckedOnceItsAccountIsRemembered() {
    // The verifier remembers payTo's derived token account; a payment to another account, or to
    // payTo's account under the other token program, is refused after valid ones as before.
    for (int i = 0; i < 2; i++) {
      VerifyResponse valid = verify(f.valid());
      assertThat(valid.isValid()).as(valid.invalidMessage()).isTrue();
      List<Instruction> otherProgram = f.instructions(1000);
      otherProgram.set(
          2,
          SvmInstructions.transferChecked(
              SolanaPrograms.TOKEN,
              TokenAccounts.associated(f.buyer.address(), f.mint, SolanaPrograms.TOKEN),
              f.mint,
              TokenAccounts.associated(f.payTo, f.mint, SolanaPrograms.TOKEN_2022),
              f.buyer.address(),
              1000,
              6));
      refused(
          verify(f.transaction(f.feePayer.address(), otherProgram, f.buyer)),
          "invalid_exact_svm_payload_recipient_mismatch");
      List<Instruction> thief = f.instructions(1000);
      thief.set(
          2,
          f.transfer(
              SolanaPrograms.TOKEN,
              f.mint,
              SolanaKeypair.generate().address(),
              f.buyer.address(),
              1000));
      refused(
          verify(f.transaction(f.feePayer.address(), thief, f.buyer)),
          "invalid_exact_svm_payload_recipient_mismatch");
    }
  }

  @Test
  void wrongMintRecipientOrAmount() {
    SolanaAddress otherMint = SolanaKeypair.generate().address();
    List<Instruction> mint = f.instructions(1000);
    mint.set(2, f.transfer(SolanaPrograms.TOKEN, otherMint, f.payTo, f.buyer.address(), 1000));
    refused(
        verify(f.transaction(f.feePayer.address(), mint, f.buyer)),
        "invalid_exact_svm_payload_mint_mismatch");

    SolanaAddress thief = SolanaKeypair.generate().address();
    List<Instruction> recipient = f.instructions(1000);
    recipient.set(2, f.transfer(SolanaPrograms.TOKEN, f.mint, thief, f.buyer.address(), 1000));
    refused(
        verify(f.transaction(f.feePayer.address(), recipient, f.buyer)),
        "invalid_exact_svm_payload_recipient_mismatch");

    // The payee's ATA under Token-2022 while the transfer runs under Tokenkeg.
    List<Instruction> program = f.instructions(1000);
    program.set(
        2,
        SvmInstructions.transferChecked(
            SolanaPrograms.TOKEN,
            TokenAccounts.associated(f.buyer.address(), f.mint, SolanaPrograms.TOKEN),
            f.mint,
            TokenAccounts.associated(f.payTo, f.mint, SolanaPrograms.TOKEN_2022),
            f.buyer.address(),
            1000,
            6));
    refused(
        verify(f.transaction(f.feePayer.address(), program, f.buyer)),
        "invalid_exact_svm_payload_recipient_mismatch");

    for (long amount : List.of(999L, 1001L)) {
      refused(
          verify(f.transaction(f.feePayer.address(), f.instructions(amount), f.buyer)),
          "invalid_exact_svm_payload_amount_mismatch");
    }
  }

  @Test
  void onlyLighthouseOrMemoAfterTheTransfer() {
    SolanaAddress other = SolanaKeypair.generate().address();
    String[] reasons = {
      "invalid_exact_svm_payload_unknown_fourth_instruction",
      "invalid_exact_svm_payload_unknown_fifth_instruction",
      "invalid_exact_svm_payload_unknown_sixth_instruction",
      "invalid_exact_svm_payload_unknown_seventh_instruction"
    };
    for (int position = 3; position < 7; position++) {
      List<Instruction> ixs = f.instructions(1000);
      while (ixs.size() < 7) {
        ixs.add(SvmInstructions.memo("pad" + ixs.size()));
      }
      ixs.set(position, new Instruction(other, List.of(), new byte[] {1}));
      refused(verify(f.transaction(f.feePayer.address(), ixs, f.buyer)), reasons[position - 3]);
    }
    // A System transfer draining the fee payer is just an unknown instruction here.
    List<Instruction> drain = f.instructions(1000);
    drain.set(
        3,
        new Instruction(
            SolanaPrograms.SYSTEM,
            List.of(AccountMeta.writableSigner(f.feePayer.address()), AccountMeta.writable(other)),
            new byte[] {2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
    refused(
        verify(f.transaction(f.feePayer.address(), drain, f.buyer)),
        "invalid_exact_svm_payload_unknown_fourth_instruction");
  }

  @Test
  void memoRules() {
    PaymentRequirements withMemo = f.requirements(1000, Map.of("memo", "inv_42"));
    List<Instruction> right = f.instructions(1000);
    right.set(3, SvmInstructions.memo("inv_42"));
    assertThat(
            verify(
                    request(
                        2, withMemo, base64(f.transaction(f.feePayer.address(), right, f.buyer))))
                .isValid())
        .isTrue();

    List<Instruction> wrong = f.instructions(1000);
    wrong.set(3, SvmInstructions.memo("inv_43"));
    refused(
        verify(request(2, withMemo, base64(f.transaction(f.feePayer.address(), wrong, f.buyer)))),
        "invalid_exact_svm_payload_memo_mismatch");

    List<Instruction> two = f.instructions(1000);
    two.set(3, SvmInstructions.memo("inv_42"));
    two.add(SvmInstructions.memo("inv_42 again"));
    refused(
        verify(request(2, withMemo, base64(f.transaction(f.feePayer.address(), two, f.buyer)))),
        "invalid_exact_svm_payload_memo_count");

    List<Instruction> none = new ArrayList<>(f.instructions(1000).subList(0, 3));
    refused(
        verify(request(2, withMemo, base64(f.transaction(f.feePayer.address(), none, f.buyer)))),
        "invalid_exact_svm_payload_memo_count");
  }

  @Test
  void feePayerInAnInstructionsAccountList() {
    // The official static path lets a Memo (or Lighthouse) instruction name any account; x402j
    // refuses one that names a fee payer, whichever of ours.
    for (SolanaKeypair ours : List.of(f.feePayer, f.feePayer2)) {
      List<Instruction> ixs = f.instructions(1000);
      ixs.set(
          3,
          new Instruction(
              SolanaPrograms.LIGHTHOUSE,
              List.of(AccountMeta.readonly(ours.address())),
              new byte[] {0}));
      VerifyResponse response = verify(f.transaction(f.feePayer.address(), ixs, f.buyer));
      refused(response, "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds");
      assertThat(response.invalidMessage()).contains("instruction 4");
    }
    assertThat(f.calls).doesNotContain("simulateTransaction");
  }

  // ------------------------------------------------------------------- address lookup tables

  private static final SolanaAddress TABLE = SolanaKeypair.generate().address();

  /** The official layout, with instruction 4 (Lighthouse) reading loaded account 0 of TABLE. */
  private SolanaTransaction withLookup(int authorityIndex, int loadedIndex) {
    SolanaAddress source =
        TokenAccounts.associated(f.buyer.address(), f.mint, SolanaPrograms.TOKEN);
    SolanaAddress dest = TokenAccounts.associated(f.payTo, f.mint, SolanaPrograms.TOKEN);
    List<SolanaAddress> statics =
        List.of(
            f.feePayer.address(),
            f.buyer.address(),
            source,
            dest,
            f.mint,
            SolanaPrograms.COMPUTE_BUDGET,
            SolanaPrograms.LIGHTHOUSE,
            SolanaPrograms.TOKEN);
    List<CompiledInstruction> ixs =
        List.of(
            new CompiledInstruction(
                5, List.of(), SvmInstructions.setComputeUnitLimit(20_000).data()),
            new CompiledInstruction(5, List.of(), SvmInstructions.setComputeUnitPrice(1).data()),
            new CompiledInstruction(
                7,
                List.of(2, 4, 3, authorityIndex),
                f.transfer(SolanaPrograms.TOKEN, f.mint, f.payTo, f.buyer.address(), 1000).data()),
            new CompiledInstruction(6, List.of(8), new byte[] {0}));
    SolanaMessage message =
        SolanaMessage.of(
            0,
            2,
            1,
            4,
            statics,
            f.blockhash,
            ixs,
            List.of(new AddressTableLookup(TABLE, List.of(), List.of(loadedIndex))));
    return SolanaTransaction.unsigned(message).signedBy(f.buyer);
  }

  /** A lookup table account holding {@code addresses}. */
  private void table(String owner, SolanaAddress... addresses) {
    byte[] data = new byte[56 + 32 * addresses.length];
    data[0] = 1;
    java.util.Arrays.fill(data, 4, 12, (byte) 0xff); // not deactivated
    for (int i = 0; i < addresses.length; i++) {
      System.arraycopy(addresses[i].bytes(), 0, data, 56 + 32 * i, 32);
    }
    String account =
        "{\"lamports\":1,\"owner\":\""
            + owner
            + "\",\"data\":[\""
            + Base64.getEncoder().encodeToString(data)
            + "\",\"base64\"],\"executable\":false}";
    f.methods.put(
        "getMultipleAccounts", r -> "{\"context\":{\"slot\":1},\"value\":[" + account + "]}");
  }

  private static final String ALT_PROGRAM = "AddressLookupTab1e1111111111111111111111111";

  @Test
  void aLookupTableHidingTheFeePayerIsResolvedFirst() {
    table(ALT_PROGRAM, SolanaKeypair.generate().address(), f.feePayer.address());

    refused(
        verify(withLookup(1, 1)),
        "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds");
    assertThat(f.calls).containsExactly("getMultipleAccounts");
  }

  @Test
  void aLookupTableGivingTheAuthorityAsTheFeePayer() {
    table(ALT_PROGRAM, f.feePayer.address());

    refused(
        verify(withLookup(8, 0)),
        "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds");
  }

  @Test
  void aHarmlessLookupTablePasses() {
    table(ALT_PROGRAM, SolanaKeypair.generate().address());

    VerifyResponse response = verify(withLookup(1, 0));

    assertThat(response.isValid()).as(response.invalidMessage()).isTrue();
  }

  @Test
  void lookupTablesThatCannotBeResolvedFailClosed() {
    String reason = "invalid_exact_svm_smart_wallet_alt_resolution_failed";
    f.methods.put("getMultipleAccounts", r -> "{\"context\":{\"slot\":1},\"value\":[null]}");
    refused(verify(withLookup(1, 0)), reason);

    table(SolanaPrograms.SYSTEM.toString(), SolanaKeypair.generate().address());
    refused(verify(withLookup(1, 0)), reason);

    table(ALT_PROGRAM, SolanaKeypair.generate().address());
    refused(verify(withLookup(1, 5)), reason);

    f.methods.put("getMultipleAccounts", r -> "!{\"code\":-32000,\"message\":\"node is behind\"}");
    refused(verify(withLookup(1, 0)), reason);
    assertThat(f.calls).doesNotContain("simulateTransaction");
  }

  @Test
  void simulationFailure() {
    f.methods.put(
        "simulateTransaction",
        r ->
            "{\"context\":{\"slot\":1},\"value\":{\"err\":{\"InstructionError\":[2,{\"Custom\":1}]},\"logs\":[\"Program log: Error: insufficient funds\"]}}");

    VerifyResponse response = verify(f.valid());

    refused(response, "invalid_exact_svm_transaction_simulation_failed");
    assertThat(response.invalidMessage()).contains("insufficient funds");
    assertThat(response.payer()).isEqualTo(f.buyer.address().toString());
    refused(
        verify(request(1, f.requirements(), base64(f.valid()))), "transaction_simulation_failed");
  }

  @Test
  void simulationNeverVerifiesSignaturesNorReplacesTheBlockhash() throws Exception {
    verify(f.valid());

    com.fasterxml.jackson.databind.JsonNode sent =
        SvmFixture.JSON.readTree(f.node.received().get(0).body());
    assertThat(sent.get("params").get(1).get("sigVerify").asBoolean()).isFalse();
    assertThat(sent.get("params").get(1).get("replaceRecentBlockhash").asBoolean()).isFalse();
  }

  @Test
  void aMintTheFacilitatorDoesNotAcceptIsRefused() throws Exception {
    try (ExactSvmFacilitator listed =
        ExactSvmFacilitator.builder()
            .network(f.config().asset(SolanaKeypair.generate().address()).build())
            .build()) {
      refused(listed.verify(f.request(f.valid())).join(), "unsupported_asset");
    }
  }

  @Test
  void supportedExtraNamesOneOfTheFeePayers() {
    assertThat(facilitator.signers(SvmFixture.DEVNET))
        .containsExactly(f.feePayer.address().toString(), f.feePayer2.address().toString());
    for (int i = 0; i < 20; i++) {
      assertThat(facilitator.supportedExtra(SvmFixture.DEVNET).get("feePayer"))
          .isIn(facilitator.signers(SvmFixture.DEVNET));
    }
  }
}
