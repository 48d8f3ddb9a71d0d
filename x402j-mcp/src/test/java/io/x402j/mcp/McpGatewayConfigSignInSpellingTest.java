package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigSection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No spelling of sign-in in an mcp-gateway file is silently ignored: {@code signInWithX} is refused
 * with the reason, and any other case, dash form or nesting is an unknown setting named by path.
 */
class McpGatewayConfigSignInSpellingTest {
  static final String BASE =
      String.join(
          "\n",
          "upstream: {command: \"node server.js\"}",
          "facilitator: {url: \"http://127.0.0.1:4022\"}",
          "network: eip155:84532",
          "payTo: \"0x857b06519E91e3A54538791bDbb0E22373e36b66\"",
          "tools: [{name: a, price: $0.01}]",
          "");

  static McpGatewayConfig read(String text) {
    return McpGatewayConfig.read(ConfigSection.parse(text, "mcp-gateway.yaml", Map.of()));
  }

  @Test
  void theBaseFileReads() {
    assertThat(read(BASE).tools()).hasSize(1);
  }

  @Test
  void signInWithXIsRefusedEvenWithoutAValue() {
    for (String value : List.of("{window: 24h}", "~", "{}", "true")) {
      assertThatThrownBy(() -> read(BASE + "signInWithX: " + value + "\n"))
          .as(value)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("signInWithX")
          .hasMessageContaining("SIGN-IN-WITH-X");
    }
  }

  @Test
  void otherSpellingsAndNestingsAreUnknownSettingsNotIgnored() {
    for (String key :
        List.of("SignInWithX", "signinwithx", "sign-in-with-x", "signInWithx", "SIGNINWITHX")) {
      assertThatThrownBy(() -> read(BASE + key + ": {window: 24h}\n"))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(key);
    }
    for (String nested :
        List.of(
            BASE.replace("{command: \"node server.js\"}", "{command: x, signInWithX: {}}"),
            BASE.replace("price: $0.01}", "price: $0.01, signInWithX: {window: 24h}}"),
            BASE.replace("4022\"}", "4022\", signInWithX: {window: 24h}}"),
            BASE + "service: {name: s, signInWithX: {window: 24h}}\n")) {
      assertThatThrownBy(() -> read(nested))
          .as(nested)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("signInWithX");
    }
  }
}
