package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.testing.ScriptedServer;
import io.x402j.core.testing.ScriptedServer.Answer;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.rpc.JsonRpcClient;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node that refuses a transaction whose successor is already on its way: the refused nonce is
 * released and the gap is filled, so the successor is mined instead of waiting forever. EIP-3009
 * and Permit2 settlements share the signer's nonce lane, so either kind may leave the gap.
 */
class NonceGapIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRefusedNonceBelowOneInFlightIsFilled() throws Exception {
    try (Devnet devnet = Devnet.start(DevnetOptions.defaults());
        ScriptedServer proxy = new ScriptedServer()) {
      DevnetInfo info = devnet.info();
      RefusingFirstSend node = new RefusingFirstSend(proxy, info.rpcUrl());
      PrivateKeySigner gas = info.requireAccount("facilitator").signer();
      PrivateKeySigner buyer = info.requireAccount("buyer").signer();
      PaymentRequirements requirements = eip3009Requirements(info);

      try (ExactEvmFacilitator facilitator = facilitatorVia(node, info, gas)) {
        SchemeRequest first = eip3009(buyer, requirements);
        CompletableFuture<SettleResponse> a = facilitator.settle(first);
        // The second starts only once the first is broadcast (and held): the first has nonce 0,
        // the second takes nonce 1, whichever thread runs faster.
        node.awaitFirstHeld();
        CompletableFuture<SettleResponse> b = facilitator.settle(eip3009(buyer, requirements));

        assertRefusedThenSuccessorMined(devnet, gas, a, b);
        // The refused payment was never spent: settling it again works.
        assertThat(facilitator.settle(first).join().success()).isTrue();
      }
    }
  }

  @Test
  void aRefusedPermit2BroadcastDoesNotBlockTheLaneItShares() throws Exception {
    try (Devnet devnet = Devnet.start(DevnetOptions.defaults());
        ScriptedServer proxy = new ScriptedServer()) {
      DevnetInfo info = devnet.info();
      RefusingFirstSend node = new RefusingFirstSend(proxy, info.rpcUrl());
      PrivateKeySigner gas = info.requireAccount("facilitator").signer();
      PrivateKeySigner buyer = info.requireAccount("buyer").signer();
      EvmAddress seller = info.requireAccount("seller").address();
      devnet.approvePermit2(buyer.address(), info.token());
      Permit2Fixture fx = new Permit2Fixture(info, seller);

      try (ExactEvmFacilitator facilitator = facilitatorVia(node, info, gas)) {
        SchemeRequest permit2 =
            fx.request(
                "exact",
                Permit2Fixture.PRICE,
                fx.signed(
                    buyer,
                    fx.exactPermit(buyer, Permit2Fixture.PRICE, Permit2Fixture.freshNonce())),
                "gap-permit2");
        CompletableFuture<SettleResponse> a = facilitator.settle(permit2);
        node.awaitFirstHeld();
        CompletableFuture<SettleResponse> b =
            facilitator.settle(eip3009(buyer, eip3009Requirements(info)));

        assertRefusedThenSuccessorMined(devnet, gas, a, b);
        // The refused permit was never spent: settling it again works.
        assertThat(facilitator.settle(permit2).get(60, TimeUnit.SECONDS).success()).isTrue();
      }
    }
  }

  private static void assertRefusedThenSuccessorMined(
      Devnet devnet,
      Signer gas,
      CompletableFuture<SettleResponse> a,
      CompletableFuture<SettleResponse> b)
      throws Exception {
    SettleResponse refused = a.get(60, TimeUnit.SECONDS);
    // Without the gap filled, the successor waits for a receipt that never comes: the bound
    // turns that hang into a failure.
    SettleResponse settled = b.get(60, TimeUnit.SECONDS);

    assertThat(refused.reason()).as("%s", refused).hasValue(ErrorReason.UNEXPECTED_SETTLE_ERROR);
    assertThat(refused.errorMessage()).contains("refused");
    assertThat(settled.success()).as("the successor is mined, not stuck: %s", settled).isTrue();
    JsonNode tx = devnet.rpc().call("eth_getTransactionByHash", settled.transaction()).join();
    assertThat(Hex.parseQuantity(tx.path("nonce").asText())).isEqualTo(BigInteger.ONE);
    // Nonce 0 was used by the gap filler: the signer has sent exactly two transactions.
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(2);
  }

  private static ExactEvmFacilitator facilitatorVia(
      RefusingFirstSend node, DevnetInfo info, Signer gas) {
    JsonRpcClient viaProxy = JsonRpcClient.builder(node.url()).build();
    return ExactEvmFacilitator.builder()
        .network(EvmNetworkConfig.builder(info.networkInfo(), viaProxy).signer(gas).build())
        .build();
  }

  private static PaymentRequirements eip3009Requirements(DevnetInfo info) {
    return PaymentRequirements.builder()
        .network(info.network())
        .amount(TokenAmount.of(10_000))
        .asset(info.token().toString())
        .payTo(info.requireAccount("seller").address().toString())
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .build();
  }

  private static SchemeRequest eip3009(Signer buyer, PaymentRequirements requirements) {
    return new SchemeRequest(
        2,
        PaymentPayload.of(
            null, requirements, ExactEvmClient.of(buyer).createPayload(2, requirements)),
        requirements);
  }

  /**
   * A JSON-RPC front of the devnet that holds the first {@code eth_sendRawTransaction} until the
   * next one was forwarded, then refuses it; everything else passes through.
   */
  private static final class RefusingFirstSend {
    private final ScriptedServer proxy;
    private final CountDownLatch firstHeld = new CountDownLatch(1);

    RefusingFirstSend(ScriptedServer proxy, String rpcUrl) {
      this.proxy = proxy;
      HttpClient http = HttpClient.newHttpClient();
      AtomicInteger sends = new AtomicInteger();
      CountDownLatch secondForwarded = new CountDownLatch(1);
      proxy.respond(
          "/",
          body -> {
            try {
              JsonNode request = JSON.readTree(body);
              if (request.isObject()
                  && "eth_sendRawTransaction".equals(request.path("method").asText())) {
                int n = sends.incrementAndGet();
                if (n == 1) {
                  firstHeld.countDown();
                  secondForwarded.await(10, TimeUnit.SECONDS);
                  return Answer.json(
                      200,
                      "{\"jsonrpc\":\"2.0\",\"id\":"
                          + request.get("id")
                          + ",\"error\":{\"code\":-32000,\"message\":\"transaction rejected by test\"}}");
                }
              }
              String forwarded =
                  http.send(
                          HttpRequest.newBuilder(URI.create(rpcUrl))
                              .header("Content-Type", "application/json")
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body();
              if (sends.get() >= 2) {
                secondForwarded.countDown();
              }
              return Answer.json(200, forwarded);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }

    String url() {
      return proxy.url() + "/";
    }

    void awaitFirstHeld() throws InterruptedException {
      assertThat(firstHeld.await(30, TimeUnit.SECONDS)).as("the first was broadcast").isTrue();
    }
  }
}
