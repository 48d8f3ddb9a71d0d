package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.PlannedPayment;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.PaymentRequirements;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The buyer's commands, parsed without sending anything. */
class PayCommandTest {
  static <T> T parse(Class<T> type, String... args) {
    CommandLine.ParseResult result = X402j.commandLine().parseArgs(args);
    while (result.hasSubcommand()) {
      result = result.subcommand();
    }
    return type.cast(result.commandSpec().userObject());
  }

  @Test
  void curlLikeRequests(@TempDir Path dir) throws Exception {
    HttpRequest get = parse(PayCommand.class, "pay", "https://api.example/weather").http.request();
    assertThat(get.method()).isEqualTo("GET");
    assertThat(get.uri()).isEqualTo(URI.create("https://api.example/weather"));

    HttpRequest post =
        parse(
                PayCommand.class,
                "pay",
                "-d",
                "{\"q\":1}",
                "-H",
                "X-Trace: abc",
                "https://api.example/q")
            .http
            .request();
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.headers().firstValue("X-Trace")).hasValue("abc");
    assertThat(post.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(post.bodyPublisher().orElseThrow().contentLength()).isEqualTo(7);

    Path file = dir.resolve("body.bin");
    Files.write(file, new byte[] {1, 2, 3});
    HttpRequest put =
        parse(PayCommand.class, "pay", "-X", "put", "-d", "@" + file, "https://api.example/u")
            .http
            .request();
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.bodyPublisher().orElseThrow().contentLength()).isEqualTo(3);

