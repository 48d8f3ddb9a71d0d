package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.testing.TestShop;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.testkit.TestMarket;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pay} and {@code inspect} on a devnet the built-in registry does not know (chain 31337),
 * learning its token from a networks file or from the token contract over JSON-RPC.
 */
class TokenLearningIT {
  static TestMarket market;
  static TestShop shop;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    shop = TestShop.start(market);
  }

  @AfterAll
  static void stop() {
    shop.close();
    market.close();
  }

  record Run(int exit, String out, String err) {}

  /** Runs {@code pay} or {@code inspect} in this JVM with the buyer's key in its environment. */
  static Run x402j(String... args) throws Exception {
    CommandLine cli = X402j.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    Object command = parsed.subcommand().commandSpec().userObject();
    Map<String, String> env =
        Map.of("X402J_PRIVATE_KEY", market.info().requireAccount("buyer").privateKey());
    int exit;
    if (command instanceof PayCommand pay) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      exit = pay.run(env, new PrintStream(body, true, StandardCharsets.UTF_8));
      out.write(body.toString(StandardCharsets.UTF_8));
    } else {
      exit = ((InspectCommand) command).run(env);
    }
    return new Run(exit, out.toString(), err.toString());
  }

  String rpc() {
    return market.info().rpcUrl();
  }

  String weather() {
    return shop.url() + "/weather";
  }

  @Test
  void theTokenContractDescribesItself() {
    TokenContract node = TokenContract.at(rpc());

    assertThat(node.network()).isEqualTo(Network.evm(31337));
    assertThat(node.read(market.info().token()))
        .isEqualTo(
            new Asset(market.info().token().toString(), "TUSD", 6, "Test Dollar", "1", false));
    assertThatThrownBy(() -> node.read(market.seller()))
        .as("an account is no token")
        .hasMessageContaining("token " + market.seller() + " does not answer decimals()")
        .hasMessageContaining("is it a token on this chain?");
    assertThatThrownBy(() -> TokenContract.at("http://127.0.0.1:1/").network())
        .hasMessageContaining("cannot ask the node at http://127.0.0.1:1 for its chain ID");
  }

  @Test
  void withoutHelpInspectShowsAtomicUnitsAndSaysWhatWouldTeachIt() throws Exception {
    Run run = x402j("inspect", weather());

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("unknown (eip155:31337)").contains("10000");
    assertThat(run.err())
        .contains("token " + market.info().token() + " on eip155:31337 is unknown")
        .contains("--networks FILE")
        .contains("--rpc-url URL");
  }

  @Test
  void withRpcUrlInspectReadsTheTokenFromItsContract() throws Exception {
    Run run = x402j("inspect", "--rpc-url", rpc(), weather());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("0.01 TUSD")
        .doesNotContain("($")
        .contains("EVM chain 31337 (eip155:31337)");
    assertThat(run.err())
        .contains("is TUSD with 6 decimals, as its contract says at http://127.0.0.1:");
  }

  @Test
  void withRpcUrlPayNamesTheTokenButADollarCapStillRefusesIt() throws Exception {
    Run refused = x402j("pay", "--rpc-url", rpc(), "--max", "$0.01", weather());
    assertThat(refused.exit()).as(refused.err()).isEqualTo(PayCommand.REFUSED);
    assertThat(refused.err())
        .contains("not a known USD stablecoin")
        .contains("usdStablecoin: true")
        .contains("x402j devnet --write-networks FILE");

    BigInteger before = market.sellerBalance();
    Run paid = x402j("pay", "--rpc-url", rpc(), "--max", "10000", weather());
    assertThat(paid.exit()).as(paid.err()).isZero();
    assertThat(paid.err()).contains("paid 0.01 TUSD on eip155:31337 to " + market.seller());
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void theDevnetsNetworksFileMakesItsTokenADollar(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("devnet.json");
    NetworksFile.write(file, List.of(DevnetCommand.entry(market.info())));

    Run table = x402j("inspect", "--networks", file.toString(), weather());
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("0.01 TUSD ($0.01)")
        .contains("x402j devnet (chain 31337) (eip155:31337)");
    assertThat(table.err()).isEmpty();

    BigInteger before = market.sellerBalance();
    Run paid = x402j("pay", "--networks", file.toString(), "--max", "$0.01", weather());
    assertThat(paid.exit()).as(paid.err()).isZero();
    assertThat(paid.err())
        .contains("paid 0.01 TUSD on eip155:31337 to " + market.seller())
        .containsPattern("settled in transaction 0x[0-9a-f]{64}");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }
}
