package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.testing.ChildJvm;
import io.x402j.evm.Abi;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class DevnetIT {
  private static String stringCall(Devnet devnet, String signature) {
    JsonNode result =
        devnet
            .rpc()
            .call(
                "eth_call",
                Map.of(
                    "to",
                    devnet.info().token().toLowerHex(),
                    "data",
                    Hex.encode(Abi.call(signature).encode())),
                "latest")
            .join();
    return Abi.decodeString(Hex.decode(result.asText()), 0);
  }

  private static Bytes32 domainSeparator(Devnet devnet) {
    JsonNode result =
        devnet
            .rpc()
            .call(
                "eth_call",
                Map.of(
                    "to",
                    devnet.info().token().toLowerHex(),
                    "data",
                    Hex.encode(Abi.call("DOMAIN_SEPARATOR()").encode())),
                "latest")
            .join();
    return Bytes32.parse(result.asText());
  }

  @Test
  void startsDeploysTheTokenAndFundsTheAccounts() throws Exception {
    try (Devnet devnet = Devnet.start(DevnetOptions.defaults())) {
      DevnetInfo info = devnet.info();

      assertThat(info.chainId()).isEqualTo(31337);
      assertThat(info.network()).isEqualTo(Network.evm(31337));
      assertThat(URI.create(info.rpcUrl()).getHost()).isEqualTo("127.0.0.1");
      assertThat(
              devnet.rpc().call("eth_getCode", info.token().toLowerHex(), "latest").join().asText())
          .hasSizeGreaterThan(100);
      assertThat(stringCall(devnet, "name()")).isEqualTo("Test Dollar");
      assertThat(stringCall(devnet, "version()")).isEqualTo("1");
      assertThat(stringCall(devnet, "symbol()")).isEqualTo("TUSD");

      EvmAddress buyer = info.requireAccount("buyer").address();
      EvmAddress facilitator = info.requireAccount("facilitator").address();
      EvmAddress seller = info.requireAccount("seller").address();
      assertThat(devnet.tokenBalance(buyer)).isEqualTo(BigInteger.valueOf(1_000_000_000L));
      assertThat(devnet.balance(facilitator)).isEqualTo(new BigInteger("100000000000000000000"));
      assertThat(devnet.tokenBalance(seller)).isZero();
      assertThat(info.requireAccount("buyer").signer().address()).isEqualTo(buyer);

      // Multicall3's aggregate3 is where public chains have it (an empty batch answers an empty
      // array; real batches are exercised by the official facilitator in the interop tests).
      Map<String, Object> call = new java.util.LinkedHashMap<>();
      call.put("to", Devnet.MULTICALL3.toLowerHex());
      call.put(
          "data",
          io.x402j.evm.Hex.encode(
              io.x402j.evm.Abi.call("aggregate3((address,bool,bytes)[])")
                  .uint(32)
                  .uint(0)
                  .encode()));
      assertThat(devnet.rpc().call("eth_call", call, "latest").join().asText())
          .isEqualTo("0x" + "0".repeat(62) + "20" + "0".repeat(64));

      // Our EIP-712 domain separator is the one the contract computes on chain.

      assertThat(domainSeparator(devnet))
          .isEqualTo(Eip3009.domainSeparator("Test Dollar", "1", 31337, info.token()));

      JsonNode json = new ObjectMapper().readTree(info.toJson());
      assertThat(json.path("network").asText()).isEqualTo("eip155:31337");
      assertThat(json.path("token").path("decimals").asInt()).isEqualTo(6);
      assertThat(json.path("accounts")).hasSize(3);
      assertThat(json.path("accounts").get(1).path("privateKey").asText()).startsWith("0x");
    }
  }

  @Test
  void mirrorsBaseSepolia() throws Exception {
    try (Devnet devnet = Devnet.start(DevnetOptions.builder().mirrorBaseSepolia(true).build())) {
      DevnetInfo info = devnet.info();

      assertThat(info.chainId()).isEqualTo(84532);
      assertThat(info.token().toString()).isEqualTo("0x036CbD53842c5426634e7929541eC2318f3dCF7e");
      assertThat(stringCall(devnet, "name()")).isEqualTo("USDC");
      assertThat(stringCall(devnet, "version()")).isEqualTo("2");
      assertThat(devnet.tokenBalance(info.requireAccount("buyer").address())).isPositive();
      assertThat(domainSeparator(devnet))
          .isEqualTo(Eip3009.domainSeparator("USDC", "2", 84532, info.token()));
      assertThat(info.networkInfo().v1Name()).hasValue("base-sepolia");
    }
  }

  @Test
  void closingStopsAnvil() throws Exception {
    Devnet devnet = Devnet.start(DevnetOptions.defaults());
    URI rpc = URI.create(devnet.info().rpcUrl());
    List<ProcessHandle> processes = new ArrayList<>();
    ProcessHandle.of(devnet.processId())
        .ifPresent(
            p -> {
              processes.add(p);
              p.descendants().forEach(processes::add);
            });
    assertThat(processes).hasSizeGreaterThanOrEqualTo(1);

    devnet.close();

    assertThat(devnet.isRunning()).isFalse();
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(portOpen(rpc.getPort())).isFalse();
  }

  @Test
  void aKilledJvmLeavesNoAnvilBehind() throws Exception {
    Process child =
        new ProcessBuilder(ChildJvm.main(DevnetChild.class)).redirectErrorStream(true).start();
    long anvilPid;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      Optional<String> pidLine = Optional.empty();
      while ((line = out.readLine()) != null) {
        if (line.startsWith("anvil-pid ")) {
          pidLine = Optional.of(line);
          break;
        }
      }
      assertThat(pidLine).as("the child JVM started a devnet").isPresent();
      anvilPid = Long.parseLong(pidLine.get().substring("anvil-pid ".length()));
      assertThat(ProcessHandle.of(anvilPid)).isPresent();

      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      child.waitFor();
    }

    Optional<ProcessHandle> anvil = ProcessHandle.of(anvilPid);
    if (anvil.isPresent()) {
      try {
        anvil.get().onExit().get(10, TimeUnit.SECONDS);
      } catch (TimeoutException stillRunning) {
        // asserted next
      }
    }
    assertThat(ProcessHandle.of(anvilPid).map(ProcessHandle::isAlive).orElse(false))
        .as("anvil %d outlived its JVM", anvilPid)
        .isFalse();
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return socket.isConnected();
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
