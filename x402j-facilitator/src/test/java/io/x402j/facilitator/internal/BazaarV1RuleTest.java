package io.x402j.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.WireCodec;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one rule by which a protocol v1 payment's requirements declare a catalog entry (the official
 * {@code extractDiscoveryInfoV1}), asked through both of its callers: {@link
 * BazaarExtraction#declares} (whether the facilitator offers a settled payment to the catalog and
 * answers on the side channel) and {@link BazaarExtraction#extract} (what the catalog stores). They
 * must agree on every case.
 */
class BazaarV1RuleTest {
  static final String PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final WireCodec WIRE = WireCodec.standard();

  /** A v1 settle request for {@code resource} on the network named {@code v1Network}. */
  static FacilitatorRequest v1Request(String v1Network, String outputSchema) {
    return WIRE.decodeFacilitatorRequest(
        """
        {"x402Version":1,
         "paymentPayload":{"x402Version":1,"scheme":"exact","network":"%s",
           "payload":{"signature":"0x%s","authorization":{"from":"%s","to":"%s","value":"10000",
             "validAfter":"0","validBefore":"9999999999","nonce":"0x%s"}}},
         "paymentRequirements":{"scheme":"exact","network":"%s",
           "maxAmountRequired":"10000","resource":"https://api.example.com/v1/r",
           "description":"v1 report","mimeType":"application/json","outputSchema":%s,
           "payTo":"%s","maxTimeoutSeconds":60,
           "asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e",
           "extra":{"name":"USDC","version":"2"}}}
        """
            .formatted(
                v1Network,
                "22".repeat(65),
                PAYER,
                SELLER,
                "11".repeat(32),
                v1Network,
                outputSchema,
                SELLER));
  }

  static String input(String fields) {
    return "{\"input\":{" + fields + "}}";
  }

  /**
   * outputSchema, and the method it declares ({@code null}: none). The expectations are what the
   * official {@code extractDiscoveryInfoV1} of {@code @x402/extensions} 2.27.0 returns for the same
   * requirements.
   */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(input("\"type\":\"http\",\"method\":\"GET\""), "GET"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"get\""), "GET"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"Head\""), "HEAD"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"DELETE\""), "DELETE"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"post\""), "POST"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"PUT\""), "PUT"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"pAtCh\""), "PATCH"),
        // The methods the two former rules disagreed on: declared for the side channel, but
        // never catalogued. The official rule catalogues none of them.
        Arguments.of(input("\"type\":\"http\",\"method\":\"OPTIONS\""), null),
        Arguments.of(input("\"type\":\"http\",\"method\":\"TRACE\""), null),
        Arguments.of(input("\"type\":\"http\",\"method\":\"CONNECT\""), null),
        Arguments.of(input("\"type\":\"http\",\"method\":\"GETS\""), null),
        Arguments.of(input("\"type\":\"http\",\"method\":\"\""), null),
        Arguments.of(input("\"type\":\"http\",\"method\":5"), null),
        Arguments.of(input("\"type\":\"http\",\"method\":null"), null),
        Arguments.of(input("\"type\":\"http\",\"method\":[\"GET\"]"), null),
        Arguments.of(input("\"type\":\"http\""), null),
        // discoverable: JavaScript's `discoverable ?? true`.
        Arguments.of(input("\"type\":\"http\",\"method\":\"GET\",\"discoverable\":false"), null),
        Arguments.of(input("\"type\":\"http\",\"method\":\"GET\",\"discoverable\":0"), null),
        Arguments.of(input("\"type\":\"http\",\"method\":\"GET\",\"discoverable\":\"\""), null),
        Arguments.of(input("\"type\":\"http\",\"method\":\"GET\",\"discoverable\":null"), "GET"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"GET\",\"discoverable\":true"), "GET"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"GET\",\"discoverable\":\"no\""), "GET"),
        Arguments.of(input("\"type\":\"http\",\"method\":\"POST\",\"discoverable\":1"), "POST"),
        // Not an http input.
        Arguments.of(input("\"type\":\"mcp\",\"method\":\"GET\""), null),
        Arguments.of(input("\"type\":\"HTTP\",\"method\":\"GET\""), null),
        Arguments.of(input("\"method\":\"GET\""), null),
        Arguments.of("{\"input\":[\"http\",\"GET\"]}", null),
        Arguments.of("{\"input\":\"GET\"}", null),
        Arguments.of("{\"output\":{\"weather\":\"rain\"}}", null),
        Arguments.of("{}", null),
        Arguments.of("null", null));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void declaresAndExtractApplyTheSameRule(String outputSchema, String method) {
    FacilitatorRequest request = v1Request("base-sepolia", outputSchema);

    boolean declared = BazaarExtraction.declares(request);
    BazaarExtraction.Outcome outcome =
        new BazaarExtraction().extract(request, NetworkRegistry.defaults());

    assertThat(declared).as("declares").isEqualTo(method != null);
    if (method == null) {
      assertThat(outcome).as("extract").isInstanceOf(BazaarExtraction.Absent.class);
    } else {
      assertThat(outcome).as("extract").isInstanceOf(BazaarExtraction.Declared.class);
      BazaarExtraction.Entry entry = ((BazaarExtraction.Declared) outcome).entry();
      assertThat(entry.metadata().get("method").asText()).isEqualTo(method);
      assertThat(entry.bazaar().at("/info/input/method").asText()).isEqualTo(method);
      assertThat(entry.x402Version()).isEqualTo(1);
      assertThat(entry.network()).isEqualTo("eip155:84532");
    }
  }

  @Test
  void queryAndBodyMethodsDeriveTheirInputsFromTheSameRule() {
    BazaarExtraction extraction = new BazaarExtraction();
    for (String method : Arrays.asList("get", "HEAD", "delete")) {
      BazaarExtraction.Entry entry =
          entry(
              extraction,
              input(
                  "\"type\":\"http\",\"method\":\""
                      + method
                      + "\",\"query\":{\"q\":\"x\"},\"body\":{\"b\":1}"));
      assertThat(entry.bazaar().at("/info/input/queryParams/q").asText()).isEqualTo("x");
      assertThat(entry.bazaar().at("/info/input").has("body")).as(method).isFalse();
      assertThat(entry.bazaar().at("/info/input").has("bodyType")).as(method).isFalse();
    }
    for (String method : Arrays.asList("post", "PUT", "Patch")) {
      BazaarExtraction.Entry entry =
          entry(
              extraction,
              input(
                  "\"type\":\"http\",\"method\":\""
                      + method
                      + "\",\"bodyType\":\"text/plain\",\"data\":{\"b\":1},"
                      + "\"headers\":{\"X-Key\":\"k\"}"));
      assertThat(entry.bazaar().at("/info/input/bodyType").asText()).isEqualTo("text");
      assertThat(entry.bazaar().at("/info/input/body/b").asInt()).isEqualTo(1);
      assertThat(entry.bazaar().at("/info/input/headers/X-Key").asText()).isEqualTo("k");
    }
  }

  static BazaarExtraction.Entry entry(BazaarExtraction extraction, String outputSchema) {
    BazaarExtraction.Outcome outcome =
        extraction.extract(v1Request("base-sepolia", outputSchema), NetworkRegistry.defaults());
    assertThat(outcome).as(outputSchema).isInstanceOf(BazaarExtraction.Declared.class);
    return ((BazaarExtraction.Declared) outcome).entry();
  }

  @Test
  void aV1NetworkNameIsResolvedWithTheRegistryItIsGiven() {
    Network devnet = Network.evm(31337);
    NetworkRegistry configured =
        NetworkRegistry.defaults().toBuilder()
            .network(NetworkInfo.builder(devnet).v1Name("x402j-devnet").testnet(true).build())
            .build();
    FacilitatorRequest request =
        v1Request("x402j-devnet", input("\"type\":\"http\",\"method\":\"GET\""));

    BazaarExtraction.Outcome outcome = new BazaarExtraction().extract(request, configured);

    assertThat(outcome).isInstanceOf(BazaarExtraction.Declared.class);
    assertThat(((BazaarExtraction.Declared) outcome).entry().network()).isEqualTo("eip155:31337");
    // The registry matters: without the configured network the name means nothing.
    assertThat(new BazaarExtraction().extract(request, NetworkRegistry.defaults()))
        .isInstanceOf(BazaarExtraction.Rejected.class);
  }
}
