package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.x402j.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Near misses of {@link FacilitatorConfigAttackTest} and {@link FacilitatorSecretAttackTest}:
 * explicit nulls in the facilitator's file, rpcUrls quoted without their credentials, and a
 * password given as a {@code password=} parameter of the ledger's URL.
 */
class FacilitatorConfigRegressionTest {
  private static final String NETWORKS =
      "networks:\n"
          + "  - network: eip155:84532\n"
          + "    rpcUrls: [https://sepolia.base.org]\n"
          + "    signers: [{env: GAS_KEYS}]\n";

  @TempDir Path dir;

  private FacilitatorConfig load(String text, Map<String, String> env) throws Exception {
    Path file = dir.resolve("facilitator.yaml");
    Files.writeString(file, text);
    return FacilitatorConfig.load(file, env);
  }

  @Test
  void anExplicitNullIsRefusedNamingTheKeyNeverTakenAsNotGiven() {
    String refused = " has no value; leave the setting out or give a value";
    for (String[] c :
        new String[][] {
          {"auth: ~\n", "auth"},
          {"auth: {bearerTokenEnv: ~}\n", "auth.bearerTokenEnv"},
          {"auth:\n  bearerTokenEnv:\n", "auth.bearerTokenEnv"},
          {"port:\n", "port"},
          {"rateLimits: {settlesPerSecond: null}\n", "rateLimits.settlesPerSecond"},
          {"database: ~\n", "database"},
        }) {
      assertThatThrownBy(() -> load(c[0] + NETWORKS, Map.of()))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessage(c[1] + refused);
    }
    assertThatThrownBy(
            () ->
                load(
                    "networks:\n  - network: eip155:84532\n    rpcUrls: [~]\n"
                        + "    signers: [{env: K}]\n",
                    Map.of()))
        .hasMessage("networks[0].rpcUrls[0]" + refused);
  }

  @Test
  void anRpcUrlIsRefusedWithoutItsCredentialsOrQuery() {
    String text =
        "networks:\n"
            + "  - network: eip155:84532\n"
            + "    rpcUrls: [\"wss://user:hunter2@rpc.example/v2?key=abc123\"]\n"
            + "    signers: [{env: K}]\n";
    assertThatThrownBy(() -> load(text, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("networks[0].rpcUrls[0] must be an http(s) URL")
        .hasMessageContaining("wss://***@rpc.example/v2?***")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("abc123");
  }

  @Test
  void aLedgerPasswordParameterIsNeverEchoed() {
    String secret = "pw-Param-9e2f";
    Throwable thrown =
        catchThrowable(
            () ->
                JdbcSettlementLedger.open(
                    "jdbc:postgresql://127.0.0.1:1/x402j?user=x402j&password=" + secret, Map.of()));
    assertThat(thrown).isInstanceOf(JdbcSettlementLedger.LedgerException.class);
    StringBuilder all = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    assertThat(all.toString()).doesNotContain(secret);
  }
}
