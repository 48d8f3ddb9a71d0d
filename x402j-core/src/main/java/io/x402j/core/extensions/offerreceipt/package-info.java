/**
 * The {@code offer-receipt} extension (spec {@code
 * specs/extensions/extension-offer-and-receipt.md}): the seller signs each offered payment in the
 * 402 ({@code extensions["offer-receipt"].info.offers}) and a receipt after a successful settlement
 * ({@code SettleResponse.extensions["offer-receipt"].info.receipt}), as EIP-712 typed data or as a
 * compact JWS. This package holds the payloads, the JWS and JCS rules and the Ed25519 key handling;
 * the EIP-712 and secp256k1 ({@code ES256K}) parts are in {@code io.x402j.evm.OfferReceiptEip712}
 * and {@code io.x402j.evm.Es256k}.
 */
package io.x402j.core.extensions.offerreceipt;
