package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.evm.ExactEvmServer;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.svm.ExactSvmServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Solana offers beside EVM ones: the fee payer comes from the facilitator's supported kind, and a
 * payer's {@code accepted} echo may differ from the offer only in the fields exact on Solana
 * declares dynamic ({@code recentBlockhash}, {@code lastValidBlockHeight}), never in the fee payer
 * or the memo.
 */
class SolanaOfferMatchingTest {
  static final Network DEVNET = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final String EVM_SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String SOL_SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String FEE_PAYER = "2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9";
  static final String OTHER_KEY = "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV";
  static final String DEVNET_USDC = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

  final Offers offers =
      new Offers(
          SchemeRegistry.<SchemeServer>builder()
              .registerBothVersions(
                  "exact",
                  NetworkPattern.namespace("eip155"),
                  new ExactEvmServer(NetworkRegistry.defaults()))
              .registerBothVersions(
                  "exact",
                  NetworkPattern.namespace(Network.SOLANA),
                  new ExactSvmServer(NetworkRegistry.defaults()))
              .build(),
          NetworkRegistry.defaults());
  final PaymentMatcher matcher = new PaymentMatcher(PaymentMatcherTest.HEADERS);

  static SupportedResponse supported(Map<String, Object> solanaExtra) {
    return new SupportedResponse(
        List.of(
            SupportedKind.of(2, "exact", BASE_SEPOLIA.toString()),
            new SupportedKind(2, "exact", DEVNET.toString(), solanaExtra, Map.of())),
        List.of(),
        Map.of(),
        Map.of());
  }

  static PaidRoute mixed() {
    return PaidRoute.builder()
        .accept(PaymentOption.builder(BASE_SEPOLIA).price("$0.01").payTo(EVM_SELLER).build())
        .accept(
            PaymentOption.builder(DEVNET)
                .price("$0.01")
                .payTo(SOL_SELLER)
                .extra("memo", "inv_42")
                .extra("recentBlockhash", "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N")
                .extra("lastValidBlockHeight", "1000")
                .build())
        .build();
  }

  RouteOffer offer(SupportedResponse supported) {
    return offers.offer(
        new ResolvedRoute("GET /report", mixed()), PaymentMatcherTest.request(Map.of()), supported);
  }

  PaymentMatch pay(RouteOffer offer, PaymentRequirements accepted) {
    return matcher.match(
        offer,
        PaymentMatcherTest.request(
            Map.of(
                "PAYMENT-SIGNATURE",
                PaymentMatcherTest.v2Payment("http://127.0.0.1:8080/report", accepted))));
  }

  static PaymentRequirements withExtra(PaymentRequirements r, String key, Object value) {
    Map<String, Object> extra = new LinkedHashMap<>(r.extra());
    if (value == null) {
      extra.remove(key);
    } else {
      extra.put(key, value);
    }
    return r.toBuilder().extra(extra).build();
  }

  @Test
  void oneOfferPerNetworkTheSolanaOneWithTheFacilitatorsFeePayerAndNoEip712Domain() {
    RouteOffer offer = offer(supported(Map.of("feePayer", FEE_PAYER)));

    assertThat(offer.v2())
        .extracting(PaymentRequirements::network)
        .containsExactly(BASE_SEPOLIA, DEVNET);
    PaymentRequirements solana = offer.v2().get(1);
    assertThat(solana.asset()).isEqualTo(DEVNET_USDC);
    assertThat(solana.amount().toString()).isEqualTo("10000");
    assertThat(solana.payTo()).isEqualTo(SOL_SELLER);
    assertThat(solana.extra())
        .containsEntry("feePayer", FEE_PAYER)
        .containsEntry("memo", "inv_42")
        .doesNotContainKeys("name", "version");
    assertThat(offer.v2().get(0).extra()).containsKeys("name", "version");
    assertThat(offer.payments().get(1).v1())
        .hasValueSatisfying(v1 -> assertThat(v1.network()).isEqualTo("solana-devnet"));
  }

  @Test
  void aSolanaRequirementWithoutAFeePayerIsNeverOffered() {
    assertThatThrownBy(() -> offer(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/supported lists no exact kind for " + DEVNET);
    assertThatThrownBy(() -> offer(supported(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no extra.feePayer");
    assertThatThrownBy(() -> offer(supported(Map.of("feePayer", "0OIl"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("extra.feePayer: ");
  }

  @Test
  void anEchoDifferingOnlyInTheDynamicFieldsMatches() {
    RouteOffer offer = offer(supported(Map.of("feePayer", FEE_PAYER)));
    PaymentRequirements solana = offer.v2().get(1);

    PaymentRequirements newerHint =
        withExtra(
            withExtra(solana, "recentBlockhash", "GHtXQBsoZHVnNFa9YevAzFr17DJjgHXk3ycTKD5xD3Zi"),
            "lastValidBlockHeight",
            "2000");
    PaymentRequirements noHint =
        withExtra(withExtra(solana, "recentBlockhash", null), "lastValidBlockHeight", null);

    for (PaymentRequirements echo : List.of(solana, newerHint, noHint)) {
      assertThat(pay(offer, echo))
          .isInstanceOfSatisfying(
              PaymentMatch.Matched.class, m -> assertThat(m.requirements()).isEqualTo(solana));
    }
  }

  @Test
  void anEchoDifferingInAnyOtherExtraFieldIsRefused() {
    RouteOffer offer = offer(supported(Map.of("feePayer", FEE_PAYER)));
    PaymentRequirements solana = offer.v2().get(1);

    for (PaymentRequirements echo :
        List.of(
            withExtra(solana, "feePayer", OTHER_KEY),
            withExtra(solana, "feePayer", null),
            withExtra(solana, "memo", "inv_43"),
            withExtra(solana, "memo", null))) {
      assertThat(pay(offer, echo))
          .isEqualTo(new PaymentMatch.Refused(2, "No matching payment requirements"));
    }
  }

  @Test
  void onEvmNoExtraFieldIsDynamic() {
    RouteOffer offer =
        offers.offer(
            new ResolvedRoute(
                "GET /report",
                PaidRoute.builder()
                    .accept(
                        PaymentOption.builder(BASE_SEPOLIA)
                            .price("$0.01")
                            .payTo(EVM_SELLER)
                            .extra("recentBlockhash", "a")
                            .build())
                    .build()),
            PaymentMatcherTest.request(Map.of()),
            null);
    PaymentRequirements evm = offer.v2().get(0);

    assertThat(pay(offer, withExtra(evm, "recentBlockhash", "b")))
        .isInstanceOf(PaymentMatch.Refused.class);
  }
}
