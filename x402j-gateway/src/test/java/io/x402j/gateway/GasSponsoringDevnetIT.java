package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on a real chain: a gateway selling {@code GET /weather} for $0.01 through Permit2, the
 * x402j facilitator (which lists {@code eip2612GasSponsoring}) on the devnet, and an x402j {@link
 * Payer} that can read the chain but has <b>no</b> Permit2 allowance. The 402 declares the
 * sponsoring, the payer signs an EIP-2612 permit for Permit2 beside its Permit2 payment, the
 * facilitator submits both, and the seller receives exactly the price without the payer ever
 * sending a transaction.
 */
class GasSponsoringDevnetIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static TestMarket market;
  static HttpServer upstream;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    FacilitatorService facilitator = DevnetSellers.facilitator(market);
    upstream = DevnetSellers.upstream("{\"sunny\":true}", Map.of());
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .exactAssetTransferMethod("permit2")
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    gateway = DevnetSellers.gateway(gate, upstream);
  }

  @AfterAll
  static void stop() {
    DevnetSellers.close(gateway, upstream, market);
  }

  static URI weather() {
    return URI.create(gateway.url() + "/weather");
  }

  /** The buyer's ERC-20 allowance for Permit2, read on the devnet. */
  static BigInteger permit2Allowance(EvmAddress owner) {
    JsonRpcClient rpc = JsonRpcClient.builder(market.info().rpcUrl()).build();
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", market.info().token().toLowerHex());
    call.put(
        "data",
        Hex.encode(
            Abi.call("allowance(address,address)")
                .address(owner)
                .address(Permit2.ADDRESS)
                .encode()));
    return Hex.parseQuantity(rpc.call("eth_call", call, "latest").join().asText());
  }

  @Test
  void aPayerWithoutAnAllowancePaysThroughEip2612SponsoringAndTheSellerGetsThePrice()
      throws Exception {
    EvmAddress buyer = market.buyer().address();
    assertThat(permit2Allowance(buyer)).isZero();
    HttpResponse<String> unpaid =
        HTTP.send(HttpRequest.newBuilder(weather()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    assertThat(required.accepts().get(0).extra()).containsEntry("assetTransferMethod", "permit2");
    assertThat(required.extensions()).containsKey("eip2612GasSponsoring");

    BigInteger sellerBefore = market.sellerBalance();
    BigInteger buyerBefore = market.balance(buyer);
    Payer payer =
        Payer.builder()
            .signer(market.buyer())
            .networks(market.networks())
            .evmRpcUrl(market.network(), market.info().rpcUrl())
            .spendControls(SpendControls.unlimited())
            .build();
    PaidResponse<String> paid =
        X402Client.builder(payer)
            .build()
            .send(HttpRequest.newBuilder(weather()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(paid.statusCode()).as(paid::toString).isEqualTo(200);
    assertThat(paid.settled()).isTrue();
    assertThat(market.sellerBalance().subtract(sellerBefore)).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(buyerBefore.subtract(market.balance(buyer))).isEqualTo(BigInteger.valueOf(10_000));
  }
}
