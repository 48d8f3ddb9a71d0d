package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.x402j.core.NetworkRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack on issue 14's promise 1: a secret substituted from the environment ({@code ${NAME}}) is
 * never echoed in an error. FAILS on the code under review.
 */
class FacilitatorSecretAttackTest {
  private static final String SECRET = "pg-Secret-4c1d";

  @TempDir Path dir;

  /**
   * Promise 1 broken: {@code database} is read as plain text (FacilitatorConfigFile.java:64, TEXT),
   * so a libpq-style URL with the password from {@code ${DB_PASSWORD}} passes load(); at start the
   * PostgreSQL driver takes "user:password@host" for the host name, fails to resolve it, and
   * JdbcSettlementLedger.poolOf (JdbcSettlementLedger.java:149-154, via rootMessage at :173)
   * repeats that host, password included, in the LedgerException message the operator sees.
   */
  @Test
  void aDatabasePasswordFromTheEnvironmentIsNeverEchoed() throws Exception {
    Path file = dir.resolve("facilitator.yaml");
    Files.writeString(
        file,
        "database: jdbc:postgresql://x402j:${DB_PASSWORD}@127.0.0.1:1/x402j\n"
            + "networks:\n"
            + "  - network: eip155:84532\n"
            + "    rpcUrls: [http://127.0.0.1:1]\n"
            + "    signers: [{env: GAS_KEYS}]\n");
    Map<String, String> env = Map.of("DB_PASSWORD", SECRET);
    Throwable thrown =
        catchThrowable(
            () -> {
              FacilitatorConfig config = FacilitatorConfig.load(file, env);
              FacilitatorApp.start(config, env, NetworkRegistry.defaults()).close();
            });
    assertThat(thrown).as("a URL no driver accepts is refused").isNotNull();
    StringBuilder all = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    assertThat(all.toString()).doesNotContain(SECRET);
  }
}