    assertThatThrownBy(() -> parse(PayCommand.class, "pay", "ftp://x").http.request())
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(
            () -> parse(PayCommand.class, "pay", "-H", "nocolon", "https://x").http.request())
        .hasMessageContaining("\"Name: value\"");
  }

  static PlannedPayment sepoliaCents(long cents) {
    NetworkRegistry networks = NetworkRegistry.defaults();
    PaymentRequirements r =
        PaymentRequirements.builder()
            .network(Network.evm(84532))
            .amount(TokenAmount.of(cents * 10_000))
            .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
            .payTo("0x857b06519E91e3A54538791bDbb0E22373e36b66")
            .build();
    return new PlannedPayment(
        2,
        URI.create("https://api.example/x"),
        "api.example",
        r,
        null,
        networks.findAsset(r.network(), r.asset()).orElse(null));
  }

  static PlannedPayment unknownToken(long atomic) {
    PaymentRequirements r =
        PaymentRequirements.builder()
            .network(Network.evm(84532))
            .amount(TokenAmount.of(atomic))
            .asset("0x000000000000000000000000000000000000dEaD")
            .payTo("0x857b06519E91e3A54538791bDbb0E22373e36b66")
            .build();
    return new PlannedPayment(2, URI.create("https://api.example/x"), "api.example", r, null, null);
  }

  @Test
  void withoutMaxAtMostTenCentsInKnownStablecoinsIsPaid() {
    NetworkRegistry networks = NetworkRegistry.defaults();
    var byDefault = parse(PayCommand.class, "pay", "https://x").controls(networks);
    assertThat(byDefault.refusal(sepoliaCents(10))).isEmpty();
    assertThat(byDefault.refusal(sepoliaCents(11)))
        .hasValueSatisfying(r -> assertThat(r).contains("exceeds the maximum of $0.10"));
    assertThat(byDefault.refusal(unknownToken(1)))
        .hasValueSatisfying(r -> assertThat(r).contains("not a known USD stablecoin"));

    var atomic = parse(PayCommand.class, "pay", "--max", "500", "https://x").controls(networks);
    assertThat(atomic.refusal(unknownToken(500))).isEmpty();
    assertThat(atomic.refusal(unknownToken(501))).isPresent();

    var unlimited =
        parse(PayCommand.class, "pay", "--max", "unlimited", "https://x").controls(networks);
    assertThat(unlimited.refusal(sepoliaCents(100_000))).isEmpty();
    assertThat(unlimited.refusal(unknownToken(Long.MAX_VALUE))).isEmpty();
  }

  @Test
  void theAuthorizationLifetimeIsCappedAtAnHourUnlessSaidOtherwise() {
    assertThat(parse(PayCommand.class, "pay", "https://x").authorizationLifetime())
        .isEqualTo(java.time.Duration.ofHours(1));
    assertThat(
            parse(PayCommand.class, "pay", "--max-authorization-lifetime", "5m", "https://x")
                .authorizationLifetime())
        .isEqualTo(java.time.Duration.ofMinutes(5));
    assertThatThrownBy(
            () ->
                parse(PayCommand.class, "pay", "--max-authorization-lifetime", "5s", "https://x")
                    .authorizationLifetime())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("at least 10s");
    assertThatThrownBy(
            () ->
                parse(PayCommand.class, "pay", "--max-authorization-lifetime", "soon", "https://x")
                    .authorizationLifetime())
        .hasMessageContaining("--max-authorization-lifetime");
  }

  @Test
  void spendLimitsFromFlags() {
    NetworkRegistry networks = NetworkRegistry.defaults();
    var dollars = parse(PayCommand.class, "pay", "--max", "$0.05", "https://x").controls(networks);
    assertThat(dollars.refusal(sepoliaCents(5))).isEmpty();
    assertThat(dollars.refusal(sepoliaCents(6)))
        .hasValueSatisfying(r -> assertThat(r).contains("$0.05"));
    var atomic = parse(PayCommand.class, "pay", "--max", "50000", "https://x").controls(networks);
    assertThat(atomic.refusal(sepoliaCents(6))).isPresent();
    var only = parse(PayCommand.class, "pay", "--network", "base", "https://x").controls(networks);
    assertThat(only.refusal(sepoliaCents(1)))
        .hasValueSatisfying(r -> assertThat(r).contains("allowed networks"));

    assertThatThrownBy(
            () -> parse(PayCommand.class, "pay", "--max", "lots", "https://x").controls(networks))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--max");
    assertThatThrownBy(
            () -> parse(PayCommand.class, "pay", "--budget", "$5", "https://x").controls(networks))
        .hasMessageContaining("--spend-log");
    assertThat(
            parse(PayCommand.class, "pay", "--prefer-network", "base-sepolia", "https://x")
                .selector(networks)
                .select(List.of(sepoliaCents(1)))
                .requirements()
                .network())
        .isEqualTo(Network.evm(84532));
  }

  @Test
  void keysComeFromTheEnvironmentOrAKeystoreNeverAFlag() throws Exception {
    KeyOptions key = parse(PayCommand.class, "pay", "https://x").key;
    assertThatThrownBy(() -> key.signer(Map.of(), null))
        .hasMessageContaining("set X402J_PRIVATE_KEY")
        .hasMessageContaining("--keystore");
    assertThatThrownBy(
            () -> key.signer(Map.of("X402J_PRIVATE_KEY", "0xnot-a-key-but-secret"), null))
        .hasMessageContaining("does not hold a usable key")
        .hasMessageNotContaining("not-a-key-but-secret");
    assertThat(
            key.signer(
                    Map.of(
                        "X402J_PRIVATE_KEY",
                        "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
                    null)
                .address()
                .toString())
        .isEqualTo("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    KeyOptions keystore = parse(PayCommand.class, "pay", "--keystore", "k.json", "https://x").key;
    assertThatThrownBy(() -> keystore.password(Map.of(), null, "?"))
        .hasMessageContaining("--password-env");
    assertThatThrownBy(() -> parse(PayCommand.class, "pay", "--private-key", "0x01", "https://x"))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
  }

  @Test
  void inspectShowsATable() {
    String table =
        InspectCommand.table(
            "https://api.example/x", List.of(sepoliaCents(1)), NetworkRegistry.defaults());
    assertThat(table)
        .contains("asks for a payment (x402 v2), 1 option")
        .contains("0.01 USDC")
        .contains("10000")
        .contains("Base Sepolia (eip155:84532)")
        .contains("60 s");
  }

  @Test
  void walletNewNeverOverwritesAKeystore(@TempDir Path dir) throws Exception {
    Path existing = dir.resolve("wallet.json");
    Files.writeString(existing, "{\"precious\":true}");
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = X402j.commandLine();
    cli.setErr(new java.io.PrintWriter(err));

    int exit = cli.execute("wallet", "new", "--keystore", existing.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("exists; a keystore is never overwritten");
    assertThat(Files.readString(existing)).isEqualTo("{\"precious\":true}");
  }

  @Test
  void walletBalanceNeedsANetworkAndAnRpcUrl() {
    assertThatThrownBy(
            () -> parse(WalletCommand.Balance.class, "wallet", "balance", "--network", "base"))
        .isInstanceOf(CommandLine.MissingParameterException.class)
        .hasMessageContaining("--rpc-url");
  }
}
