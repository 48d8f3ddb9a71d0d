package io.x402j.server.testing;

import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.V1Translation;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorServer;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import java.math.BigInteger;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A market to sell in, for tests: a devnet with a funded buyer, a seller and a gas-paying
 * facilitator account, an in-process facilitator (also over HTTP on demand), and helpers that pay a
 * 402 answer the way a client does.
 */
public final class TestMarket implements AutoCloseable {
  private static final BigInteger ETH = BigInteger.TEN.pow(18);

  private final Devnet devnet;
  private final DevnetInfo info;
  private final NetworkRegistry networks;
  private final ExactEvmFacilitator exact;
  private final FacilitatorService facilitator;
  private FacilitatorServer http;

  private TestMarket(Devnet devnet) {
    this.devnet = devnet;
    this.info = devnet.info();
    this.networks = NetworkRegistry.defaults().toBuilder().network(info.networkInfo()).build();
    this.exact =
        ExactEvmFacilitator.builder()
            .network(
                EvmNetworkConfig.builder(
                        info.networkInfo(), JsonRpcClient.builder(info.rpcUrl()).build())
                    .signer(info.requireAccount("facilitator").signer())
                    .build())
            .build();
    this.facilitator = FacilitatorService.builder().scheme(exact).networks(networks).build();
  }

  /** Starts a devnet with the accounts {@code facilitator}, {@code buyer} and {@code seller}. */
  public static TestMarket start() throws Exception {
    return new TestMarket(Devnet.start(accounts().build()));
  }

  /**
   * Starts a devnet that looks like Base Sepolia (chain 84532, USDC at its address, v1 name {@code
   * base-sepolia}), so that clients which only know public networks, such as the official v1 SDK,
   * can pay in it.
   */
  public static TestMarket startMirroringBaseSepolia() throws Exception {
    return new TestMarket(Devnet.start(accounts().mirrorBaseSepolia(true).build()));
  }

  private static DevnetOptions.Builder accounts() {
    return DevnetOptions.builder()
        .account("facilitator", ETH, BigInteger.ZERO)
        .account(
            "other-facilitator",
            ETH,
            BigInteger.ZERO) // for a second facilitator, e.g. the official one
        .account("buyer", ETH, BigInteger.valueOf(1_000_000_000L))
        .account("seller", BigInteger.ZERO, BigInteger.ZERO);
  }

  public Devnet devnet() {
    return devnet;
  }

  public DevnetInfo info() {
    return info;
  }

  /** The public networks plus the devnet (v1 name {@code x402j-devnet}, token Test Dollar). */
  public NetworkRegistry networks() {
    return networks;
  }

  public Network network() {
    return info.network();
  }

  public PrivateKeySigner buyer() {
    return info.requireAccount("buyer").signer();
  }

  public EvmAddress seller() {
    return info.requireAccount("seller").address();
  }

  /** The in-process facilitator. */
  public FacilitatorService facilitator() {
    return facilitator;
  }

  /** The facilitator over HTTP, started on first use. */
  public synchronized String facilitatorUrl() {
    if (http == null) {
      http = FacilitatorServer.builder(facilitator).port(0).build().start();
    }
    return http.url();
  }

  /** A payment option on the devnet paying the seller. */
  public PaymentOption option(String price) {
    return PaymentOption.builder(network()).price(price).payTo(seller().toString()).build();
  }

  /** A route on the devnet paying the seller. */
  public PaidRoute route(String price) {
    return PaidRoute.builder().accept(option(price)).description("a test resource").build();
  }

  public BigInteger sellerBalance() {
    return devnet.tokenBalance(seller());
  }

  public BigInteger balance(EvmAddress owner) {
    return devnet.tokenBalance(owner);
  }

  /**
   * Sends all of the buyer's tokens away, so that payments it signed can no longer settle (say,
   * while their handler runs); returns the amount, for {@link #fundBuyer}.
   */
  public BigInteger drainBuyer() {
    EvmAddress from = buyer().address();
    BigInteger all = balance(from);
    var rpc = devnet.rpc();
    rpc.call("anvil_impersonateAccount", from.toLowerHex()).join();
    Map<String, Object> tx = new java.util.LinkedHashMap<>();
    tx.put("from", from.toLowerHex());
    tx.put("to", info.token().toLowerHex());
    tx.put(
        "data",
        Hex.encode(
            Abi.call("transfer(address,uint256)")
                .address(EvmAddress.parse("0x000000000000000000000000000000000000dEaD"))
                .uint(all)
                .encode()));
    try {
      devnet.awaitReceipt(rpc.call("eth_sendTransaction", tx).join().asText());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    rpc.call("anvil_stopImpersonatingAccount", from.toLowerHex()).join();
    return all;
  }

  /** Mints tokens to the buyer. */
  public void fundBuyer(BigInteger amount) {
    try {
      devnet.mint(buyer().address(), amount);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The {@code PAYMENT-SIGNATURE} a v2 client sends for the first option of a 402 header. */
  public String payV2(String paymentRequiredHeader) {
    return payV2(paymentRequiredHeader, buyer(), UnaryOperator.identity());
  }

  /**
   * The {@code PAYMENT-SIGNATURE} for the first option, signed by {@code payer} for the requirement
   * {@code signFor} makes of it (the payment still echoes the offered one).
   */
  public String payV2(
      String paymentRequiredHeader, Signer payer, UnaryOperator<PaymentRequirements> signFor) {
    HeaderCodec codec = HeaderCodec.standard();
    PaymentRequired required = codec.decodePaymentRequired(paymentRequiredHeader);
    PaymentRequirements offered = required.accepts().get(0);
    Map<String, Object> payload = ExactEvmClient.of(payer).createPayload(2, signFor.apply(offered));
    return codec.encodePaymentSignature(PaymentPayload.of(required.resource(), offered, payload));
  }

  /** The {@code X-PAYMENT} a v1 client sends for the first option of a v1 402 body. */
  public String payV1(String body) {
    var required = WireCodec.standard().decodePaymentRequiredV1(body);
    PaymentRequirementsV1 offered = required.accepts().get(0);
    PaymentRequirements translated = new V1Translation(networks).requirements(offered);
    Map<String, Object> payload = ExactEvmClient.of(buyer()).createPayload(1, translated);
    return HeaderCodec.standard()
        .encodeXPayment(PaymentPayloadV1.of(offered.scheme(), offered.network(), payload));
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    exact.close();
    devnet.close();
  }
}
