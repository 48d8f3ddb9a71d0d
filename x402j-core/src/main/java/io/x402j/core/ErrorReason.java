package io.x402j.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Why a payment was refused or could not be settled, as carried in {@code invalidReason} and {@code
 * errorReason}. Each constant maps to one wire string: the list of the public x402 specification
 * (v1 and v2) and the exact-EVM reasons of the official SDK, so a client of any implementation
 * reads x402j's answers and x402j reads theirs. Reasons x402j adds say so.
 *
 * <p>Peers may send strings this enum does not know; wire types keep the string, and {@link
 * #fromWire(String)} returns empty for it.
 */
public enum ErrorReason {
  // Generic reasons of the specification.
  /** The payer's balance is below the amount. */
  INSUFFICIENT_FUNDS("insufficient_funds", "the payer's balance is below the amount"),
  /** The network is not supported. */
  INVALID_NETWORK("invalid_network", "the network is not supported"),
  /** The payment payload is malformed. */
  INVALID_PAYLOAD("invalid_payload", "the payment payload is malformed"),
  /** The payment requirements are malformed. */
  INVALID_PAYMENT_REQUIREMENTS(
      "invalid_payment_requirements", "the payment requirements are malformed"),
  /** The scheme is invalid. */
  INVALID_SCHEME("invalid_scheme", "the scheme is invalid"),
  /** The scheme is not supported by this facilitator. */
  UNSUPPORTED_SCHEME("unsupported_scheme", "the scheme is not supported"),
  /** The protocol version is not supported. */
  INVALID_X402_VERSION("invalid_x402_version", "the x402 protocol version is not supported"),
  /** The transaction failed or was rejected on chain. */
  INVALID_TRANSACTION_STATE(
      "invalid_transaction_state", "the transaction failed or was rejected on chain"),
  /** Verification failed unexpectedly. */
  UNEXPECTED_VERIFY_ERROR("unexpected_verify_error", "verification failed unexpectedly"),
  /** Settlement failed unexpectedly. */
  UNEXPECTED_SETTLE_ERROR("unexpected_settle_error", "settlement failed unexpectedly"),
  /**
   * The settlement transaction was broadcast but its outcome is not known yet; the response carries
   * the transaction hash. Not a failure: settling the same payment again follows the same
   * transaction.
   */
  SETTLEMENT_PENDING(
      "settlement_pending", "the transaction was broadcast; its outcome is not known yet"),
  /**
   * The payment was already settled, or is being settled, for another request (another server, or a
   * request that did not name the same settlement attempt). The official SVM facilitator's name;
   * x402j's facilitator uses it for every scheme.
   */
  DUPLICATE_SETTLEMENT(
      "duplicate_settlement", "the payment was already settled for another request"),
  /** The payload type is not one the scheme handles. */
  UNSUPPORTED_PAYLOAD_TYPE("unsupported_payload_type", "the payload type is not supported"),

  // exact scheme on EVM, names used by the official SDK.
  /** The payload's scheme is not {@code exact}. */
  EXACT_EVM_SCHEME("invalid_exact_evm_scheme", "the scheme is not exact"),
  /** The payload's network differs from the requirement's. */
  EXACT_EVM_NETWORK_MISMATCH(
      "invalid_exact_evm_network_mismatch", "the payment is for a different network"),
  /** The requirement lacks {@code extra.name} / {@code extra.version}. */
  EXACT_EVM_MISSING_EIP712_DOMAIN(
      "invalid_exact_evm_missing_eip712_domain",
      "the requirement has no EIP-712 domain (extra.name and extra.version)"),
  /** The asset address has no contract code. */
  ASSET_NOT_DEPLOYED_CONTRACT(
      "asset_not_deployed_contract", "the asset address has no contract deployed"),
  /** The signature does not recover to {@code authorization.from}. */
  EXACT_EVM_SIGNATURE(
      "invalid_exact_evm_signature", "the signature is not the payer's signature of this payment"),
  /** The signature cannot be parsed. */
  EXACT_EVM_FAILED_TO_PARSE_SIGNATURE(
      "invalid_exact_evm_failed_to_parse_signature", "the signature cannot be parsed"),
  /** {@code authorization.to} differs from {@code payTo}. */
  EXACT_EVM_RECIPIENT_MISMATCH(
      "invalid_exact_evm_recipient_mismatch", "the authorization pays a different recipient"),
  /** The authorization expires too soon (or has expired). */
  EXACT_EVM_VALID_BEFORE(
      "invalid_exact_evm_payload_authorization_valid_before",
      "the authorization has expired or expires too soon"),
  /** The authorization is not valid yet. */
  EXACT_EVM_VALID_AFTER(
      "invalid_exact_evm_payload_authorization_valid_after", "the authorization is not valid yet"),
  /** The authorized value differs from the required amount. */
  EXACT_EVM_VALUE_MISMATCH(
      "invalid_exact_evm_payload_authorization_value_mismatch",
      "the authorized value differs from the required amount"),
  /** The authorized value is not a valid amount (official SDK name). */
  EXACT_EVM_AUTHORIZATION_VALUE(
      "invalid_exact_evm_authorization_value", "the authorized value is invalid"),
  /** The token does not implement EIP-3009. */
  EXACT_EVM_EIP3009_NOT_SUPPORTED(
      "invalid_exact_evm_eip3009_not_supported", "the token does not support EIP-3009"),
  /** The authorization nonce was already used or cancelled. */
  EXACT_EVM_NONCE_ALREADY_USED(
      "invalid_exact_evm_nonce_already_used", "the authorization was already used"),
  /** {@code extra.name} differs from the token's EIP-712 name. */
  EXACT_EVM_TOKEN_NAME_MISMATCH(
      "invalid_exact_evm_token_name_mismatch", "extra.name is not the token's EIP-712 name"),
  /** {@code extra.version} differs from the token's EIP-712 version. */
  EXACT_EVM_TOKEN_VERSION_MISMATCH(
      "invalid_exact_evm_token_version_mismatch",
      "extra.version is not the token's EIP-712 version"),
  /** The payer's token balance is below the value. */
  EXACT_EVM_INSUFFICIENT_BALANCE(
      "invalid_exact_evm_insufficient_balance", "the payer's token balance is below the amount"),
  /** Simulating the transfer failed for another reason. */
  EXACT_EVM_SIMULATION_FAILED(
      "invalid_exact_evm_transaction_simulation_failed", "simulating the transfer failed"),
  /** The settlement transaction reverted. */
  EXACT_EVM_TRANSACTION_FAILED(
      "invalid_exact_evm_transaction_failed", "the settlement transaction reverted"),
  /** The mined transaction lacks the expected {@code Transfer} event. */
  EXACT_EVM_TRANSFER_EVENT_MISMATCH(
      "invalid_exact_evm_transfer_event_mismatch",
      "the transaction did not emit the expected Transfer event"),
  /** Deploying the payer's counterfactual smart wallet failed. */
  SMART_WALLET_DEPLOYMENT_FAILED(
      "smart_wallet_deployment_failed", "deploying the payer's smart wallet failed"),
  /** The ERC-6492 wallet factory is not allowed. */
  EIP6492_FACTORY_NOT_ALLOWED(
      "eip6492_factory_not_allowed", "the smart wallet factory is not allowed"),

  // exact via Permit2 and upto on EVM, names used by the official SDK.
  /** The Permit2 spender is not the x402 proxy. */
  PERMIT2_INVALID_SPENDER("invalid_permit2_spender", "the Permit2 spender is not the x402 proxy"),
  /** The Permit2 witness recipient is not payTo. */
  PERMIT2_RECIPIENT_MISMATCH(
      "invalid_permit2_recipient_mismatch", "the Permit2 witness recipient is not payTo"),
  /** The Permit2 deadline has passed or is too close. */
  PERMIT2_DEADLINE_EXPIRED(
      "permit2_deadline_expired", "the Permit2 deadline has passed or is too close"),
  /** The Permit2 witness validAfter is in the future. */
  PERMIT2_NOT_YET_VALID("permit2_not_yet_valid", "the Permit2 witness validAfter is in the future"),
  /** The permitted amount is not the required amount. */
  PERMIT2_AMOUNT_MISMATCH(
      "permit2_amount_mismatch", "the permitted amount is not the required amount"),
  /** The permitted token is not the required asset. */
  PERMIT2_TOKEN_MISMATCH("permit2_token_mismatch", "the permitted token is not the required asset"),
  /** The Permit2 signature is invalid. */
  PERMIT2_INVALID_SIGNATURE("invalid_permit2_signature", "the Permit2 signature is invalid"),
  /** The x402 Permit2 proxy has no code on this network. */
  PERMIT2_PROXY_NOT_DEPLOYED(
      "permit2_proxy_not_deployed", "the x402 Permit2 proxy has no code on this network"),
  /** The payer's token balance is below the amount. */
  PERMIT2_INSUFFICIENT_BALANCE(
      "permit2_insufficient_balance", "the payer's token balance is below the amount"),
  /** The payer has not approved Permit2 for the amount. */
  PERMIT2_ALLOWANCE_REQUIRED(
      "permit2_allowance_required", "the payer has not approved Permit2 for the amount"),
  /** Simulating the Permit2 settlement failed. */
  PERMIT2_SIMULATION_FAILED(
      "permit2_simulation_failed", "simulating the Permit2 settlement failed"),
  /** The proxy refused the amount. */
  PERMIT2_INVALID_AMOUNT("permit2_invalid_amount", "the proxy refused the amount"),
  /** The proxy refused the destination. */
  PERMIT2_INVALID_DESTINATION("permit2_invalid_destination", "the proxy refused the destination"),
  /** The proxy refused the owner. */
  PERMIT2_INVALID_OWNER("permit2_invalid_owner", "the proxy refused the owner"),
  /** The Permit2 nonce was already used. */
  PERMIT2_INVALID_NONCE("permit2_invalid_nonce", "the Permit2 nonce was already used"),
  /** The payment is not valid yet on chain. */
  PERMIT2_PAYMENT_TOO_EARLY("permit2_payment_too_early", "the payment is not valid yet on chain"),
  /** The EIP-2612 permit value is not the permitted amount. */
  PERMIT2_2612_AMOUNT_MISMATCH(
      "permit2_2612_amount_mismatch", "the EIP-2612 permit value is not the permitted amount"),
  /** The scheme is not upto. */
  UPTO_SCHEME("invalid_upto_evm_scheme", "the scheme is not upto"),
  /** The payment's network is not the required network. */
  UPTO_NETWORK_MISMATCH(
      "invalid_upto_evm_network_mismatch", "the payment's network is not the required network"),
  /** The amount to settle exceeds the authorized ceiling. */
  UPTO_SETTLEMENT_EXCEEDS_AMOUNT(
      "invalid_upto_evm_payload_settlement_exceeds_amount",
      "the amount to settle exceeds the authorized ceiling"),
  /** The upto settlement transaction reverted. */
  UPTO_TRANSACTION_FAILED(
      "invalid_upto_evm_transaction_failed", "the upto settlement transaction reverted"),
  /** The proxy refused an amount above the permitted ceiling. */
  UPTO_AMOUNT_EXCEEDS_PERMITTED(
      "upto_amount_exceeds_permitted", "the proxy refused an amount above the permitted ceiling"),
  /** The settling address is not the witness facilitator. */
  UPTO_UNAUTHORIZED_FACILITATOR(
      "upto_unauthorized_facilitator", "the settling address is not the witness facilitator"),
  /** The witness facilitator is not one of this facilitator's signers. */
  UPTO_FACILITATOR_MISMATCH(
      "upto_facilitator_mismatch",
      "the witness facilitator is not one of this facilitator's signers"),

  // Gas sponsoring extensions (eip2612GasSponsoring, erc20ApprovalGasSponsoring), official names.
  /** The eip2612GasSponsoring extension is malformed. */
  EIP2612_EXTENSION_FORMAT(
      "invalid_eip2612_extension_format", "the eip2612GasSponsoring extension is malformed"),
  /** The EIP-2612 permit owner is not the payer. */
  EIP2612_FROM_MISMATCH("eip2612_from_mismatch", "the EIP-2612 permit owner is not the payer"),
  /** The EIP-2612 permit token is not the asset. */
  EIP2612_ASSET_MISMATCH("eip2612_asset_mismatch", "the EIP-2612 permit token is not the asset"),
  /** The EIP-2612 permit spender is not Permit2. */
  EIP2612_SPENDER_NOT_PERMIT2(
      "eip2612_spender_not_permit2", "the EIP-2612 permit spender is not Permit2"),
  /** The EIP-2612 permit deadline has passed or is too close. */
  EIP2612_DEADLINE_EXPIRED(
      "eip2612_deadline_expired", "the EIP-2612 permit deadline has passed or is too close"),
  /** The erc20ApprovalGasSponsoring extension is malformed. */
  ERC20_APPROVAL_EXTENSION_FORMAT(
      "invalid_erc20_approval_extension_format",
      "the erc20ApprovalGasSponsoring extension is malformed"),
  /** The approval's from is not the payer. */
  ERC20_APPROVAL_FROM_MISMATCH(
      "erc20_approval_from_mismatch", "the approval's from is not the payer"),
  /** The approval's asset is not the required asset. */
  ERC20_APPROVAL_ASSET_MISMATCH(
      "erc20_approval_asset_mismatch", "the approval's asset is not the required asset"),
  /** The approval's spender is not Permit2. */
  ERC20_APPROVAL_SPENDER_NOT_PERMIT2(
      "erc20_approval_spender_not_permit2", "the approval's spender is not Permit2"),
  /** The signed approval transaction cannot be decoded. */
  ERC20_APPROVAL_TX_PARSE_FAILED(
      "erc20_approval_tx_parse_failed", "the signed approval transaction cannot be decoded"),
  /** The signed approval transaction's signature is invalid. */
  ERC20_APPROVAL_TX_INVALID_SIGNATURE(
      "erc20_approval_tx_invalid_signature",
      "the signed approval transaction's signature is invalid"),
  /** The approval transaction is not signed by the payer. */
  ERC20_APPROVAL_TX_SIGNER_MISMATCH(
      "erc20_approval_tx_signer_mismatch", "the approval transaction is not signed by the payer"),
  /** The approval transaction is not sent to the asset. */
  ERC20_APPROVAL_TX_WRONG_TARGET(
      "erc20_approval_tx_wrong_target", "the approval transaction is not sent to the asset"),
  /** The approval transaction does not call approve. */
  ERC20_APPROVAL_TX_WRONG_SELECTOR(
      "erc20_approval_tx_wrong_selector", "the approval transaction does not call approve"),
  /** The approval transaction does not approve Permit2. */
  ERC20_APPROVAL_TX_WRONG_SPENDER(
      "erc20_approval_tx_wrong_spender", "the approval transaction does not approve Permit2"),
  /** The approval transaction's calldata is malformed. */
  ERC20_APPROVAL_TX_INVALID_CALLDATA(
      "erc20_approval_tx_invalid_calldata", "the approval transaction's calldata is malformed"),
  /** Broadcasting the approval transaction failed. */
  ERC20_APPROVAL_BROADCAST_FAILED(
      "erc20_approval_broadcast_failed", "broadcasting the approval transaction failed"),
  /** The approval transaction reverted. */
  ERC20_APPROVAL_TX_FAILED("erc20_approval_tx_failed", "the approval transaction reverted"),

  // Reasons x402j adds.
  /**
   * x402j: the facilitator does not accept this token on this network (it pays gas only for tokens
   * its operator listed).
   */
  UNSUPPORTED_ASSET(
      "unsupported_asset", "the facilitator does not accept this asset on this network"),
  /** x402j: the facilitator's screening refuses this payer. */
  PAYER_DENIED("payer_denied", "the facilitator does not accept payments from this payer"),
  /** x402j: the facilitator's screening refuses this recipient. */
  RECIPIENT_DENIED(
      "recipient_denied", "the facilitator does not settle payments to this recipient"),
  /**
   * x402j: another settlement of the same attempt holds this payment's claim and has not progressed
   * (no broadcast, no outcome) for the claim lease plus the receipt timeout, so this request
   * stopped following it; nothing was broadcast for it. Settling the same payment again later
   * follows that settlement, or takes the claim over once its lease runs out.
   */
  SETTLEMENT_STALLED(
      "settlement_stalled", "another settlement of this payment holds it and has not progressed"),
  /**
   * x402j (the {@code payment-identifier} extension; the official SDK defines no reason for it):
   * the payment's {@code extensions["payment-identifier"].info.id} was first used by the same payer
   * with a different payment (another authorization, or other requirements). Nothing was settled
   * for this request; a new payment needs a new id. x402j's facilitator answers it with HTTP 409.
   */
  PAYMENT_IDENTIFIER_CONFLICT(
      "payment_identifier_conflict",
      "the payment identifier was already used with a different payment"),

  // Names of the public specification text that the official SDK spells differently; accepted.
  /** Spec spelling of {@link #EXACT_EVM_SIGNATURE}. */
  EXACT_EVM_PAYLOAD_SIGNATURE("invalid_exact_evm_payload_signature", "the signature is invalid"),
  /** Spec spelling of {@link #EXACT_EVM_RECIPIENT_MISMATCH}. */
  EXACT_EVM_PAYLOAD_RECIPIENT_MISMATCH(
      "invalid_exact_evm_payload_recipient_mismatch",
      "the authorization pays a different recipient"),
  /** v1 spec name for an authorized value below the requirement. */
  EXACT_EVM_PAYLOAD_AUTHORIZATION_VALUE(
      "invalid_exact_evm_payload_authorization_value", "the authorized value is insufficient");

  private static final Map<String, ErrorReason> BY_WIRE = new HashMap<>();

  static {
    for (ErrorReason reason : values()) {
      BY_WIRE.put(reason.wire, reason);
    }
  }

  private final String wire;
  private final String description;

  ErrorReason(String wire, String description) {
    this.wire = wire;
    this.description = description;
  }

  /** The string on the wire, e.g. {@code invalid_exact_evm_signature}. */
  public String wire() {
    return wire;
  }

  /** A short human-readable explanation, used as the default message. */
  public String description() {
    return description;
  }

  /** The constant for a wire string, or empty for a string x402j does not know. */
  public static Optional<ErrorReason> fromWire(String wire) {
    return Optional.ofNullable(wire == null ? null : BY_WIRE.get(wire));
  }

  /** The wire string. */
  @Override
  public String toString() {
    return wire;
  }
}
