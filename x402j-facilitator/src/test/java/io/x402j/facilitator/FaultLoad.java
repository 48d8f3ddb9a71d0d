package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Bytes32;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.ExactEvmPayload;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The load of the fault tests: one buyer paying one seller many times, settled by one gas key, so
 * that the chain's counts say whether anything was sent twice.
 */
final class FaultLoad {
  static final BigInteger PRICE = FacilitatorClusterIT.PRICE;
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** A signed payment: its authorization nonce, and the /settle body that carries it. */
  record Payment(Bytes32 nonce, String body) {}

  private FaultLoad() {}

  /** A devnet with a funded gas key ("gas"), a buyer who can pay {@code payments} times. */
  static Devnet devnet(int payments) throws IOException, InterruptedException {
    BigInteger eth = BigInteger.TEN.pow(18);
    return Devnet.start(
        DevnetOptions.builder()
            .account("gas", eth, BigInteger.ZERO)
            .account("buyer", eth, PRICE.multiply(BigInteger.valueOf(payments)))
            .account("seller", BigInteger.ZERO, BigInteger.ZERO)
            .build());
  }

  /** {@code count} distinct payments from the buyer to the seller. */
  static List<Payment> sign(DevnetInfo info, int count) {
    PaymentRequirements required =
        FacilitatorClusterIT.requirement(info, info.requireAccount("seller").address());
    List<Payment> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ExactEvmPayload signed =
          ExactEvmClient.of(info.requireAccount("buyer").signer()).authorize(2, required);
      all.add(
          new Payment(
              signed.authorization().nonce(),
              FacilitatorClusterIT.WIRE.toJson(
                  FacilitatorRequest.of(PaymentPayload.of(null, required, signed.toMap()), required)
                      .withSettlementId(FacilitatorClusterIT.newAttempt()))));
    }
    return all;
  }

  static CompletableFuture<HttpResponse<String>> settle(FacilitatorApp app, String body) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(URI.create(app.url() + "/settle"))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Every payment's authorization is used on chain, the seller holds exactly their sum, and the gas
   * key sent one transaction per payment: nothing twice, nothing reverted.
   */
  static void assertEachSettledOnce(Devnet devnet, List<Payment> all) {
    DevnetInfo info = devnet.info();
    for (Payment payment : all) {
      assertThat(devnet.authorizationUsed(info.requireAccount("buyer").address(), payment.nonce()))
          .isTrue();
    }
    assertThat(devnet.tokenBalance(info.requireAccount("seller").address()))
        .isEqualTo(PRICE.multiply(BigInteger.valueOf(all.size())));
    assertThat(devnet.transactionCount(info.requireAccount("gas").address()))
        .as("one transaction per payment")
        .isEqualTo(all.size());
  }
}
