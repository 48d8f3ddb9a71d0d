package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.EvmAddress;
import io.x402j.facilitator.testing.AcceptingScheme;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Rate limits over HTTP, on a scheme that accepts everything (no chain needed). */
class RateLimitsTest {
  static final WireCodec WIRE = WireCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final EvmAddress PAYER = EvmAddress.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  static final EvmAddress OTHER = EvmAddress.parse("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB");
  static final String SELLER = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";

  static String body(String from) {
    PaymentRequirements requirements = AcceptingScheme.requirements(SELLER);
    return WIRE.toJson(
        FacilitatorRequest.of(AcceptingScheme.payment(from, requirements), requirements));
  }

  static HttpResponse<String> post(FacilitatorServer server, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRespeltPayerSharesItsSettlementLimit() throws Exception {
    AcceptingScheme scheme = new AcceptingScheme();
    FacilitatorService service = FacilitatorService.builder().scheme(scheme).build();
    try (FacilitatorServer server =
        FacilitatorServer.builder(service).port(0).settleRateLimits(0, 1).build().start()) {
      assertThat(post(server, "/settle", body(PAYER.toString())).statusCode()).isEqualTo(200);

      for (String respelt :
          new String[] {
            PAYER.toLowerHex(),
            "0x" + PAYER.toLowerHex().substring(2).toUpperCase(Locale.ROOT),
            AcceptingScheme.fullWidth(PAYER.toLowerHex()),
            AcceptingScheme.fullWidthLetter(PAYER.toLowerHex())
          }) {
        HttpResponse<String> again = post(server, "/settle", body(respelt));
        // Limited as the same payer, or (where other scripts' digits are not hex) refused as no
        // address at all; never a second settlement.
        if (again.statusCode() == 429) {
          assertThat(again.headers().firstValue("Retry-After")).isPresent();
        } else {
          assertThat(again.statusCode()).isEqualTo(200);
          assertThat(WIRE.decodeSettleResponse(again.body()).success()).as(respelt).isFalse();
        }
      }
      assertThat(scheme.settled).hasValue(1);
      assertThat(post(server, "/settle", body(OTHER.toString())).statusCode()).isEqualTo(200);
      assertThat(scheme.settled).hasValue(2);
    }
  }

  @Test
  void verificationsAreLimitedPerPayerAndInAll() throws Exception {
    AcceptingScheme scheme = new AcceptingScheme();
    FacilitatorService service = FacilitatorService.builder().scheme(scheme).build();
    try (FacilitatorServer perPayer =
        FacilitatorServer.builder(service).port(0).verifyRateLimits(0, 2).build().start()) {
      assertThat(post(perPayer, "/verify", body(PAYER.toString())).statusCode()).isEqualTo(200);
      assertThat(post(perPayer, "/verify", body(PAYER.toLowerHex())).statusCode()).isEqualTo(200);
      HttpResponse<String> third = post(perPayer, "/verify", body(PAYER.toString()));

      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 30L);
      assertThat(third.body()).contains("verification rate limit");
      assertThat(post(perPayer, "/verify", body(OTHER.toString())).statusCode()).isEqualTo(200);
      assertThat(post(perPayer, "/settle", body(PAYER.toString())).statusCode())
          .as("settlements have their own limit")
          .isEqualTo(200);
    }
    try (FacilitatorServer global =
        FacilitatorServer.builder(service).port(0).verifyRateLimits(1, 0).build().start()) {
      assertThat(post(global, "/verify", body(PAYER.toString())).statusCode()).isEqualTo(200);
      HttpResponse<String> limited = post(global, "/verify", body(OTHER.toString()));

      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    }
  }
}
