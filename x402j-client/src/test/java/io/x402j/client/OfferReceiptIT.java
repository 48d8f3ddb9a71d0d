package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.testing.TestShop;
import io.x402j.core.extensions.BuilderCode.Attribution;
import io.x402j.core.extensions.offerreceipt.Ed25519Jws;
import io.x402j.core.extensions.offerreceipt.OfferReceiptSigner;
import io.x402j.devnet.DevnetInfo;
import io.x402j.evm.Erc8021;
import io.x402j.evm.Hex;
import io.x402j.evm.OfferReceiptEip712;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.server.BuilderCodeExtension;
import io.x402j.server.OfferReceiptExtension;
import io.x402j.testkit.TestMarket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * offer-receipt and builder-code end to end on anvil: x402j's gate signs the offer and the receipt,
 * x402j's facilitator settles with the ERC-8021 suffix, and x402j's client verifies both artifacts
 * and hands the verified receipt to the caller on its {@link Charge}.
 */
class OfferReceiptIT {
  static TestMarket market;
  static DevnetInfo info;
  static PrivateKeySigner sellerKey;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    info = market.info();
    sellerKey = info.requireAccount("seller").signer(); // the payTo key: simplest authorization
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  static PaidResponse<String> buy(TestShop shop, Payer payer) throws Exception {
    return X402Client.builder(payer)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(shop.url() + "/weather")).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static Payer payer() {
    return Payer.builder()
        .signer(market.buyer())
        .networks(market.networks())
        .spendControls(SpendControls.unlimited())
        .builderCodes("my_client")
        .build();
  }

  @Test
  void anEip712ReceiptComesBackVerifiedAndTheSettlementCarriesTheAttribution() throws Exception {
    try (TestShop shop =
        TestShop.start(
            market,
            url ->
                new io.x402j.server.GateExtension[] {
                  OfferReceiptExtension.of(OfferReceiptEip712.signer(sellerKey), url),
                  BuilderCodeExtension.of("bc_shop")
                })) {
      PaidResponse<String> response = buy(shop, payer());

      assertThat(response.statusCode()).isEqualTo(200);
      OfferReceiptCheck check = response.charged().orElseThrow().offerReceiptCheck().orElseThrow();
      assertThat(check.problems()).isEmpty();
      assertThat(check.verified()).isTrue();
      assertThat(check.offerSignedByPayTo()).isTrue();
      assertThat(check.offer().amount()).isEqualTo("10000");
      assertThat(check.receipt().payer())
          .isEqualToIgnoringCase(market.buyer().address().toString());
      assertThat(check.receipt().resourceUrl()).isEqualTo(shop.url() + "/weather");
      assertThat(check.receipt().transaction()).isEmpty(); // privacy-minimal by default
      assertThat(check.receiptSigner()).isEqualTo(sellerKey.address().toLowerHex());

      String tx = response.settlement().orElseThrow().transaction();
      String input =
          JsonRpcClient.builder(info.rpcUrl())
              .build()
              .call("eth_getTransactionByHash", tx)
              .join()
              .path("input")
              .asText();
      assertThat(Erc8021.parse(Hex.decode(input)))
          .contains(new Attribution("bc_shop", List.of("my_client"), null));
    }
  }

  @Test
  void aJwsReceiptWithAnEd25519KeyIsVerifiedByItsDidKey() throws Exception {
    OfferReceiptSigner jws = OfferReceiptSigner.jws(Ed25519Jws.generate());
    try (TestShop shop =
        TestShop.start(
            market,
            url ->
                new io.x402j.server.GateExtension[] {
                  OfferReceiptExtension.builder(jws).origin(url).includeTransaction(true).build()
                })) {
      PaidResponse<String> response = buy(shop, payer());

      OfferReceiptCheck check = response.charged().orElseThrow().offerReceiptCheck().orElseThrow();
      assertThat(check.problems()).isEmpty();
      assertThat(check.verified()).isTrue();
      assertThat(check.offerSignedByPayTo()).isFalse(); // a did:key, for the caller to authorize
      assertThat(check.receiptSigner()).startsWith("did:key:z6Mk");
      assertThat(check.receipt().transaction())
          .isEqualTo(response.settlement().orElseThrow().transaction());
    }
  }

  @Test
  void aReceiptSignedByAnotherKeyIsReportedNotRefused() throws Exception {
    // A seller whose offers and receipts come from different keys (or a receipt forged in transit).
    OfferReceiptSigner offers = OfferReceiptEip712.signer(sellerKey);
    OfferReceiptSigner receipts =
        OfferReceiptEip712.signer(PrivateKeySigner.fromHex("0x" + "77".repeat(32)));
    OfferReceiptSigner mixed =
        new OfferReceiptSigner() {
          @Override
          public String format() {
            return offers.format();
          }

          @Override
          public java.util.Map<String, Object> signOffer(
              io.x402j.core.extensions.offerreceipt.OfferPayload payload) {
            return offers.signOffer(payload);
          }

          @Override
          public java.util.Map<String, Object> signReceipt(
              io.x402j.core.extensions.offerreceipt.ReceiptPayload payload) {
            return receipts.signReceipt(payload);
          }
        };
    try (TestShop shop =
        TestShop.start(
            market,
            url -> new io.x402j.server.GateExtension[] {OfferReceiptExtension.of(mixed, url)})) {
      PaidResponse<String> response = buy(shop, payer());

      assertThat(response.statusCode()).isEqualTo(200); // paid and delivered all the same
      OfferReceiptCheck check = response.charged().orElseThrow().offerReceiptCheck().orElseThrow();
      assertThat(check.verified()).isFalse();
      assertThat(check.problems()).singleElement().asString().contains("the receipt is signed by");
    }
  }
}
