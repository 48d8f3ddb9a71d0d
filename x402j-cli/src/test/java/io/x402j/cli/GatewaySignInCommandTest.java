package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.gateway.GatewayConfig;
import io.x402j.gateway.GatewayConfig.SignInSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --sign-in-with-x[=WINDOW]} and the {@code signInWithX} section of a file. */
class GatewaySignInCommandTest {
  static final String SELLER = GatewayCommandTest.SELLER;

  static List<String> base() {
    return new ArrayList<>(
        List.of(
            "gateway",
            "--upstream",
            "http://127.0.0.1:9000",
            "--facilitator",
            "http://127.0.0.1:4022",
            "--network",
            "eip155:84532",
            "--pay-to",
            SELLER,
            "--route",
            "GET /weather=$0.01",
            "--port",
            "4021"));
  }

  static GatewayConfig config(List<String> args) throws Exception {
    return GatewayCommandTest.config(args.toArray(String[]::new));
  }

  @Test
  void offByDefaultAndTwentyFourHoursWithoutAValue() throws Exception {
    assertThat(config(base()).signIn()).isNull();

    List<String> args = base();
    args.add("--sign-in-with-x");
    SignInSpec on = config(args).signIn();
    assertThat(on.window()).isEqualTo(Duration.ofHours(24));
    assertThat(on.origin()).isNull();
    assertThat(on.database()).isNull();
    // The gate declares the challenge on the gateway's own origin.
    assertThat(config(args).gate(Map.of())).isNotNull();
  }

  @Test
  void aWindowOriginDatabaseAndSecret(@TempDir Path dir) throws Exception {
    List<String> args = base();
    args.addAll(
        List.of(
            "--sign-in-with-x=PT2H",
            "--sign-in-origin",
            "https://api.example.com",
            "--sign-in-db",
            "jdbc:sqlite:" + dir.resolve("passes.db"),
            "--sign-in-secret-env",
            "SIWX_SECRET"));
    GatewayConfig c = config(args);
    assertThat(c.signIn())
        .isEqualTo(
            new SignInSpec(
                Duration.ofHours(2),
                "https://api.example.com",
                "jdbc:sqlite:" + dir.resolve("passes.db"),
                "SIWX_SECRET"));
    assertThat(c.gate(Map.of("SIWX_SECRET", "s".repeat(32)))).isNotNull();
    assertThat(Files.exists(dir.resolve("passes.db"))).isTrue();
    assertThatThrownBy(() -> c.gate(Map.of()))
        .hasMessageContaining("SIWX_SECRET")
        .hasMessageContaining("is not set");
    assertThatThrownBy(() -> c.gate(Map.of("SIWX_SECRET", "short")))
        .hasMessageContaining("at least 32 characters");
  }

  @Test
  void badFlagsAreNamed() {
    List<String> window = base();
    window.add("--sign-in-with-x=forever");
    assertThatThrownBy(() -> config(window))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--sign-in-with-x");
    List<String> origin = base();
    origin.addAll(List.of("--sign-in-with-x", "--sign-in-origin", "ftp://x/y"));
    assertThatThrownBy(() -> config(origin))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--sign-in-origin");
    List<String> db = base();
    db.addAll(List.of("--sign-in-with-x", "--sign-in-db", "jdbc:mysql://user:pw@h/db"));
    assertThatThrownBy(() -> config(db))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--sign-in-db")
        .hasMessageNotContaining("pw@");
    List<String> alone = base();
    alone.addAll(List.of("--sign-in-db", "jdbc:sqlite:x.db"));
    assertThatThrownBy(() -> config(alone))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("need --sign-in-with-x");
    List<String> anyPort = base();
    anyPort.set(anyPort.indexOf("4021"), "0");
    anyPort.add("--sign-in-with-x");
    assertThatThrownBy(() -> config(anyPort).gate(Map.of()))
        .hasMessageContaining("--sign-in-origin");
  }

  @Test
  void theFileSection(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        """
        upstream: http://127.0.0.1:9000
        facilitator: {url: http://127.0.0.1:4022}
        network: eip155:84532
        payTo: "%s"
        routes:
          - {route: GET /weather, price: $0.01}
        signInWithX: {window: 30m, origin: "https://api.example.com"}
        """
            .formatted(SELLER));
    GatewayConfig c = GatewayConfig.load(file, Map.of());
    assertThat(c.signIn())
        .isEqualTo(new SignInSpec(Duration.ofMinutes(30), "https://api.example.com", null, null));
    Files.writeString(file, Files.readString(file).replace("window: 30m", "windw: 30m"));
    assertThatThrownBy(() -> GatewayConfig.load(file, Map.of()))
        .hasMessageContaining("signInWithX")
        .hasMessageContaining("windw");
  }
}
