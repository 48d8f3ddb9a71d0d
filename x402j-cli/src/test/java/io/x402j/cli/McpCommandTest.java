package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code x402j mcp}: its flags, checked before anything is served. */
class McpCommandTest {
  static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

  static McpCommand parse(String... args) {
    CommandLine cli = X402j.commandLine();
    String[] all = new String[args.length + 1];
    all[0] = "mcp";
    System.arraycopy(args, 0, all, 1, args.length);
    cli.parseArgs(all);
    return cli.getSubcommands().get("mcp").getCommand();
  }

  @Test
  void badFlagsAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> parse("--budget", "$5").wallet(Map.of("X402J_PRIVATE_KEY", KEY)))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--budget needs --spend-log");
    assertThatThrownBy(() -> parse("--max", "lots").wallet(Map.of("X402J_PRIVATE_KEY", KEY)))
        .hasMessageContaining("--max must be");
    assertThatThrownBy(
            () -> parse("--max-body-bytes", "0").wallet(Map.of("X402J_PRIVATE_KEY", KEY)))
        .hasMessageContaining("--max-body-bytes");
    assertThatThrownBy(() -> parse().wallet(Map.of()))
        .hasMessageContaining("no key: set X402J_PRIVATE_KEY");
    assertThatThrownBy(() -> parse("--keystore", "/nonexistent/key.json").wallet(Map.of()))
        .as("stdin is the MCP channel: no password prompt")
        .hasMessageContaining("--password-env");
    assertThatThrownBy(() -> parse().wallet(Map.of("X402J_PRIVATE_KEY", "0x" + "zz".repeat(32))))
        .hasMessageContaining("X402J_PRIVATE_KEY does not hold a usable key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zzzz"));
  }

  @Test
  void buildsAWalletFromTheKeyInTheEnvironment() throws Exception {
    // What the flags decide is checked end to end by McpCommandIT; here: they are accepted.
    assertThatCode(
            () ->
                parse("--max", "$1", "--network", "base").wallet(Map.of("X402J_PRIVATE_KEY", KEY)))
        .doesNotThrowAnyException();
  }
}
