package io.x402j.client;

import static io.x402j.client.SpendControlsTest.BASE_SEPOLIA;
import static io.x402j.client.SpendControlsTest.SELLER;
import static io.x402j.client.SpendControlsTest.USDC_SEPOLIA;
import static io.x402j.client.SpendControlsTest.usdc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.testing.ScriptedNode;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.PrivateKeySigner;
import java.math.BigInteger;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A payer with a signer pays Permit2 and upto offers, with chain reads from an EVM node. */
class PayerPermit2Test {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final String FACILITATOR = "0x2222222222222222222222222222222222222222";

  final PrivateKeySigner signer = PrivateKeySigner.generate(new SecureRandom());

  static PaymentChallenge challenge(Map<String, Object> extensions, PaymentRequirements offer) {
    PaymentRequired required =
        new PaymentRequired(
            "Payment required",
            ResourceInfo.of("https://api.example/infer"),
            List.of(offer),
            extensions,
            Map.of());
    return new PaymentChallenge(
        URI.create("https://api.example/infer"),
        Map.of("PAYMENT-REQUIRED", List.of(HEADERS.encodePaymentRequired(required))),
        new byte[0]);
  }

  static PaymentRequirements permit2Exact() {
    return usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER).toBuilder()
        .extra("assetTransferMethod", "permit2")
        .build();
  }

  static final Map<String, Object> SPONSORING =
      Map.of(
          Eip2612GasSponsoring.KEY,
          Map.of("info", Map.of("description", "gasless", "version", "1")));

  @Test
  void aSignerPaysAnUptoOfferWithAPermit2CeilingByDefault() {
    Payer payer = Payer.builder().signer(signer).spendControls(SpendControls.unlimited()).build();
    PaymentRequirements offer =
        usdc(BASE_SEPOLIA, USDC_SEPOLIA, 50_000, SELLER).toBuilder()
            .scheme("upto")
            .extra("facilitatorAddress", FACILITATOR)
            .build();

    PaymentAuthorization auth = payer.authorize(challenge(null, offer));

    PaymentPayload sent = HEADERS.decodePaymentSignature(auth.headerValue());
    assertThat(sent.accepted()).isEqualTo(offer);
    Permit2Payload permit = Permit2Payload.fromMap(sent.payload());
    assertThat(permit.authorization().spender()).isEqualTo(Permit2.UPTO_PROXY);
    assertThat(permit.authorization().amount()).isEqualTo(BigInteger.valueOf(50_000));
    assertThat(permit.authorization().from()).isEqualTo(signer.address());
    assertThat(permit.authorization().witness().facilitator())
        .isEqualTo(EvmAddress.parse(FACILITATOR));
  }

  @Test
  void withoutANodeAPermit2PaymentCarriesNoSponsoring() {
    Payer payer = Payer.builder().signer(signer).spendControls(SpendControls.unlimited()).build();

    PaymentAuthorization auth = payer.authorize(challenge(SPONSORING, permit2Exact()));

    PaymentPayload sent = HEADERS.decodePaymentSignature(auth.headerValue());
    assertThat(Permit2Payload.fromMap(sent.payload()).authorization().spender())
        .isEqualTo(Permit2.EXACT_PROXY);
    assertThat(sent.extensions()).isEqualTo(SPONSORING); // the declaration echoed, nothing signed
  }

  @Test
  void withANodeAShortAllowanceIsAnsweredWithTheDeclaredEip2612Sponsoring() throws Exception {
    try (ScriptedNode node = ScriptedNode.start(84532).eip2612Nonce(BigInteger.valueOf(7))) {
      Payer payer =
          Payer.builder()
              .signer(signer)
              .evmRpcUrl(BASE_SEPOLIA, node.url())
              .spendControls(SpendControls.unlimited())
              .build();

      PaymentAuthorization auth = payer.authorize(challenge(SPONSORING, permit2Exact()));

      PaymentPayload sent = HEADERS.decodePaymentSignature(auth.headerValue());
      @SuppressWarnings("unchecked")
      Map<String, Object> info =
          (Map<String, Object>)
              ((Map<String, Object>) sent.extensions().get(Eip2612GasSponsoring.KEY)).get("info");
      assertThat(info)
          .containsEntry("description", "gasless")
          .containsEntry("version", "1")
          .containsEntry("nonce", "7")
          .containsEntry("from", signer.address().toString())
          .containsEntry("spender", Permit2.ADDRESS.toString());
      assertThat(node.calls).contains("eth_chainId", "eth_call:0xdd62ed3e", "eth_call:0x7ecebe00");
    }
  }

  @Test
  void aCoveringAllowanceNeedsNoSponsoring() throws Exception {
    try (ScriptedNode node =
        ScriptedNode.start(84532)
            .allowance(BigInteger.valueOf(10_000))
            .eip2612Nonce(BigInteger.ONE)) {
      Payer payer =
          Payer.builder()
              .signer(signer)
              .evmRpcUrl(BASE_SEPOLIA, node.url())
              .spendControls(SpendControls.unlimited())
              .build();

      PaymentAuthorization auth = payer.authorize(challenge(SPONSORING, permit2Exact()));

      assertThat(HEADERS.decodePaymentSignature(auth.headerValue()).extensions())
          .isEqualTo(SPONSORING);
    }
  }

  @Test
  void aNodeOfAnotherChainIsNeverAskedAboutThisOne() throws Exception {
    try (ScriptedNode node = ScriptedNode.start(1).eip2612Nonce(BigInteger.ONE)) {
      Payer payer =
          Payer.builder()
              .signer(signer)
              .evmRpcUrl(BASE_SEPOLIA, node.url())
              .spendControls(SpendControls.unlimited())
              .build();

      assertThatThrownBy(() -> payer.authorize(challenge(SPONSORING, permit2Exact())))
          .isInstanceOf(PaymentRefusedException.class)
          .hasMessageContaining("serves eip155:1");
      assertThat(node.calls).containsOnly("eth_chainId");
      assertThat(payer.spendLog().spends()).isEmpty();
    }
  }

  @Test
  void aNodeForOneNetworkLeavesOthersPayingPermit2Plainly() throws Exception {
    try (ScriptedNode node = ScriptedNode.start(8453)) {
      Payer payer =
          Payer.builder()
              .signer(signer)
              .evmRpcUrl(SpendControlsTest.BASE, node.url())
              .spendControls(SpendControls.unlimited())
              .build();

      PaymentAuthorization auth = payer.authorize(challenge(SPONSORING, permit2Exact()));

      assertThat(HEADERS.decodePaymentSignature(auth.headerValue()).extensions())
          .isEqualTo(SPONSORING);
      assertThat(node.calls).isEmpty();
    }
  }
}
