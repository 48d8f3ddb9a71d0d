package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.NetworkRegistry;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's settings: the file's {@code admin:} section and the rules checked at start. */
class AdminConfigTest {
  private static final String NETWORKS =
      "networks:\n"
          + "  - network: eip155:84532\n"
          + "    rpcUrls: [http://127.0.0.1:1]\n"
          + "    signers: [{env: GAS_KEYS}]\n";

  @TempDir Path dir;

  private FacilitatorConfig load(String yaml) throws Exception {
    Path file = dir.resolve("facilitator.yaml");
    Files.writeString(file, yaml + NETWORKS);
    return FacilitatorConfig.load(file, Map.of());
  }

  @Test
  void noAdminSectionMeansNoConsole() throws Exception {
    assertThat(load("").admin()).isNull();
  }

  @Test
  void theAdminSectionIsRead() throws Exception {
    FacilitatorConfig.AdminSettings admin =
        load("admin: {port: 4023, bind: 0.0.0.0, passwordEnv: CONSOLE_PW,"
                + " lowBalance: {eip155: 0.5}}\n")
            .admin();
    assertThat(admin.port()).isEqualTo(4023);
    assertThat(admin.bind()).isEqualTo("0.0.0.0");
    assertThat(admin.passwordEnv()).isEqualTo("CONSOLE_PW");
    assertThat(admin.lowBalance())
        .containsEntry("eip155", new BigDecimal("0.5"))
        .containsEntry("solana", new BigDecimal("0.05"));
    FacilitatorConfig.AdminSettings defaults = load("admin: {port: 0}\n").admin();
    assertThat(defaults.bind()).isEqualTo("127.0.0.1");
    assertThat(defaults.passwordEnv()).isNull();
    assertThat(defaults.lowBalance())
        .isEqualTo(FacilitatorConfig.AdminSettings.DEFAULT_LOW_BALANCE);
  }

  @Test
  void badAdminSettingsAreRefusedByName() {
    assertThatThrownBy(() -> load("admin: {bind: 127.0.0.1}\n")).hasMessageContaining("admin.port");
    assertThatThrownBy(() -> load("admin: {port: 4023, password: x}\n"))
        .hasMessageContaining("admin.password");
    assertThatThrownBy(() -> load("admin: {port: 4023, lowBalance: {eip155: -1}}\n"))
        .hasMessageContaining("admin.lowBalance.eip155");
    assertThatThrownBy(() -> load("admin: {port: 4023, lowBalance: {bitcoin: 1}}\n"))
        .hasMessageContaining("admin.lowBalance.bitcoin");
    assertThatThrownBy(() -> load("admin: {port: 4023, passwordEnv: 'A B'}\n"))
        .hasMessageContaining("admin.passwordEnv");
  }

  @Test
  void aConsoleBeyondLoopbackWithoutAPasswordStopsTheStartBeforeAnythingRuns() throws Exception {
    FacilitatorConfig config =
        load(
            "database: jdbc:sqlite:" + dir.resolve("l.db") + "\nadmin: {port: 0, bind: 0.0.0.0}\n");
    assertThatThrownBy(
            () ->
                FacilitatorApp.start(
                    config, Map.of("GAS_KEYS", "0x01"), NetworkRegistry.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--admin-password-env");
    FacilitatorConfig unset =
        load(
            "database: jdbc:sqlite:"
                + dir.resolve("l.db")
                + "\nadmin: {port: 0, bind: 0.0.0.0, passwordEnv: CONSOLE_PW}\n");
    assertThatThrownBy(
            () ->
                FacilitatorApp.start(unset, Map.of("GAS_KEYS", "0x01"), NetworkRegistry.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CONSOLE_PW");
    assertThat(Files.exists(dir.resolve("l.db"))).as("no ledger was opened").isFalse();
  }
}
