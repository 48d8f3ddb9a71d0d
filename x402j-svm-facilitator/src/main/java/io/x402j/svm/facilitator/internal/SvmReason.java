package io.x402j.svm.facilitator.internal;

/**
 * The reasons of the exact SVM scheme, spelled as the official facilitator ({@code @x402/svm}
 * 2.27.0) sends them. Where its v1 facilitator sends another string, {@link #wire(int)} gives that
 * one for protocol v1 requests. Not part of the x402j API.
 */
public enum SvmReason {
  UNSUPPORTED_SCHEME("invalid_exact_svm_unsupported_scheme", "unsupported_scheme"),
  NETWORK_MISMATCH("invalid_exact_svm_network_mismatch", "network_mismatch"),
  MISSING_FEE_PAYER("invalid_exact_svm_payload_missing_fee_payer"),
  FEE_PAYER_NOT_MANAGED(
      "invalid_exact_svm_fee_payer_not_managed_by_facilitator",
      "fee_payer_not_managed_by_facilitator"),
  COULD_NOT_BE_DECODED("invalid_exact_svm_payload_transaction_could_not_be_decoded"),
  EXCESSIVE_SIGNERS("invalid_exact_svm_payload_excessive_signers"),
  FEE_PAYER_MISMATCH("invalid_exact_svm_fee_payer_mismatch"),
  SIGNATURE_INVALID("invalid_exact_svm_payload_signature_invalid"),
  ALT_RESOLUTION_FAILED("invalid_exact_svm_smart_wallet_alt_resolution_failed"),
  INSTRUCTIONS_LENGTH("invalid_exact_svm_payload_transaction_instructions_length"),
  COMPUTE_LIMIT_INSTRUCTION(
      "invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction"),
  COMPUTE_LIMIT_TOO_HIGH(
      "invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction_too_high"),
  COMPUTE_PRICE_INSTRUCTION(
      "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction"),
  COMPUTE_PRICE_TOO_HIGH(
      "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high"),
  NO_TRANSFER_INSTRUCTION("invalid_exact_svm_payload_no_transfer_instruction"),
  FEE_PAYER_TRANSFERRING_FUNDS(
      "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds"),
  MINT_MISMATCH("invalid_exact_svm_payload_mint_mismatch"),
  RECIPIENT_MISMATCH("invalid_exact_svm_payload_recipient_mismatch"),
  AMOUNT_MISMATCH("invalid_exact_svm_payload_amount_mismatch"),
  UNKNOWN_FOURTH_INSTRUCTION("invalid_exact_svm_payload_unknown_fourth_instruction"),
  UNKNOWN_FIFTH_INSTRUCTION("invalid_exact_svm_payload_unknown_fifth_instruction"),
  UNKNOWN_SIXTH_INSTRUCTION("invalid_exact_svm_payload_unknown_sixth_instruction"),
  UNKNOWN_SEVENTH_INSTRUCTION("invalid_exact_svm_payload_unknown_seventh_instruction"),
  UNKNOWN_OPTIONAL_INSTRUCTION("invalid_exact_svm_payload_unknown_optional_instruction"),
  MEMO_COUNT("invalid_exact_svm_payload_memo_count"),
  MEMO_MISMATCH("invalid_exact_svm_payload_memo_mismatch"),
  SIMULATION_FAILED(
      "invalid_exact_svm_transaction_simulation_failed", "transaction_simulation_failed"),
  TRANSACTION_FAILED("invalid_exact_svm_transaction_failed", "transaction_failed"),
  VERIFICATION_FAILED("invalid_exact_svm_verification_failed", "verification_failed"),
  /** The facilitator does not serve the network. */
  INVALID_NETWORK("invalid_network"),
  /** x402j: the facilitator does not accept this mint on this network. */
  UNSUPPORTED_ASSET("unsupported_asset"),
  /** A chain read failed before anything was broadcast. */
  UNEXPECTED_VERIFY_ERROR("unexpected_verify_error"),
  /** Settling failed before anything was broadcast, for a reason of the facilitator's side. */
  UNEXPECTED_SETTLE_ERROR("unexpected_settle_error"),
  SETTLEMENT_PENDING("settlement_pending"),
  DUPLICATE_SETTLEMENT("duplicate_settlement");

  private final String v2;
  private final String v1;

  SvmReason(String wire) {
    this(wire, wire);
  }

  SvmReason(String v2, String v1) {
    this.v2 = v2;
    this.v1 = v1;
  }

  /** The string the official facilitator sends in protocol v2. */
  public String wire() {
    return v2;
  }

  /** The string the official facilitator of protocol {@code x402Version} sends. */
  public String wire(int x402Version) {
    return x402Version == 1 ? v1 : v2;
  }

  /** The reason of the {@code n}-th optional instruction (0 = the fourth instruction). */
  public static SvmReason unknownOptional(int n) {
    switch (n) {
      case 0:
        return UNKNOWN_FOURTH_INSTRUCTION;
      case 1:
        return UNKNOWN_FIFTH_INSTRUCTION;
      case 2:
        return UNKNOWN_SIXTH_INSTRUCTION;
      case 3:
        return UNKNOWN_SEVENTH_INSTRUCTION;
      default:
        return UNKNOWN_OPTIONAL_INSTRUCTION;
    }
  }
}
