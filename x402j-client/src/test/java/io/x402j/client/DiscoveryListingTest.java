package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.discovery.DiscoveredResource;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscoveryListingTest {
  static final String USDC_BASE_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
  static final String PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

  static PaymentRequirements offer(String asset, String amount) {
    return new PaymentRequirements(
        "exact",
        Network.parse("eip155:84532"),
        TokenAmount.parse(amount),
        asset,
        PAY_TO,
        60,
        Map.of(),
        Map.of());
  }

  static DiscoveredResource resource(
      List<PaymentRequirements> accepts, List<PaymentRequirementsV1> v1, Map<String, Object> ext) {
    return new DiscoveredResource(
        "https://api.example/weather",
        "http",
        v1.isEmpty() ? 2 : 1,
        accepts,
        v1,
        null,
        "Weather",
        null,
        null,
        List.of(),
        null,
        ext,
        Map.of());
  }

  @Test
  void aKnownStablecoinIsPricedInDollarsWhateverTheCaseOfItsAddress() {
    DiscoveryListing listing =
        DiscoveryListing.of(
            resource(
                List.of(offer(USDC_BASE_SEPOLIA.toLowerCase(java.util.Locale.ROOT), "10000")),
                List.of(),
                Map.of()),
            NetworkRegistry.defaults());

    DiscoveredOffer offer = listing.offers().get(0);
    assertThat(offer.price()).isEqualTo("$0.01");
    assertThat(offer.toMap()).containsEntry("usd", "$0.01").containsEntry("amountAtomic", "10000");
    assertThat(listing.cheapestInDollars()).contains(offer);
  }

  @Test
  void aSymbolInTheEntryIsNotTakenForTheToken() {
    DiscoveryListing listing =
        DiscoveryListing.of(
            resource(List.of(offer("USDC", "10000")), List.of(), Map.of()),
            NetworkRegistry.defaults());

    DiscoveredOffer offer = listing.offers().get(0);
    assertThat(offer.usd()).isEmpty();
    assertThat(offer.price()).isEqualTo("10000 atomic units of 'USDC'");
  }

  @Test
  void anUnknownTokenIsPricedInAtomicUnitsOfItsAddress() {
    DiscoveredOffer offer =
        DiscoveredOffer.of(
            offer("0x1111111111111111111111111111111111111111", "5"), NetworkRegistry.defaults());

    assertThat(offer.price())
        .isEqualTo("5 atomic units of 0x1111111111111111111111111111111111111111");
    assertThat(offer.toMap()).doesNotContainKey("usd");
  }

  @Test
  void aV1EntryIsTranslatedAndAnUnknownV1NetworkIsNoted() {
    PaymentRequirementsV1 known = v1("base-sepolia");
    PaymentRequirementsV1 unknown = v1("atlantis");

    DiscoveryListing listing =
        DiscoveryListing.of(
            resource(List.of(), List.of(known, unknown), Map.of()), NetworkRegistry.defaults());

    assertThat(listing.offers()).hasSize(1);
    assertThat(listing.offers().get(0).requirements().network())
        .isEqualTo(Network.parse("eip155:84532"));
    assertThat(listing.offers().get(0).price()).isEqualTo("$0.001");
    assertThat(listing.notes()).singleElement().asString().contains("atlantis");
  }

  @Test
  void theDeclaredMethodAndInputAreShown() {
    Map<String, Object> bazaar =
        Map.of(
            "bazaar",
            Map.of(
                "info",
                Map.of(
                    "input",
                    Map.of(
                        "type", "http", "method", "POST", "bodyType", "json", "body", Map.of()))));
    DiscoveryListing listing =
        DiscoveryListing.of(
            resource(List.of(offer(USDC_BASE_SEPOLIA, "1")), List.of(), bazaar),
            NetworkRegistry.defaults());

    assertThat(listing.method()).isEqualTo("POST");
    assertThat(listing.toMap())
        .containsEntry("method", "POST")
        .containsKey("input")
        .containsEntry("description", "Weather");
  }

  private static PaymentRequirementsV1 v1(String network) {
    return new PaymentRequirementsV1(
        "exact",
        network,
        TokenAmount.parse("1000"),
        "https://api.example/weather",
        "",
        null,
        null,
        PAY_TO,
        60,
        USDC_BASE_SEPOLIA,
        null,
        Map.of());
  }
}
