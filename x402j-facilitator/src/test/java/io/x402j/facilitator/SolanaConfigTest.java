package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.svm.SolanaKeypair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A facilitator file mixing EVM and Solana networks, and what a Solana network may hold. */
class SolanaConfigTest {
  @TempDir Path dir;

  private FacilitatorConfig load(String yaml) throws Exception {
    Path file = dir.resolve("facilitator.yaml");
    Files.writeString(file, yaml);
    return FacilitatorConfig.load(file, Map.of());
  }

  @Test
  void oneFileMixesEvmAndSolanaNetworks() throws Exception {
    FacilitatorConfig config =
        load(
            "networks:\n"
                + "  - network: eip155:84532\n"
                + "    rpcUrls: [https://sepolia.base.org]\n"
                + "    signers: [{env: GAS_KEYS}]\n"
                + "    assets: ['0x036CbD53842c5426634e7929541eC2318f3dCF7e']\n"
                + "  - network: solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1\n"
                + "    rpcUrls: [https://api.devnet.solana.com]\n"
                + "    signers: [{env: X402J_SIGNER_KEYS}]\n"
                + "    assets: [4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU]\n"
                + "    maxComputeUnitPrice: 1000000\n"
                + "    maxComputeUnits: 200000\n"
                + "    maxPriorityFeeLamports: 250000\n");

    NetworkSettings evm = config.networks().get(0);
    assertThat(evm.assets()).hasSize(1);
    assertThat(evm.mints()).isEmpty();
    NetworkSettings solana = config.networks().get(1);
    assertThat(solana.network())
        .isEqualTo(Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"));
    assertThat(solana.mints()).containsExactly("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
    assertThat(solana.assets()).isEmpty();
    assertThat(solana.maxComputeUnitPrice()).isEqualTo(1_000_000L);
    assertThat(solana.maxComputeUnits()).isEqualTo(200_000L);
    assertThat(solana.maxPriorityFeeLamports()).isEqualTo(250_000L);
    assertThat(evm.maxPriorityFeeLamports()).isNull();
  }

  @Test
  void thePriorityFeeCapIsSolanaOnlyAndNotNegative() {
    String head =
        "networks:\n"
            + "  - network: solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1\n"
            + "    rpcUrls: [https://api.devnet.solana.com]\n"
            + "    signers: [{env: X402J_SIGNER_KEYS}]\n";
    assertThatThrownBy(() -> load(head + "    maxPriorityFeeLamports: -1\n"))
        .hasMessageContaining("maxPriorityFeeLamports");
    assertThatThrownBy(() -> load(head + "    maxPriorityFeeLamports: lots\n"))
        .hasMessageContaining("maxPriorityFeeLamports");
    assertThatThrownBy(
            () ->
                load(
                    "networks:\n"
                        + "  - network: eip155:84532\n"
                        + "    rpcUrls: [https://sepolia.base.org]\n"
                        + "    signers: [{env: GAS_KEYS}]\n"
                        + "    maxPriorityFeeLamports: 5\n"))
        .hasMessageContaining("maxPriorityFeeLamports")
        .hasMessageContaining("only Solana");
    assertThatThrownBy(
            () ->
                NetworkSettings.builder(Network.parse("eip155:84532"))
                    .rpcUrl("http://127.0.0.1:1")
                    .signersFromEnv("GAS_KEYS")
                    .maxPriorityFeeLamports(5L)
                    .build())
        .hasMessageContaining("Solana networks only");
    assertThatThrownBy(
            () ->
                NetworkSettings.builder(Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"))
                    .rpcUrl("http://127.0.0.1:1")
                    .signersFromEnv("X402J_SIGNER_KEYS")
                    .maxPriorityFeeLamports(-1L)
                    .build())
        .hasMessageContaining("maxPriorityFeeLamports");
  }

  @Test
  void solanaSettingsAreCheckedAtLoadNamingTheirKey() {
    String head =
        "networks:\n"
            + "  - network: solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1\n"
            + "    rpcUrls: [https://api.devnet.solana.com]\n"
            + "    signers: [{env: X402J_SIGNER_KEYS}]\n";
    assertThatThrownBy(
            () -> load(head + "    assets: ['0x036CbD53842c5426634e7929541eC2318f3dCF7e']\n"))
        .hasMessageContaining("networks[0].assets");
    assertThatThrownBy(() -> load(head + "    maxComputeUnits: 0\n"))
        .hasMessageContaining("maxComputeUnits");
    assertThatThrownBy(
            () ->
                load(
                    "networks:\n"
                        + "  - network: eip155:84532\n"
                        + "    rpcUrls: [https://sepolia.base.org]\n"
                        + "    signers: [{env: GAS_KEYS}]\n"
                        + "    maxComputeUnitPrice: 5\n"))
        .hasMessageContaining("maxComputeUnitPrice")
        .hasMessageContaining("only Solana");
  }

  @Test
  void aBadFeePayerKeyIsNamedWithoutEchoingIt() {
    SolanaKeypair key = SolanaKeypair.generate();
    String good = key.secretBase58();
    String bad = good.substring(0, good.length() - 3) + "0OI";
    FacilitatorConfig config =
        FacilitatorConfig.builder()
            .port(0)
            .database("jdbc:sqlite:" + dir.resolve("bad.db"))
            .network(
                NetworkSettings.builder(Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"))
                    .rpcUrl("http://127.0.0.1:1")
                    .signersFromEnv("X402J_SIGNER_KEYS")
                    .build())
            .build();

    assertThatThrownBy(
            () ->
                FacilitatorApp.start(
                        config,
                        Map.of("X402J_SIGNER_KEYS", good + "," + bad),
                        io.x402j.core.NetworkRegistry.defaults(),
                        java.time.Clock.systemUTC(),
                        System::nanoTime)
                    .close())
        .hasMessageContaining("key 2 in X402J_SIGNER_KEYS")
        .hasMessageNotContaining(bad)
        .hasMessageNotContaining(good);
  }
}
