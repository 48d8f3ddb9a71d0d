package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on issue 14's promise 1 through the facilitator's own file: a bad or ignored setting must
 * be refused naming the key, never silently dropped — least of all one that turns security off.
 * Each test here FAILS on the code under review.
 */
class FacilitatorConfigAttackTest {
  private static final Map<String, String> ENV = Map.of("ALCHEMY_KEY", "s3cret");

  @TempDir Path dir;

  private FacilitatorConfig load(String text) throws Exception {
    Path file = dir.resolve("facilitator.yaml");
    Files.writeString(file, text);
    return FacilitatorConfig.load(file, ENV);
  }

  private static final String JSON_NETWORKS =
      "{\"networks\": [{\"network\": \"eip155:84532\","
          + " \"rpcUrls\": [\"http://127.0.0.1:8545\"], \"signers\": [{\"env\": \"K\"}]}]}\n";

  /**
   * Promise 1 broken, security off: a file that starts with a JSON object is read as that object
   * only; the YAML after it — here the API's bearer-token auth and the rate limits — is silently
   * ignored, and the facilitator starts with no auth and no limits. Cause: ConfigYaml.read() does
   * not refuse trailing content (x402j-config/.../internal/ConfigYaml.java:38-42).
   */
  @Test
  void settingsAfterAJsonObjectAreNotSilentlyDropped() throws Exception {
    String text =
        JSON_NETWORKS
            + "auth:\n  bearerTokenEnv: FACILITATOR_TOKEN\n"
            + "rateLimits:\n  settlesPerSecond: 5\n";
    FacilitatorConfig config;
    try {
      config = load(text);
    } catch (ConfigException refused) {
      return; // refusing the file keeps the promise
    }
    assertThat(config.bearerTokenEnv()).isEqualTo("FACILITATOR_TOKEN");
    assertThat(config.settlesPerSecond()).isEqualTo(5.0);
  }

  /**
   * Promise 1 broken, security off: a YAML alias gives bearerTokenEnv the anchor's NAME. With
   * {@code bearerTokenEnv: *tok} the facilitator reads its API token from an environment variable
   * literally called "tok" (ConfigYaml.java:101 turns an alias into its anchor's name).
   */
  @Test
  void anAliasNeverBecomesTheAnchorsName() throws Exception {
    String text =
        "host: &tok 127.0.0.1\n"
            + "auth:\n  bearerTokenEnv: *tok\n"
            + "networks:\n"
            + "  - network: eip155:84532\n"
            + "    rpcUrls: [https://sepolia.base.org]\n"
            + "    signers: [{env: GAS_KEYS}]\n";
    FacilitatorConfig config;
    try {
      config = load(text);
    } catch (ConfigException refused) {
      return;
    }
    assertThat(config.bearerTokenEnv()).isNotEqualTo("tok");
  }

  /**
   * Promise 1 broken, limit off: a positive rate limit below a double's range is read as 0.0, which
   * the facilitator takes as "no limit". Cause: ValueParser.nonNegativeNumber() underflows in
   * doubleValue() (x402j-config/.../ValueParser.java:136-147; SettingRules.RATE).
   */
  @Test
  void aTinyPositiveRateLimitDoesNotBecomeNoLimit() throws Exception {
    String text =
        "rateLimits:\n  settlesPerSecond: 1e-400\n"
            + "networks:\n"
            + "  - network: eip155:84532\n"
            + "    rpcUrls: [https://sepolia.base.org]\n"
            + "    signers: [{env: GAS_KEYS}]\n";
    FacilitatorConfig config;
    try {
      config = load(text);
    } catch (ConfigException refused) {
      assertThat(refused).hasMessageContaining("rateLimits.settlesPerSecond");
      return;
    }
    assertThat(config.settlesPerSecond()).isPositive();
  }

  /**
   * Promise 1 broken (pre-existing, kept by the refactor): rpcUrls are read as plain text and never
   * checked when the file is loaded, so a value that is no URL at all passes load() and is refused
   * only at start by JsonRpcClient, without naming networks[0].rpcUrls[0]. Cause:
   * FacilitatorConfigFile.network() reads rpcUrls with ValueParser.text()
   * (FacilitatorConfigFile.java:108).
   */
  @Test
  void anRpcUrlThatIsNoUrlIsRefusedNamingTheKey() {
    String text =
        "networks:\n"
            + "  - network: eip155:84532\n"
            + "    rpcUrls: [\"ftp:not a url/${ALCHEMY_KEY}\"]\n"
            + "    signers: [{env: GAS_KEYS}]\n";
    assertThatThrownBy(() -> load(text))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("networks[0].rpcUrls[0]")
        .hasMessageNotContaining("s3cret");
  }
}
