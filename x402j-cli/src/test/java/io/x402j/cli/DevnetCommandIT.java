package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.testing.ChildJvm;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.rpc.JsonRpcClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code x402j devnet} as a separate process, the way a user does. */
class DevnetCommandIT {
  @Test
  void printsOneJsonLineServesTheChainAndStopsCleanly(@TempDir Path dir) throws Exception {
    Path networks = dir.resolve("devnet-networks.json");
    Process process =
        new ProcessBuilder(
                ChildJvm.main(
                    X402j.class,
                    "devnet",
                    "--block-time",
                    "1",
                    "--write-networks",
                    networks.toString()))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      JsonNode info = new ObjectMapper().readTree(out.readLine());

      assertThat(info.path("network").asText()).isEqualTo("eip155:31337");
      assertThat(info.path("token").path("decimals").asInt()).isEqualTo(6);
      assertThat(info.path("token").path("name").asText()).isEqualTo("Test Dollar");
      assertThat(info.path("accounts")).hasSize(3);
      String rpcUrl = info.path("rpcUrl").asText();
      assertThat(rpcUrl).startsWith("http://127.0.0.1:");
      JsonRpcClient rpc = JsonRpcClient.builder(rpcUrl).build();
      assertThat(rpc.call("eth_chainId").join().asText()).isEqualTo("0x7a69");
      String code =
          rpc.call("eth_getCode", info.path("token").path("address").asText(), "latest")
              .join()
              .asText();
      assertThat(code.length()).isGreaterThan(100);

      NetworksFile.Entry entry = NetworksFile.read(networks, Map.of()).get(0);
      assertThat(entry.network()).isEqualTo(Network.evm(31337));
      assertThat(entry.rpcUrl()).hasToString(rpcUrl);
      assertThat(entry.name()).isEqualTo("x402j devnet (chain 31337)");
      assertThat(entry.assets())
          .containsExactly(
              Asset.usdStablecoin(
                  EvmAddress.parse(info.path("token").path("address").asText()).toString(),
                  "TUSD",
                  6,
                  "Test Dollar",
                  "1"));

      List<ProcessHandle> children = process.descendants().toList();
      assertThat(children).isNotEmpty();
      process.destroy(); // SIGTERM, like Ctrl-C
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      DemoIT.awaitExit(children, Duration.ofSeconds(10));
      assertThat(children).noneMatch(ProcessHandle::isAlive);
    } finally {
      process.destroyForcibly();
    }
  }
}
