package io.x402j.testkit;

import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorServer;
import io.x402j.facilitator.FacilitatorService;
import java.math.BigInteger;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A market to buy and sell in, for integration tests on a real chain: a local devnet (anvil,
 * started by {@link Devnet}) with a funded buyer, a seller and a gas-paying facilitator account;
 * the x402j facilitator in process ({@link #facilitator()}) and over HTTP on demand ({@link
 * #facilitatorUrl()}); and helpers that pay a 402 answer the way a client does. Payments really
 * settle: assert on {@link #sellerBalance()}.
 *
 * <p>Start one per test class and close it afterwards; starting takes a second or two (anvil and a
 * token deployment). A resource server prices its routes on {@link #network()} paying {@link
 * #seller()}, and hands its gate {@link #networks()} so that the devnet's token is known:
 *
 * <pre>{@code
 * try (TestMarket market = TestMarket.start()) {
 *   PaymentGate gate = PaymentGate.builder()
 *       .facilitator(market.facilitator())
 *       .networks(market.networks())
 *       .routes(RouteTable.builder()
 *           .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
 *           .build())
 *       .build();
 *   ...
 * }
 * }</pre>
 *
 * <p>Needs anvil: {@link Devnet} installs the pinned version with npm on first use.
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
    EvmNetworkConfig.Builder network =
        EvmNetworkConfig.builder(info.networkInfo(), JsonRpcClient.builder(info.rpcUrl()).build())
            .signer(info.requireAccount("facilitator").signer());
    if (info.plainTokenAddress() != null) {
      // The plain ERC-20 (no EIP-3009, no EIP-2612) is payable through Permit2.
      network.asset(info.plainTokenAddress());
    }
    this.exact = ExactEvmFacilitator.builder().network(network.build()).build();
    // exact (EIP-3009 and Permit2) and upto (Permit2) share signers, nonce lanes and chains.
    this.facilitator =
        FacilitatorService.builder().scheme(exact).scheme(exact.upto()).networks(networks).build();
  }

  /**
   * Starts a devnet with the accounts {@code facilitator} (gas only), {@code other-facilitator}
   * (gas only, for a second facilitator), {@code buyer} (gas and 1,000 test dollars) and {@code
   * seller} (empty).
   */
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

  /** The devnet, for what the market does not wrap (minting, blocks, raw RPC). */
  public Devnet devnet() {
    return devnet;
  }

  /** What was deployed and funded: chain, token, RPC URL, accounts. */
  public DevnetInfo info() {
    return info;
  }

  /** The public networks plus the devnet (v1 name {@code x402j-devnet}, token Test Dollar). */
  public NetworkRegistry networks() {
    return networks;
  }

  /** The devnet's network ({@code eip155:31337}, or 84532 when mirroring Base Sepolia). */
  public Network network() {
    return info.network();
  }

  /** The funded buyer's key. */
  public PrivateKeySigner buyer() {
    return info.requireAccount("buyer").signer();
  }

  /** The seller's address, which starts with no tokens. */
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

  /**
   * The seller's address as a route's {@code payTo} (checksummed), for {@code PaidRoute.of(price,
   * market.network(), market.payTo())}.
   */
  public String payTo() {
    return seller().toString();
  }

  /** The seller's token balance, in atomic units (6 decimals). */
  public BigInteger sellerBalance() {
    return devnet.tokenBalance(seller());
  }

  /** The token balance of {@code owner}, in atomic units. */
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
    return TestPayments.v2(paymentRequiredHeader, payer, signFor);
  }

  /** The {@code X-PAYMENT} a v1 client sends for the first option of a v1 402 body. */
  public String payV1(String body) {
    return TestPayments.v1(body, buyer(), networks);
  }

  /** Stops the HTTP facilitator (if started), the facilitator engine and the devnet. */
  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    exact.close();
    devnet.close();
  }
}
