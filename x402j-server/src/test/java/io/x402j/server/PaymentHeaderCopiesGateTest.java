package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.testkit.PaymentHeaderCopies;
import io.x402j.testkit.ScriptedFacilitator;
import io.x402j.testkit.TestPayments;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A payment is sent once, in one header: the gate itself refuses, on a priced route, a request that
 * carries more than one payment header value (two of one name, one PAYMENT-SIGNATURE and one
 * X-PAYMENT, or comma-joined values), with 400 and before its facilitator is asked anything. Every
 * integration gets the rule from here; their raw-HTTP tests show it end to end.
 */
class PaymentHeaderCopiesGateTest {
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final String URL = "https://shop.example/weather";

  static ScriptedFacilitator scripted;
  static PaymentHeaderCopies.Counting facilitator;
  static PaymentGate gate;
  static String payment;

  @BeforeAll
  static void start() {
    scripted = ScriptedFacilitator.start();
    facilitator =
        new PaymentHeaderCopies.Counting(HttpFacilitatorClient.builder(scripted.url()).build());
    gate =
        PaymentGate.builder()
            .facilitator(facilitator)
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", Network.evm(84532), SELLER))
                    .build())
            .build();
    GateDecision unpaid = gate.check(GateRequest.of("GET", "/weather", URL, Map.of())).join();
    String offer = ((GateDecision.Respond) unpaid).response().header("PAYMENT-REQUIRED");
    payment = TestPayments.v2(offer, PrivateKeySigner.fromHex("0x" + "11".repeat(32)));
  }

  @AfterAll
  static void stop() {
    scripted.close();
  }

  static GateRequest get(String path, Map<String, List<String>> headers) {
    return GateRequest.of("GET", path, "https://shop.example" + path, headers);
  }

  static GateResponse refused(GateRequest request) {
    GateDecision decision = gate.check(request).join();
    assertThat(decision).isInstanceOf(GateDecision.Respond.class);
    return ((GateDecision.Respond) decision).response();
  }

  static String body(GateResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void everyWayOfSendingThePaymentTwiceIsA400BeforeTheFacilitatorIsAsked() {
    Map<String, Map<String, List<String>>> cases = new LinkedHashMap<>();
    cases.put(
        "2 PAYMENT-SIGNATURE headers", Map.of("PAYMENT-SIGNATURE", List.of(payment, payment)));
    cases.put("2 X-PAYMENT headers", Map.of("X-PAYMENT", List.of(payment, payment)));
    cases.put(
        "1 PAYMENT-SIGNATURE header and 1 X-PAYMENT header",
        Map.of("PAYMENT-SIGNATURE", List.of(payment), "X-PAYMENT", List.of(payment)));
    cases.put(
        "PAYMENT-SIGNATURE header holds 2 comma-separated values",
        Map.of("PAYMENT-SIGNATURE", List.of(payment + ", " + payment)));
    cases.put(
        "the request has 2 PAYMENT-SIGNATURE headers",
        Map.of("payment-signature", List.of(payment), "PAYMENT-SIGNATURE", List.of(payment)));
    cases.put(
        "1 PAYMENT-SIGNATURE header and 1 X-PAYMENT header; send the payment once",
        Map.of("PAYMENT-SIGNATURE", List.of(""), "X-PAYMENT", List.of(payment)));
    cases.put(
        "1 PAYMENT-SIGNATURE header and 1 X_PAYMENT header",
        Map.of("PAYMENT-SIGNATURE", List.of(payment), "X_PAYMENT", List.of(payment)));
    cases.forEach(
        (reason, headers) -> {
          GateResponse answer = refused(get("/weather", headers));
          assertThat(answer.status()).as(reason).isEqualTo(400);
          assertThat(body(answer)).as(reason).contains(reason).doesNotContain(payment);
          assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        });
    assertThat(facilitator.verifiesOf(payment)).isZero();

    // Nothing was held: the same payment, sent once, buys the response.
    GateDecision once =
        gate.check(get("/weather", Map.of("PAYMENT-SIGNATURE", List.of(payment)))).join();
    assertThat(once).isInstanceOf(GateDecision.Admit.class);
    assertThat(facilitator.verifiesOf(payment)).as("the counter counts").isEqualTo(1);
    assertThat(((GateDecision.Admit) once).admission().complete(200).join())
        .isInstanceOf(Completion.Release.class);
  }

  @Test
  void aFreeRoutePassesWhateverItCarries() {
    GateDecision free =
        gate.check(
                get(
                    "/free",
                    Map.of("PAYMENT-SIGNATURE", List.of("a", "b"), "X-PAYMENT", List.of("c"))))
            .join();
    assertThat(free).isInstanceOf(GateDecision.Free.class);
  }

  @Test
  void anAdapterThatListsNoValuesIsStillCountedByWhatItReads() {
    GateRequest twoNamesOneValueEach =
        new GateRequest() {
          @Override
          public String method() {
            return "GET";
          }

          @Override
          public String path() {
            return "/weather";
          }

          @Override
          public String url() {
            return URL;
          }

          @Override
          public Optional<String> header(String name) {
            return name.equalsIgnoreCase("PAYMENT-SIGNATURE") || name.equalsIgnoreCase("X-PAYMENT")
                ? Optional.of(payment)
                : Optional.empty();
          }

          @Override
          public List<String> headerValues(String name) {
            return List.of();
          }
        };
    GateResponse answer = refused(twoNamesOneValueEach);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(body(answer)).contains("1 PAYMENT-SIGNATURE header and 1 X-PAYMENT header");
  }
}
