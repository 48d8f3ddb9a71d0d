package io.x402j.testkit;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.V1Translation;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Signer;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Payment headers signed as an x402 client signs them (exact scheme, EIP-3009), for tests that play
 * the buyer without a client. Signing needs no chain, so with a {@link ScriptedFacilitator} any key
 * will do; on a {@link TestMarket} use its funded {@link TestMarket#buyer()}, or {@link
 * TestMarket#payV2(String)} directly.
 */
public final class TestPayments {
  private TestPayments() {}

  /** The {@code PAYMENT-SIGNATURE} a v2 client sends for the first option of a 402 header. */
  public static String v2(String paymentRequiredHeader, Signer payer) {
    return v2(paymentRequiredHeader, payer, UnaryOperator.identity());
  }

  /**
   * The {@code PAYMENT-SIGNATURE} for the first option of a 402 header, signed by {@code payer} for
   * the requirement {@code signFor} makes of it (the payment still echoes the offered one): for
   * payments that sign something other than what they claim.
   */
  public static String v2(
      String paymentRequiredHeader, Signer payer, UnaryOperator<PaymentRequirements> signFor) {
    HeaderCodec codec = HeaderCodec.standard();
    PaymentRequired required = codec.decodePaymentRequired(paymentRequiredHeader);
    PaymentRequirements offered = required.accepts().get(0);
    Map<String, Object> payload = ExactEvmClient.of(payer).createPayload(2, signFor.apply(offered));
    return codec.encodePaymentSignature(PaymentPayload.of(required.resource(), offered, payload));
  }

  /**
   * The {@code X-PAYMENT} a v1 client sends for the first option of a v1 402 body; {@code networks}
   * must know the option's v1 network name and its token.
   */
  public static String v1(String paymentRequiredBody, Signer payer, NetworkRegistry networks) {
    var required = WireCodec.standard().decodePaymentRequiredV1(paymentRequiredBody);
    PaymentRequirementsV1 offered = required.accepts().get(0);
    PaymentRequirements translated = new V1Translation(networks).requirements(offered);
    Map<String, Object> payload = ExactEvmClient.of(payer).createPayload(1, translated);
    return HeaderCodec.standard()
        .encodeXPayment(PaymentPayloadV1.of(offered.scheme(), offered.network(), payload));
  }
}
