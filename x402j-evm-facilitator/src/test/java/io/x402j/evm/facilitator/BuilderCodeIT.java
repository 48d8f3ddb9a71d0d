package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.Permit2Fixture.ETH;
import static io.x402j.evm.facilitator.Permit2Fixture.PRICE;
import static io.x402j.evm.facilitator.Permit2Fixture.freshNonce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.TokenAmount;
import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.extensions.BuilderCode.Attribution;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.Erc8021;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * builder-code on a real chain: every settlement path ends its calldata with the ERC-8021 suffix of
 * the echoed codes and the facilitator's own, and the call still does exactly what it did without
 * it (the contracts decode their arguments and ignore the trailing bytes).
 */
class BuilderCodeIT {
  static Devnet devnet;
  static DevnetInfo info;
  static Permit2Fixture fx;
  static PrivateKeySigner buyer;
  static PrivateKeySigner gas;
  static EvmAddress seller;

  static final Map<String, Object> ECHO =
      Map.of(
          BuilderCode.KEY,
          Map.of("info", Map.of("a", "bc_myapp", "s", List.of("my_client", "sdk_x"))));

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("buyer", ETH, BigInteger.valueOf(1_000_000_000))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    buyer = info.requireAccount("buyer").signer();
    gas = info.requireAccount("gas").signer();
    seller = info.requireAccount("seller").address();
    fx = new Permit2Fixture(info, seller);
    devnet.approvePermit2(buyer.address(), info.token());
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static ExactEvmFacilitator facilitator() {
    return ExactEvmFacilitator.builder()
        .network(fx.network(gas).build())
        .builderCode("bc_myfacilitator", "fac_svc")
        .build();
  }

  static byte[] inputOf(SettleResponse settled) {
    JsonNode tx = fx.rpc().call("eth_getTransactionByHash", settled.transaction()).join();
    return Hex.decode(tx.path("input").asText());
  }

  static void assertEndsWith(byte[] input, byte[] suffix) {
    assertThat(input.length).isGreaterThan(suffix.length);
    assertThat(Arrays.copyOfRange(input, input.length - suffix.length, input.length))
        .isEqualTo(suffix);
  }

  static final Attribution EXPECTED =
      new Attribution("bc_myapp", List.of("my_client", "sdk_x", "fac_svc"), "bc_myfacilitator");

  @Test
  void anEip3009SettlementCarriesTheSuffixAndStillMovesTheMoney() {
    try (ExactEvmFacilitator exact = facilitator()) {
      PaymentRequirements required =
          PaymentRequirements.builder()
              .network(info.network())
              .amount(TokenAmount.of(PRICE))
              .asset(info.token().toString())
              .payTo(seller.toString())
              .maxTimeoutSeconds(60)
              .extra("name", info.tokenName())
              .extra("version", info.tokenVersion())
              .build();
      Map<String, Object> payload = ExactEvmClient.of(buyer).createPayload(2, required);
      SchemeRequest request =
          new SchemeRequest(
              2, new PaymentPayload(null, required, payload, ECHO, Map.of()), required, null);
      BigInteger before = devnet.tokenBalance(seller);

      SettleResponse settled = exact.settle(request).join();

      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(PRICE));
      byte[] input = inputOf(settled);
      byte[] call = Eip3009Calls.transferWithAuthorization(ExactEvmPayload.fromMap(payload));
      assertThat(Arrays.copyOf(input, call.length)).isEqualTo(call);
      assertThat(input.length).isEqualTo(call.length + Erc8021.suffix(EXPECTED).length);
      assertEndsWith(input, Erc8021.suffix(EXPECTED));
      assertThat(Erc8021.parse(input)).contains(EXPECTED);
    }
  }

  @Test
  void aPermit2SettlementCarriesTheSuffix() {
    try (ExactEvmFacilitator exact = facilitator()) {
      SchemeRequest request =
          Permit2Fixture.request(
              fx.requirements("exact", PRICE),
              fx.signed(buyer, fx.exactPermit(buyer, PRICE, freshNonce())),
              ECHO,
              "bc-" + UUID.randomUUID());
      BigInteger before = devnet.tokenBalance(seller);

      SettleResponse settled = exact.settle(request).join();

      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(PRICE));
      assertEndsWith(inputOf(settled), Erc8021.suffix(EXPECTED));
    }
  }

  @Test
  void anUptoSettlementCarriesTheSuffix() {
    try (ExactEvmFacilitator exact = facilitator()) {
      BigInteger actual = BigInteger.valueOf(4_000);
      SchemeRequest request =
          Permit2Fixture.request(
              fx.requirements("upto", actual),
              fx.signed(buyer, fx.uptoPermit(buyer, PRICE, gas.address(), freshNonce())),
              ECHO,
              "bc-" + UUID.randomUUID());
      BigInteger before = devnet.tokenBalance(seller);

      SettleResponse settled = exact.upto().settle(request).join();

      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(actual));
      assertEndsWith(inputOf(settled), Erc8021.suffix(EXPECTED));
    }
  }

  @Test
  void hostileEchoedCodesAreDroppedAndTheFacilitatorCodeStays() {
    // A payment sent straight to the facilitator: uppercase, unicode, too long, and a pile of
    // codes; the facilitator keeps the valid ones up to the echo budget and adds its own.
    Map<String, Object> hostile =
        Map.of(
            BuilderCode.KEY,
            Map.of(
                "info",
                Map.of(
                    "a",
                    "BadApp",
                    "s",
                    List.of(
                        "ok_1",
                        "UPPER",
                        "caf\u00e9",
                        "x".repeat(33),
                        "ok_2",
                        "ok_3",
                        "ok_4",
                        "ok_5",
                        "ok_6",
                        "ok_7",
                        "ok_8",
                        "ok_9",
                        "ok_10",
                        "ok_11"))));
    try (ExactEvmFacilitator exact = facilitator()) {
      SchemeRequest request =
          Permit2Fixture.request(
              fx.requirements("exact", PRICE),
              fx.signed(buyer, fx.exactPermit(buyer, PRICE, freshNonce())),
              hostile,
              "bc-" + UUID.randomUUID());

      SettleResponse settled = exact.settle(request).join();

      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(Erc8021.parse(inputOf(settled)))
          .contains(
              new Attribution(
                  null,
                  List.of(
                      "ok_1", "ok_2", "ok_3", "ok_4", "ok_5", "ok_6", "ok_7", "ok_8", "ok_9",
                      "ok_10", "fac_svc"),
                  "bc_myfacilitator"));
    }
  }

  @Test
  void invalidFacilitatorCodesAreRefusedAtConstruction() {
    assertThatThrownBy(() -> ExactEvmFacilitator.builder().builderCode("My_Fac", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'My_Fac'")
        .hasMessageContaining("lowercase");
    assertThatThrownBy(() -> ExactEvmFacilitator.builder().builderCode("fac", "x".repeat(33)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service code");
  }
}
