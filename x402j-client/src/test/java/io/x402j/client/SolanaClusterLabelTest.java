package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.SolanaPrograms;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A buyer whose Solana node serves mainnet, facing a 402 that labels a payment in mainnet USDC as
 * "devnet": the transaction the node helps build would be valid on mainnet, so network limits meant
 * to keep the buyer on devnet must not be passed by the label. A JSON-RPC node over real HTTP.
 */
class SolanaClusterLabelTest {
  static final String MAINNET_GENESIS = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuqCicbAB3Ay";
  static final String DEVNET_GENESIS = "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG";
  static final String MAINNET_USDC = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
  static final ObjectMapper JSON = new ObjectMapper();

  HttpServer node;
  volatile String genesis = MAINNET_GENESIS;
  final List<String> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    node.createContext(
        "/",
        exchange -> {
          JsonNode request = JSON.readTree(exchange.getRequestBody());
          String method = request.get("method").asText();
          asked.add(method);
          String result =
              switch (method) {
                case "getGenesisHash" -> "\"" + genesis + "\"";
                case "getLatestBlockhash" ->
                    "{\"context\":{\"slot\":7},\"value\":{\"blockhash\":\""
                        + SolanaPayerTest.BLOCKHASH
                        + "\",\"lastValidBlockHeight\":150}}";
                case "getAccountInfo" -> {
                  byte[] mint = new byte[82];
                  mint[44] = 6;
                  yield "{\"context\":{\"slot\":7},\"value\":{\"lamports\":1,\"owner\":\""
                      + SolanaPrograms.TOKEN
                      + "\",\"data\":[\""
                      + Base64.getEncoder().encodeToString(mint)
                      + "\",\"base64\"],\"executable\":false,\"rentEpoch\":0,\"space\":82}}";
                }
                default -> "null";
              };
          byte[] body =
              ("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + result + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    node.start();
  }

  @AfterEach
  void stop() {
    node.stop(0);
  }

  Payer payer(SpendControls controls, SpendLog log) {
    return Payer.builder()
        .svmSigner(SolanaKeypair.generate())
        .solanaRpcUrl("http://127.0.0.1:" + node.getAddress().getPort() + "/")
        .spendControls(controls)
        .spendLog(log)
        .build();
  }

  static PaymentRequirements devnetLabelled(String asset) {
    return PaymentRequirements.builder()
        .network(SolanaPayerTest.DEVNET)
        .amount(TokenAmount.of(5_000_000))
        .asset(asset)
        .payTo(SolanaPayerTest.SOL_SELLER)
        .extra("feePayer", SolanaPayerTest.FEE_PAYER)
        .build();
  }

  @Test
  void aPaymentLabelledDevnetIsNotBuiltWithAMainnetNode() {
    SpendLog log = SpendLog.inMemory();
    Payer testOnly =
        payer(
            SpendControls.builder()
                .allowNetworks(SolanaPayerTest.DEVNET)
                .maxPerPayment(TokenAmount.of(10_000_000))
                .build(),
            log);

    assertThatThrownBy(
            () ->
                testOnly.authorize(
                    SpendControlsTest.challenge(SolanaPayerTest.URL, devnetLabelled(MAINNET_USDC))))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("serves the cluster solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp")
        .hasMessageContaining("not " + SolanaPayerTest.DEVNET);
    assertThat(log.spends()).isEmpty();
    assertThat(asked).doesNotContain("getLatestBlockhash");
  }

  @Test
  void aNodeOfTheNamedClusterIsUsedAndAskedItsGenesisOnce() {
    genesis = DEVNET_GENESIS;
    Payer payer = payer(SpendControls.unlimited(), SpendLog.inMemory());

    for (int i = 0; i < 2; i++) {
      assertThat(
              payer
                  .authorize(
                      SpendControlsTest.challenge(
                          SolanaPayerTest.URL, devnetLabelled(SolanaPayerTest.DEVNET_USDC)))
                  .headerName())
          .isEqualTo("PAYMENT-SIGNATURE");
    }
    assertThat(asked.stream().filter("getGenesisHash"::equals).count()).isEqualTo(1);
    assertThat(Network.parse("solana:" + DEVNET_GENESIS.substring(0, 32)))
        .isEqualTo(SolanaPayerTest.DEVNET);
  }
}
