package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.DiscoveryListing;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.discovery.DiscoveredResource;
import io.x402j.core.discovery.DiscoveryClient;
import io.x402j.core.discovery.DiscoveryFilter;
import io.x402j.core.wire.PaymentRequirements;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

/** {@code x402j discover}'s flags and table, without a facilitator. */
class DiscoverCommandTest {
  static DiscoveredResource resource(String url, String description) {
    return new DiscoveredResource(
        url,
        "http",
        2,
        List.of(
            new PaymentRequirements(
                "exact",
                Network.parse("eip155:84532"),
                TokenAmount.parse("10000"),
                "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                60,
                Map.of(),
                Map.of())),
        List.of(),
        null,
        description,
        null,
        null,
        List.of(),
        null,
        Map.of(),
        Map.of());
  }

  static DiscoverCommand.Request request() {
    return new DiscoverCommand.Request(
        DiscoveryClient.builder("https://fac.example/x?apikey=SECRET").build(),
        null,
        DiscoveryFilter.none(),
        20,
        NetworkRegistry.defaults());
  }

  @Test
  void theTableLinesUpAndSaysHowToPay() {
    DiscoveryListing listing =
        DiscoveryListing.of(
            resource("https://api.example/weather", "Weather now"), NetworkRegistry.defaults());

    String table =
        DiscoverCommand.table(
            request(), new DiscoveryListing.Found(List.of(listing), false, List.of()));

    assertThat(table)
        .isEqualTo(
            "1 resource at https://fac.example/x?…:\n"
                + "  #  resource                     method  price  network                     "
                + " description\n"
                + "  1  https://api.example/weather  GET     $0.01  Base Sepolia (eip155:84532) "
                + " Weather now\n"
                + "Pay with: x402j pay [-X METHOD] [-d BODY] URL");
  }

  @Test
  void catalogTextCannotDriveTheTerminal() {
    DiscoveryListing listing =
        DiscoveryListing.of(
            resource("https://api.example/\u001b[2Jx", "line one\nFAKE ROW\u202e evil \u0007"),
            NetworkRegistry.defaults());

    String table =
        DiscoverCommand.table(
            request(), new DiscoveryListing.Found(List.of(listing), false, List.of()));

    assertThat(table)
        .doesNotContain("\u001b", "\u202e", "\u0007")
        .contains("https://api.example/?[2Jx", "line one?FAKE ROW? evil ?")
        .doesNotContain("SECRET");
    assertThat(table.lines()).hasSize(4);
  }

  @Test
  void badFlagsAreUsageErrorsNamingTheFlag() {
    assertThatThrownBy(() -> flags("--type", "ftp").request(Map.of()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--type must be http or mcp");
    assertThatThrownBy(() -> flags("--limit", "0").request(Map.of()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--limit");
    assertThatThrownBy(() -> flags("--network", "atlantis").request(Map.of()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("atlantis");
    assertThatThrownBy(() -> flags("--query", " ").request(Map.of()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--query must not be blank");
    assertThatThrownBy(() -> flags("--facilitator-token-env", "NOPE").request(Map.of()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("NOPE is not set");
  }

  @Test
  void aV1NetworkNameIsSentAsItsCaip2Identifier() throws Exception {
    DiscoverCommand.Request request =
        flags("--network", "base-sepolia", "--type", "HTTP").request(Map.of());

    assertThat(request.filter().network()).isEqualTo("eip155:84532");
    assertThat(request.filter().type()).isEqualTo("http");
    assertThat(request.limit()).isEqualTo(DiscoverCommand.DEFAULT_LIMIT);
  }

  static DiscoverCommand flags(String... more) {
    String[] args = new String[more.length + 3];
    args[0] = "discover";
    args[1] = "--facilitator";
    args[2] = "https://fac.example";
    System.arraycopy(more, 0, args, 3, more.length);
    return PayCommandTest.parse(DiscoverCommand.class, args);
  }
}
