package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.testing.ChildJvm;
import io.x402j.evm.rpc.JsonRpcClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs {@code x402j devnet --solana} as a separate process, the way a user does. */
class SolanaDevnetCommandIT {
  @Test
  void printsTheLineServesSolanaRpcAndStopsWithItsParent() throws Exception {
    Process process =
        new ProcessBuilder(ChildJvm.main(X402j.class, "devnet", "--solana"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      JsonNode info = new ObjectMapper().readTree(out.readLine());

      assertThat(info.path("network").asText())
          .isEqualTo("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
      assertThat(info.path("token").path("address").asText())
          .isEqualTo("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
      assertThat(info.path("token").path("decimals").asInt()).isEqualTo(6);
      List<String> names = info.path("accounts").findValuesAsText("name");
      assertThat(names).contains("facilitator", "buyer", "seller");
      String rpcUrl = info.path("rpcUrl").asText();
      assertThat(rpcUrl).startsWith("http://127.0.0.1:");

      JsonRpcClient rpc = JsonRpcClient.builder(rpcUrl).build();
      assertThat(rpc.call("getGenesisHash").join().asText())
          .isEqualTo("EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG");
      String buyerTokens =
          info.path("accounts").get(names.indexOf("buyer")).path("tokenAccount").asText();
      assertThat(
              rpc.call("getTokenAccountBalance", buyerTokens, Map.of("commitment", "confirmed"))
                  .join()
                  .path("value")
                  .path("amount")
                  .asText())
          .isEqualTo("1000000000");

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

  @Test
  void aKilledCommandLeavesNoRuntimeBehind() throws Exception {
    Process process =
        new ProcessBuilder(ChildJvm.main(X402j.class, "devnet", "--solana"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).startsWith("{");
      List<ProcessHandle> children = process.descendants().toList();
      assertThat(children).isNotEmpty();
      process.destroyForcibly(); // SIGKILL: no shutdown hook runs
      process.waitFor();
      DemoIT.awaitExit(children, Duration.ofSeconds(10));
      assertThat(children).noneMatch(ProcessHandle::isAlive);
    } finally {
      process.destroyForcibly();
    }
  }
}
