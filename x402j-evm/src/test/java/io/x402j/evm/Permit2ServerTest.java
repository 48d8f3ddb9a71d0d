package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.scheme.AssetAmount;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SupportedKind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the exact server offers with Permit2 and what the upto server offers. */
class Permit2ServerTest {
  static final Network NET = Network.evm(84532);
  final NetworkRegistry registry = NetworkRegistry.defaults();
  final Asset plain = new Asset(Permit2Test.USDC.toString(), "PLAIN", 6, null, null, true);

  @Test
  void eip3009OffersAreUnchanged() {
    AssetAmount a = new ExactEvmServer(registry).parsePrice(Price.usd("0.01"), NET);
    assertThat(a.extra()).containsOnlyKeys("name", "version");
  }

  @Test
  void permit2OffersCarryTheDomainThenTheMethod() {
    AssetAmount a = new ExactEvmServer(registry).withPermit2().parsePrice(Price.usd("0.01"), NET);
    assertThat(a.extra().keySet().toString()).isEqualTo("[name, version, assetTransferMethod]");
    assertThat(a.extra()).containsEntry("assetTransferMethod", "permit2");
    AssetAmount p =
        new ExactEvmServer(registry).withPermit2().parsePrice(Price.atomic(5), NET, plain);
    assertThat(p.extra()).isEqualTo(Map.of("assetTransferMethod", "permit2"));
  }

  @Test
  void permit2CanBeChosenPerAsset() {
    ExactEvmServer server =
        new ExactEvmServer(registry).withPermit2For(a -> a.symbol().equals("PLAIN"));
    assertThat(server.parsePrice(Price.atomic(5), NET, plain).extra())
        .containsEntry("assetTransferMethod", "permit2");
    assertThat(server.parsePrice(Price.usd("0.01"), NET).extra())
        .doesNotContainKey("assetTransferMethod");
  }

  @Test
  void uptoOffersPermit2AndCopiesTheFacilitatorAddress() {
    UptoEvmServer server = new UptoEvmServer(registry);
    assertThat(server.scheme()).isEqualTo("upto");
    assertThat(server.needsSupportedKind()).isTrue();
    AssetAmount a = server.parsePrice(Price.usd("0.01"), NET);
    assertThat(a.extra()).containsEntry("assetTransferMethod", "permit2");
    PaymentRequirements r =
        PaymentRequirements.builder()
            .scheme("upto")
            .network(NET)
            .amount(a.amount())
            .asset(a.asset())
            .payTo(Permit2Test.PAY_TO.toString())
            .maxTimeoutSeconds(60)
            .extra(a.extra())
            .build();
    Map<String, Object> kindExtra = new LinkedHashMap<>();
    kindExtra.put("facilitatorAddress", Permit2ClientTest.FACILITATOR.toLowerHex());
    SupportedKind kind = new SupportedKind(2, "upto", NET.toString(), kindExtra, Map.of());
    PaymentRequirements enhanced = server.enhanceRequirements(r, kind);
    assertThat(enhanced.extraString("facilitatorAddress"))
        .isEqualTo(Permit2ClientTest.FACILITATOR.toString());
    assertThat(enhanced.extraString("assetTransferMethod")).isEqualTo("permit2");
    assertThat(server.enhanceRequirements(r, null).extraString("facilitatorAddress")).isNull();
    SupportedKind badKind =
        new SupportedKind(
            2, "upto", NET.toString(), Map.of("facilitatorAddress", "0xnope"), Map.of());
    assertThatThrownBy(() -> server.enhanceRequirements(r, badKind))
        .hasMessageContaining("facilitatorAddress");
    // the offer is payable by the upto client
    UptoEvmClient client =
        UptoEvmClient.of(PrivateKeySigner.fromHex(PrivateKeySignerTest.ANVIL_KEY_0));
    Map<String, Object> payload = client.createPayload(2, enhanced);
    assertThat(server.identify(2, enhanced, payload).id()).startsWith("permit2|eip155:84532|");
  }
}
