package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.support.Base58;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.svm.SolanaKeypair;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The x402j client (a {@link Payer} with a Solana signer) pays the official Express server ({@code
 * @x402/express} with the {@code @x402/svm} server scheme), which settles through the official
 * facilitator ({@code @x402/svm}) over HTTP, on x402j's local Solana devnet.
 */
class SolanaOfficialServerIT {
  static SolanaDevnet devnet;
  static Service officialFacilitator;
  static Service expressServer;
  static String seller;

  @BeforeAll
  static void start() throws Exception {
    devnet = SolanaDevnet.start();
    seller = SolanaStack.account(devnet, "seller").address();
    officialFacilitator = SolanaStack.officialFacilitator(devnet, "facilitator2");
    expressServer = SolanaStack.officialExpressServer(devnet, seller, officialFacilitator.url());
  }

  @AfterAll
  static void stop() {
    if (expressServer != null) {
      expressServer.close();
    }
    if (officialFacilitator != null) {
      officialFacilitator.close();
    }
    if (devnet != null) {
      devnet.close();
    }
  }

  @Test
  void theX402jClientPaysTheOfficialServerThroughTheOfficialFacilitator() throws Exception {
    String buyer = SolanaStack.account(devnet, "buyer").address();
    String feePayer = SolanaStack.account(devnet, "facilitator2").address();
    BigInteger sellerBefore = SolanaStack.balance(devnet, seller);
    BigInteger buyerBefore = SolanaStack.balance(devnet, buyer);
    BigInteger buyerLamports = devnet.controls().lamports(buyer);
    BigInteger feePayerLamports = devnet.controls().lamports(feePayer);
    Payer payer =
        Payer.builder()
            .svmSigner(
                SolanaKeypair.fromBase58Secret(SolanaStack.account(devnet, "buyer").privateKey()))
            .solanaRpcUrl(devnet.info().rpcUrl())
            .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
            .build();

    PaidResponse<String> paid =
        X402Client.builder(payer)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(expressServer.url() + "/weather")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(paid.statusCode()).as("%s", paid).isEqualTo(200);
    assertThat(paid.body()).contains("official svm");
    assertThat(paid.receipt().success()).as("%s", paid.receipt()).isTrue();
    assertThat(paid.receipt().network()).isEqualTo(SolanaDevnet.NETWORK);
    assertThat(paid.receipt().payer()).isEqualTo(buyer);
    assertThat(Base58.decode(paid.receipt().transaction())).hasSize(64);
    assertThat(devnet.controls().signatureStatus(paid.receipt().transaction())).isNotNull();
    assertThat(paid.paid().orElseThrow().x402Version()).isEqualTo(2);
    assertThat(SolanaStack.balance(devnet, seller))
        .isEqualTo(sellerBefore.add(BigInteger.valueOf(10_000)));
    assertThat(SolanaStack.balance(devnet, buyer))
        .isEqualTo(buyerBefore.subtract(BigInteger.valueOf(10_000)));
    // The official facilitator's key paid the fee; the buyer paid no SOL.
    assertThat(devnet.controls().lamports(buyer)).isEqualTo(buyerLamports);
    assertThat(devnet.controls().lamports(feePayer)).isLessThan(feePayerLamports);
  }
}
