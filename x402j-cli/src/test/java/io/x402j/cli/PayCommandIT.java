package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.testing.TestShop;
import io.x402j.core.testing.ChildJvm;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code x402j pay}, {@code inspect} and {@code wallet} as separate processes, on the devnet. */
class PayCommandIT {
  static TestMarket market;
  static TestShop shop;

  @BeforeAll
  static void start() throws Exception {
    // Base Sepolia's look, so that the CLI's built-in registry knows the token and shows dollars.
    market = TestMarket.startMirroringBaseSepolia();
    shop = TestShop.start(market);
  }

  @AfterAll
  static void stop() {
    shop.close();
    market.close();
  }

  record Run(int exit, String out, String err) {}

  static Run x402j(String... args) throws Exception {
    return x402j(java.util.Map.of(), args);
  }

  static Run x402j(java.util.Map<String, String> env, String... args) throws Exception {
    List<String> command = ChildJvm.main(X402j.class, args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .put("X402J_PRIVATE_KEY", market.info().requireAccount("buyer").privateKey());
    builder.environment().putAll(env);
    Process process = builder.start();

    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void paysAndPrintsTheBodyAndWhatWasPaid() throws Exception {
    BigInteger before = market.sellerBalance();

    Run run = x402j("pay", shop.url() + "/weather");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"path\":\"/weather\"");
    assertThat(run.err())
        .contains("paid 0.01 USDC on eip155:84532 to " + market.seller())
        .containsPattern("settled in transaction 0x[0-9a-f]{64}")
        .doesNotContain(market.info().requireAccount("buyer").privateKey().substring(2));
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void exitStatusesTellWhatHappened() throws Exception {
    Run refused = x402j("pay", "--max", "$0.005", shop.url() + "/weather");
    assertThat(refused.exit()).isEqualTo(PayCommand.REFUSED);
    assertThat(refused.err())
        .contains("nothing was paid")
        .contains("$0.01 exceeds the maximum of $0.005 per payment");

    Run pricey = x402j("pay", shop.url() + "/pricey");
    assertThat(pricey.exit()).as("at most $0.10 unless told").isEqualTo(PayCommand.REFUSED);
    assertThat(pricey.err())
        .contains("$5 exceeds the maximum of $0.10 per payment")
        .contains("--max unlimited");

    Run broken = x402j("pay", shop.url() + "/broken");
    assertThat(broken.exit()).isEqualTo(PayCommand.HTTP_ERROR);

    Run forever = x402j("pay", shop.url() + "/forever");
    assertThat(forever.exit()).isEqualTo(PayCommand.PAYMENT_FAILED);

    Run dry = x402j("pay", "--dry-run", shop.url() + "/weather");
    assertThat(dry.exit()).isZero();
    assertThat(dry.err()).contains("would pay 0.01 USDC").contains("nothing was signed");

    Run unreachable = x402j("pay", "http://127.0.0.1:1/none");
    assertThat(unreachable.exit()).isEqualTo(PayCommand.UNREACHABLE);
  }

  @Test
  void inspectAndWallet() throws Exception {
    Run table = x402j("inspect", shop.url() + "/choice");
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("2 options")
        .contains("Solana Devnet")
        .contains("0.02 USDC")
        .contains("Base Sepolia (eip155:84532)");

    Run json = x402j("inspect", "--json", shop.url() + "/weather");
    assertThat(json.out()).contains("\"x402Version\":2").contains("\"amount\":\"10000\"");

    Path keystore = java.nio.file.Files.createTempDirectory("x402j-wallet").resolve("key.json");
    java.util.Map<String, String> password = java.util.Map.of("WALLET_PASSWORD", "correct horse");
    Run created =
        x402j(
            password,
            "wallet",
            "new",
            "--keystore",
            keystore.toString(),
            "--password-env",
            "WALLET_PASSWORD");
    assertThat(created.exit()).as(created.err()).isZero();
    Run reopened =
        x402j(
            password,
            "wallet",
            "address",
            "--keystore",
            keystore.toString(),
            "--password-env",
            "WALLET_PASSWORD");
    assertThat(reopened.out().strip()).isEqualTo(created.out().strip()).startsWith("0x");
    Run printed = x402j("wallet", "new");
    assertThat(printed.out()).containsPattern("private key 0x[0-9a-f]{64}");
    assertThat(printed.err()).contains("keep the private key secret");

    Run address = x402j("wallet", "address");
    assertThat(address.out().strip()).isEqualTo(market.buyer().address().toString());

    Run balance =
        x402j(
            "wallet",
            "balance",
            "--network",
            market.network().toString(),
            "--rpc-url",
            market.info().rpcUrl(),
            "--asset",
            market.info().token().toString());
    assertThat(balance.exit()).as(balance.err()).isZero();
    assertThat(balance.out()).contains("ETH").contains(market.buyer().address().toString());
  }
}
