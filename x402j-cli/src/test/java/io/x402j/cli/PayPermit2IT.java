package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorServer;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.gateway.Gateway;
import io.x402j.gateway.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code x402j pay} end to end on anvil: an x402j gateway sells an exact route paid through Permit2
 * and an upto route whose upstream charges less with {@code Settlement-Overrides}; an x402j
 * facilitator settles both through the canonical Permit2 proxies of the devnet; the buyer starts
 * without a Permit2 allowance.
 */
class PayPermit2IT {
  static final BigInteger ETH = BigInteger.TEN.pow(18);

  static Devnet devnet;
  static DevnetInfo info;
  static FacilitatorServer facilitator;
  static HttpServer upstream;
  static Gateway gateway;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("facilitator", ETH, BigInteger.ZERO)
                .account("buyer", ETH, BigInteger.valueOf(1_000_000_000L))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    NetworkRegistry networks =
        NetworkRegistry.defaults().toBuilder().network(info.networkInfo()).build();
    ExactEvmFacilitator exact =
        ExactEvmFacilitator.builder()
            .network(
                EvmNetworkConfig.builder(
                        info.networkInfo(), JsonRpcClient.builder(info.rpcUrl()).build())
                    .signer(info.requireAccount("facilitator").signer())
                    .build())
            .build();
    facilitator =
        FacilitatorServer.builder(
                FacilitatorService.builder()
                    .scheme(withoutGasSponsoring(exact))
                    .scheme(withoutGasSponsoring(exact.upto()))
                    .networks(networks)
                    .build())
            .port(0)
            .build()
            .start();
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"tokens\":25}".getBytes(StandardCharsets.UTF_8);
          if (exchange.getRequestURI().getPath().equals("/infer")) {
            // Used 25 tokens at 100 atomic units each, of a ceiling of 100000.
            exchange.getResponseHeaders().add("Settlement-Overrides", "{\"amount\": \"2500\"}");
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "port: 0",
            "upstream: http://127.0.0.1:" + upstream.getAddress().getPort(),
            "facilitator: {url: " + facilitator.url() + "}",
            "network: " + info.network(),
            "payTo: \"" + info.requireAccount("seller").address() + "\"",
            "asset: {address: \""
                + info.token()
                + "\", name: "
                + info.tokenName()
                + ", version: \""
                + info.tokenVersion()
                + "\", decimals: 6, symbol: "
                + info.tokenSymbol()
                + "}",
            "assetTransferMethod: permit2",
            "paywall: {enabled: false}",
            "routes:",
            "  - route: GET /weather",
            "    price: \"10000\"",
            "  - route: POST /infer",
            "    price: \"upto:100000\"",
            ""));
    gateway = GatewayConfig.load(config, Map.of()).start(Map.of());
  }

  /**
   * {@code scheme} listing no extensions in {@code /supported}: the gateway then declares no gas
   * sponsoring, so this test sees the payer approve Permit2 itself (sponsoring is tested in the
   * gateway's GasSponsoringDevnetIT).
   */
  static SchemeFacilitator withoutGasSponsoring(SchemeFacilitator scheme) {
    return new SchemeFacilitator() {
      @Override
      public String scheme() {
        return scheme.scheme();
      }

      @Override
      public NetworkPattern family() {
        return scheme.family();
      }

      @Override
      public List<Network> networks() {
        return scheme.networks();
      }

      @Override
      public Map<String, Object> supportedExtra(Network network) {
        return scheme.supportedExtra(network);
      }

      @Override
      public List<String> signers(Network network) {
        return scheme.signers(network);
      }

      @Override
      public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
        return scheme.verify(request);
      }

      @Override
      public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
        return scheme.settle(request);
      }
    };
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    if (facilitator != null) {
      facilitator.close();
    }
    if (devnet != null) {
      devnet.close();
    }
  }

  record Run(int exit, String out, String err) {}

  static Run pay(String... args) throws Exception {
    StringWriter err = new StringWriter();
    CommandLine cli = X402j.commandLine();
    cli.setErr(new PrintWriter(err));
    CommandLine.ParseResult parsed =
        cli.parseArgs(Stream.concat(Stream.of("pay"), Stream.of(args)).toArray(String[]::new));
    PayCommand command = (PayCommand) parsed.subcommand().commandSpec().userObject();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("X402J_PRIVATE_KEY", info.requireAccount("buyer").privateKey());
    env.put("X402J_RPC_URL", info.rpcUrl());
    int exit = command.run(env, new PrintStream(out));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  static BigInteger balance(EvmAddress owner) {
    JsonRpcClient rpc = JsonRpcClient.builder(info.rpcUrl()).build();
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", info.token().toLowerHex());
    call.put("data", Hex.encode(Abi.call("balanceOf(address)").address(owner).encode()));
    return Hex.parseQuantity(rpc.call("eth_call", call, "latest").join().asText());
  }

  @Test
  void paysPermit2AndUptoThroughTheGatewayApprovingOnlyWhenAsked() throws Exception {
    EvmAddress seller = info.requireAccount("seller").address();
    BigInteger start = balance(seller);

    // No allowance and no gas sponsoring offered: refused before anything is signed.
    Run refused = pay("--max", "200000", gateway.url() + "/weather");
    assertThat(refused.exit()).as(refused.err()).isEqualTo(PayCommand.REFUSED);
    assertThat(refused.err()).contains("--approve-permit2");
    assertThat(balance(seller)).isEqualTo(start);

    // Asked: the approval is mined on anvil, then the Permit2 payment settles.
    Run exact = pay("--max", "200000", "--approve-permit2", gateway.url() + "/weather");
    assertThat(exact.exit()).as(exact.err()).isZero();
    assertThat(exact.out()).contains("\"tokens\":25");
    assertThat(exact.err()).contains("approved Permit2").contains("settled in transaction");
    assertThat(balance(seller)).isEqualTo(start.add(BigInteger.valueOf(10_000)));

    // upto: a ceiling of 100000 is signed, the upstream charges 2500, and only that moves.
    Run upto =
        pay(
            "--max",
            "200000",
            "--approve-permit2",
            "--approve-permit2-amount",
            "1000000",
            "-X",
            "POST",
            "-d",
            "{\"prompt\":\"hi\"}",
            gateway.url() + "/infer");
    assertThat(upto.exit()).as(upto.err()).isZero();
    assertThat(upto.err())
        .contains("paid up to")
        .contains("ceiling 0.1 ")
        .contains("charged 0.0025 ")
        .contains("(the settled amount)");
    assertThat(balance(seller)).isEqualTo(start.add(BigInteger.valueOf(12_500)));
  }
}
