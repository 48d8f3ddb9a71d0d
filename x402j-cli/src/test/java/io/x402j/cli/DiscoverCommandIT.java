package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.mcp.AgentWallet;
import io.x402j.testkit.CatalogFacilitator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code x402j discover} and the {@code x402_discover} tool of {@code x402j mcp} against the x402j
 * facilitator's real {@code /discovery/resources} and {@code /discovery/search}, on a catalog
 * holding three entries (see {@link CatalogFacilitator} for how they got there).
 */
class DiscoverCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  static CatalogFacilitator facilitator;

  @BeforeAll
  static void start() throws Exception {
    facilitator = new CatalogFacilitator().withThreeEntries();
  }

  @AfterAll
  static void stop() {
    facilitator.close();
  }

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    CommandLine cli = X402j.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void theTableShowsWhatCanBeBoughtReadyForPay() {
    Run run = run("discover", "--facilitator", facilitator.url());

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("3 resources at " + facilitator.url())
        .contains("https://weather.example/now", "GET", "$0.01", "Foggy weather right now")
        .contains("https://text.example/summarize", "POST", "$0.25")
        .contains("https://weather.example/mcp", "tool get_forecast", "$0.005")
        .contains("Base Sepolia (eip155:84532)")
        .contains("Pay with: x402j pay");
  }

  @Test
  void aSearchAsJsonIsMachineReadable() throws Exception {
    Run run =
        run("discover", "--facilitator", facilitator.url(), "--query", "foggy weather", "--json");

    assertThat(run.status()).as(run.err()).isZero();
    JsonNode doc = JSON.readTree(run.out());
    assertThat(doc.path("query").asText()).isEqualTo("foggy weather");
    JsonNode first = doc.path("resources").path(0);
    assertThat(first.path("resource").asText()).isEqualTo("https://weather.example/now");
    assertThat(first.path("method").asText()).isEqualTo("GET");
    assertThat(first.path("serviceName").asText()).isEqualTo("Example Weather");
    assertThat(first.at("/input/queryParams/city").asText()).isEqualTo("Paris");
    assertThat(first.at("/offers/0/usd").asText()).isEqualTo("$0.01");
    assertThat(first.at("/offers/0/payTo").asText()).isEqualTo(CatalogFacilitator.SELLER);
  }

  @Test
  void typeNetworkAndLimitNarrowIt() throws Exception {
    JsonNode mcp =
        JSON.readTree(
            run("discover", "--facilitator", facilitator.url(), "--type", "mcp", "--json").out());
    assertThat(mcp.path("resources")).hasSize(1);
    assertThat(mcp.at("/resources/0/toolName").asText()).isEqualTo("get_forecast");

    JsonNode elsewhere =
        JSON.readTree(
            run("discover", "--facilitator", facilitator.url(), "--network", "base", "--json")
                .out());
    assertThat(elsewhere.path("resources")).isEmpty();

    Run one = run("discover", "--facilitator", facilitator.url(), "--limit", "1");
    assertThat(one.out()).contains("1 resource at").contains("more exist");
    JsonNode limited =
        JSON.readTree(
            run("discover", "--facilitator", facilitator.url(), "--limit", "2", "--json").out());
    assertThat(limited.path("resources")).hasSize(2);
    assertThat(limited.path("truncated").asBoolean()).isTrue();
  }

  @Test
  void whatIsNotACatalogIsAnErrorWithItsExitCode() {
    Run notFound = run("discover", "--facilitator", facilitator.url() + "/nowhere?key=SECRET");
    assertThat(notFound.status()).isEqualTo(PayCommand.HTTP_ERROR);
    assertThat(notFound.err()).contains("HTTP 404").doesNotContain("SECRET");

    Run bad = run("discover", "--facilitator", facilitator.url(), "--type", "ftp");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("--type must be http or mcp");
  }

  @Test
  void theAgentWalletsDiscoverToolShowsTheSameOffers() throws Exception {
    McpCommand command =
        PayCommandTest.parse(McpCommand.class, "mcp", "--discovery-facilitator", facilitator.url());
    command.spec.commandLine().setErr(new PrintWriter(new StringWriter()));
    AgentWallet wallet = command.wallet(Map.of("X402J_PRIVATE_KEY", KEY));
    SyncToolSpecification tool =
        wallet.tools().stream()
            .filter(t -> t.tool().name().equals("x402_discover"))
            .findFirst()
            .orElseThrow();

    CallToolResult result =
        tool.callHandler()
            .apply(
                null,
                new CallToolRequest(
                    "x402_discover", Map.of("query", "summaries", "type", "http"), null));

    assertThat(result.isError()).as(((TextContent) result.content().get(0)).text()).isFalse();
    JsonNode out = JSON.valueToTree(result.structuredContent());
    assertThat(out.at("/resources/0/resource").asText())
        .isEqualTo("https://text.example/summarize");
    assertThat(out.at("/resources/0/method").asText()).isEqualTo("POST");
    assertThat(out.at("/resources/0/offers/0/usd").asText()).isEqualTo("$0.25");
    assertThat(out.path("howToPay").asText()).contains("x402_fetch");
  }
}
