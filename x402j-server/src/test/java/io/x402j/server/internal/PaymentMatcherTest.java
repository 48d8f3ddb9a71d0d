package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.evm.ExactEvmServer;
import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a payment header is matched to a route's offer, on an offer whose first option has no v1
 * form: a v1 payment must still be tied to the v2 requirements of its own option.
 */
class PaymentMatcherTest {
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final Network NO_V1_NAME = Network.evm(990_001);
  static final HeaderCodec HEADERS = HeaderCodec.standard();

  final NetworkRegistry networks =
      NetworkRegistry.defaults().toBuilder()
          .network(
              NetworkInfo.builder(NO_V1_NAME)
                  .asset(NetworkRegistry.defaults().defaultAsset(BASE_SEPOLIA).orElseThrow())
                  .build())
          .build();
  final Offers offers =
      new Offers(
          SchemeRegistry.<SchemeServer>builder()
              .registerBothVersions(
                  "exact", NetworkPattern.namespace("eip155"), new ExactEvmServer(networks))
              .build(),
          networks);
  final PaymentMatcher matcher = new PaymentMatcher(HEADERS);

  static PaidRoute route() {
    return PaidRoute.builder()
        .accept(PaymentOption.builder(NO_V1_NAME).price("$0.02").payTo(SELLER).build())
        .accept(PaymentOption.builder(BASE_SEPOLIA).price("$0.01").payTo(SELLER).build())
        .build();
  }

  RouteOffer offer(PaidRoute route) {
    return offers.offer(new ResolvedRoute("GET /report", route), request(Map.of()));
  }

  static GateRequest request(Map<String, String> headers) {
    return new SimpleGateRequest(
        "GET",
        "/report",
        "http://127.0.0.1:8080/report",
        headers.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
  }

  static String v2Payment(String url, PaymentRequirements accepted) {
    return HEADERS.encodePaymentSignature(
        PaymentPayload.of(ResourceInfo.of(url), accepted, Map.of("signature", "0x00")));
  }

  static String v1Payment(String network) {
    return HEADERS.encodeXPayment(
        PaymentPayloadV1.of("exact", network, Map.of("signature", "0x00")));
  }

  @Test
  void everyOptionIsOfferedInV2AndOnlyThoseWithAV1NameInV1() {
    RouteOffer offer = offer(route());

    assertThat(offer.v2())
        .extracting(PaymentRequirements::network)
        .containsExactly(NO_V1_NAME, BASE_SEPOLIA);
    assertThat(offer.v1())
        .singleElement()
        .satisfies(v1 -> assertThat(v1.network()).isEqualTo("base-sepolia"));
    assertThat(offer.payments().get(0).v1()).isEmpty();
  }

  @Test
  void aV1PaymentIsTiedToTheV2RequirementsOfItsOwnOption() {
    RouteOffer offer = offer(route());

    PaymentMatch match =
        matcher.match(offer, request(Map.of("X-PAYMENT", v1Payment("base-sepolia"))));

    assertThat(match).isInstanceOf(PaymentMatch.Matched.class);
    PaymentMatch.Matched matched = (PaymentMatch.Matched) match;
    assertThat(matched.x402Version()).isEqualTo(1);
    assertThat(matched.requirements()).isEqualTo(offer.payments().get(1).requirements());
    assertThat(matched.requirements().network()).isEqualTo(BASE_SEPOLIA);
  }

  @Test
  void aV1PaymentOnANetworkNotOfferedToV1IsRefused() {
    PaymentMatch match =
        matcher.match(offer(route()), request(Map.of("X-PAYMENT", v1Payment("base"))));

    assertThat(match)
        .isEqualTo(new PaymentMatch.Refused(1, "Unable to find matching payment requirements"));
  }

  @Test
  void aV2PaymentMatchesTheRequirementItEchoes() {
    RouteOffer offer = offer(route());
    PaymentRequirements first = offer.payments().get(0).requirements();

    PaymentMatch match =
        matcher.match(
            offer,
            request(Map.of("PAYMENT-SIGNATURE", v2Payment("http://127.0.0.1:8080/report", first))));

    assertThat(match).isInstanceOf(PaymentMatch.Matched.class);
    assertThat(((PaymentMatch.Matched) match).requirements()).isEqualTo(first);
    assertThat(((PaymentMatch.Matched) match).x402Version()).isEqualTo(2);
  }

  @Test
  void aV2PaymentForAnotherResourceOrServerIsRefused() {
    RouteOffer offer = offer(route());
    PaymentRequirements first = offer.payments().get(0).requirements();

    PaymentMatch otherPath =
        matcher.match(
            offer,
            request(Map.of("PAYMENT-SIGNATURE", v2Payment("http://127.0.0.1:8080/other", first))));
    PaymentMatch otherHost =
        matcher.match(
            offer,
            request(Map.of("PAYMENT-SIGNATURE", v2Payment("http://evil.example/report", first))));

    assertThat(otherPath)
        .isEqualTo(
            new PaymentMatch.Refused(
                2, "the payment was made for /other, not for this resource (/report)"));
    assertThat(otherHost)
        .isInstanceOfSatisfying(
            PaymentMatch.Refused.class,
            r -> assertThat(r.reason()).startsWith("the payment was made for a resource on"));
  }

  @Test
  void noHeaderIsUnpaidAndAMalformedOneIsRefusedNamingTheHeader() {
    RouteOffer offer = offer(route());

    assertThat(matcher.match(offer, request(Map.of()))).isEqualTo(new PaymentMatch.Unpaid());
    assertThat(matcher.match(offer, request(Map.of("PAYMENT-SIGNATURE", "not base64!"))))
        .isInstanceOfSatisfying(
            PaymentMatch.Refused.class,
            r -> {
              assertThat(r.x402Version()).isEqualTo(2);
              assertThat(r.reason()).startsWith("invalid PAYMENT-SIGNATURE header: ");
            });
  }

  @Test
  void aV2PaymentToAV1OnlyRouteIsRefusedInV1() {
    RouteOffer offer = offer(v1OnlyRoute());
    PaymentRequirements second = offer.payments().get(1).requirements();

    PaymentMatch match =
        matcher.match(
            offer,
            request(
                Map.of("PAYMENT-SIGNATURE", v2Payment("http://127.0.0.1:8080/report", second))));

    assertThat(match)
        .isEqualTo(
            new PaymentMatch.Refused(
                1, "this resource accepts protocol v1 payments (X-PAYMENT) only"));
  }

  static PaidRoute v1OnlyRoute() {
    return PaidRoute.builder()
        .accept(PaymentOption.builder(Network.evm(8453)).price("$0.02").payTo(SELLER).build())
        .accept(PaymentOption.builder(BASE_SEPOLIA).price("$0.01").payTo(SELLER).build())
        .protocolV2(false)
        .build();
  }
}
