package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.rpc.JsonRpcClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attack: anyone watching the mempool copies the facilitator's own transferWithAuthorization call
 * and front-runs it with a higher tip. The transfer happens exactly as the payer signed it (payer
 * to payTo, the amount), so the payer did nothing wrong and the seller was paid; the facilitator's
 * transaction then reverts ("authorization is used"). The facilitator answers failure for a payment
 * that moved money, and reports the revert against the innocent payer, so three such front-runs
 * within an hour get an honest payer suspended by {@code RevertBan} for a day.
 */
class FrontRunAttackIT {
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final BigInteger GWEI = BigInteger.TEN.pow(9);
  static final TokenAmount PRICE = TokenAmount.of(10_000);

  static Devnet devnet;
  static DevnetInfo info;
  static EvmAddress seller;

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .account("gas", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("watcher", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("honest", ETH, PRICE.value().multiply(BigInteger.TEN))
                .build());
    info = devnet.info();
    seller = info.requireAccount("seller").address();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static PaymentRequirements requirements() {
    return PaymentRequirements.builder()
        .network(info.network())
        .amount(PRICE)
        .asset(info.token().toString())
        .payTo(seller.toString())
        .maxTimeoutSeconds(60)
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .build();
  }

  /** Copies the facilitator's pooled transaction (to and input) and sends it with a higher tip. */
  static void frontRun(EvmAddress facilitatorSigner) {
    PrivateKeySigner watcher = info.requireAccount("watcher").signer();
    JsonNode block = devnet.rpc().call("eth_getBlockByNumber", "pending", true).join();
    JsonNode victim = null;
    for (JsonNode tx : block.path("transactions")) {
      if (EvmAddress.parse(tx.path("from").asText()).equals(facilitatorSigner)) {
        victim = tx;
      }
    }
    assertThat(victim).as("the facilitator's transaction is in the pool").isNotNull();
    BigInteger baseFee = Hex.parseQuantity(block.path("baseFeePerGas").asText());
    Eip1559Transaction copy =
        new Eip1559Transaction(
            info.chainId(),
            devnet.pendingTransactionCount(watcher.address()),
            GWEI.multiply(BigInteger.valueOf(100)),
            baseFee.multiply(BigInteger.TWO).add(GWEI.multiply(BigInteger.valueOf(100))),
            200_000,
            EvmAddress.parse(victim.path("to").asText()),
            BigInteger.ZERO,
            Hex.decode(victim.path("input").asText()));
    byte[] raw = copy.encodeSigned(watcher.sign(copy.signingHash()));
    devnet.rpc().call("eth_sendRawTransaction", Hex.encode(raw)).join();
  }

  /** Waits (bounded) until the node holds one more transaction of {@code account}. */
  static void awaitPooled(EvmAddress account, long before) throws InterruptedException {
    assertThat(devnet.awaitPendingTransactions(account, before, Duration.ofSeconds(20)))
        .as("broadcast")
        .isEqualTo(before + 1);
  }

  @Test
  void aFrontRunCopyOfTheSettlementIsASettlementNotTheInnocentPayersRevert() throws Exception {
    PrivateKeySigner payer = info.requireAccount("honest").signer();
    PrivateKeySigner gas = info.requireAccount("gas").signer();
    List<ExactEvmFacilitator.Revert> reverts = new CopyOnWriteArrayList<>();
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    Map<String, Object> payload = ExactEvmClient.of(payer).createPayload(2, requirements());
    SchemeRequest payment =
        new SchemeRequest(
            2,
            PaymentPayload.of(ResourceInfo.of("http://127.0.0.1/weather"), requirements(), payload),
            requirements(),
            "front-run-it-" + java.util.UUID.randomUUID());
    SettleResponse settled;
    try (ExactEvmFacilitator facilitator =
        ExactEvmFacilitator.builder()
            .network(
                EvmNetworkConfig.builder(
                        info.networkInfo(), JsonRpcClient.builder(info.rpcUrl()).build())
                    .signer(gas)
                    .pollInterval(Duration.ofMillis(50))
                    .receiptTimeout(Duration.ofSeconds(30))
                    .build())
            .onRevert(reverts::add)
            .build()) {
      long before = devnet.pendingTransactionCount(gas.address());
      devnet.setAutomine(false);
      try {
        CompletableFuture<SettleResponse> settling = facilitator.settle(payment);
        awaitPooled(gas.address(), before);
        frontRun(gas.address());
        devnet.mine();
        settled = settling.join();
      } finally {
        devnet.setAutomine(true);
      }
    }

    // The payment moved exactly as the payer signed it.
    assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE.value()));
    // Yet the payer is blamed for a revert it did not cause, and the seller is told it failed.
    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    soft.assertThat(reverts)
        .as(
            "a transfer the payer signed, executed as signed by a third party, is no revert of the"
                + " payer's: it must not count towards the payer's suspension")
        .isEmpty();
    soft.assertThat(settled.success())
        .as("the authorization was used for exactly the transfer asked (%s)", settled)
        .isTrue();
    soft.assertAll();
  }
}
