package io.x402j.evm.facilitator;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.Erc20ApprovalGasSponsoring;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.ExactEvmServer;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.internal.CalldataAttribution;
import io.x402j.evm.facilitator.internal.Delays;
import io.x402j.evm.facilitator.internal.EvmChain;
import io.x402j.evm.facilitator.internal.NonceLane;
import io.x402j.evm.facilitator.internal.Permit2Check;
import io.x402j.evm.facilitator.internal.Permit2Engine;
import io.x402j.evm.facilitator.internal.Reconciler;
import io.x402j.evm.facilitator.internal.Reservations;
import io.x402j.evm.facilitator.internal.Settlement;
import io.x402j.evm.facilitator.internal.SettlementContext;
import io.x402j.evm.facilitator.internal.Verifier;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Verifies and settles exact-scheme payments (EIP-3009 {@code transferWithAuthorization}, and
 * Permit2 through the x402 exact Permit2 proxy) on EVM networks. Thread-safe; share one instance
 * and {@link #close()} it when done.
 *
 * <p><b>Permit2.</b> A payload with {@code permit2Authorization} is a Permit2 payment: verified in
 * the order of @x402/evm ({@code invalid_permit2_spender}, {@code
 * invalid_permit2_recipient_mismatch}, {@code permit2_deadline_expired}, {@code
 * permit2_not_yet_valid}, {@code permit2_amount_mismatch}, {@code permit2_token_mismatch}, {@code
 * invalid_permit2_signature}), then the proxy's {@code settle} is simulated and a failure explained
 * ({@code permit2_proxy_not_deployed}, {@code permit2_insufficient_balance}, {@code
 * permit2_allowance_required}, else {@code permit2_simulation_failed}). It settles through the same
 * ledger, lanes and receipt tracking as EIP-3009, keyed by owner and Permit2 nonce; a used nonce is
 * refused ({@code permit2_invalid_nonce}) before anything is signed, and the proxy's custom errors
 * map to the official reasons. Permit2 is served only where Permit2 and the proxy have code (read
 * at first use, remembered once seen). The {@link #upto()} facilitator shares all of this.
 *
 * <p><b>Verify</b> runs every check that needs no chain access first, in the official order, and
 * refuses high-{@code s} signatures before any RPC. A payment that passes costs one JSON-RPC batch:
 * the token's code (once per token), the payer's balance, the authorization's state and a
 * simulation of the transfer. A failed simulation is diagnosed into the official reasons (nonce
 * used, token name or version mismatch, insufficient balance, …).
 *
 * <p><b>Settle</b> claims the authorization in the {@link SettlementLedger} before anything is
 * signed, so concurrent or repeated settlements of one payment produce one transaction and the same
 * answer. Gas is estimated before a nonce is taken; nonces come from a local lane per signer; the
 * signed transaction is recorded before it is broadcast; receipts are polled in batches at a
 * fraction of the block time. Success requires receipt status 1 and the matching {@code Transfer}
 * event. When no receipt arrives within the network's receipt timeout the answer is {@code
 * settlement_pending} with the transaction hash, and settling the same payment again follows that
 * transaction instead of sending another.
 *
 * <p><b>Gas</b> is only spent on a transfer the facilitator cannot know will revert. Before
 * signing, the payer's token balance less what is already committed to settlements in flight from
 * the same payer and token must cover the payment: in this process a reservation decided under one
 * lock, and for facilitators sharing the ledger its unfinished records ({@link
 * SettlementLedger#inFlight}). A payment that does not fit is refused with {@code
 * invalid_exact_evm_insufficient_balance} before anything is signed. The transaction is then
 * simulated ({@code eth_estimateGas}) against the {@code pending} block with the fee fields it will
 * carry, so transactions waiting in the node's pool count too. A settlement that reverts anyway
 * (the payer moved the money first, or a smart wallet that answers differently on chain) is
 * reported to the {@link Builder#onRevert} listener.
 *
 * <p><b>Counterfactual wallets (ERC-6492)</b>, on the EIP-3009 path: a payer with no code whose
 * signature carries an ERC-6492 wrapper is served only through a factory on the network's {@link
 * EvmNetworkConfig#eip6492AllowedFactories() allow-list} (else {@code
 * eip6492_factory_not_allowed}); verification simulates deployment, ERC-1271 answer and transfer in
 * one Multicall3 {@code eth_call}; settlement deploys and transfers in one Multicall3 transaction,
 * recorded before broadcast like any other ({@code smart_wallet_deployment_failed} when the factory
 * reverts). A wallet deployed meanwhile is paid from directly. Permit2 payments with a wrapped
 * signature are still refused.
 *
 * <p>Chain outages are answers, not exceptions: {@code unexpected_verify_error} before any
 * broadcast, {@code settlement_pending} after one.
 *
 * <p>This class is the facade: the work is done by {@link Verifier}, {@link Settlement} (with its
 * submitter, receipt judge and outcome recorder) and {@link Reconciler} in the internal package,
 * which share one {@link SettlementContext}.
 */
public final class ExactEvmFacilitator implements SchemeFacilitator, AutoCloseable {
  // Derives payment identities only; identify uses no network data.
  private static final ExactEvmServer IDENTITIES = new ExactEvmServer(NetworkRegistry.defaults());

  private final Map<Network, EvmChain> chains;
  private final ExecutorService blocking;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsExecutors;
  private final Delays delays;
  private final Verifier verifier;
  private final Settlement settlement;
  private final Reconciler reconciler;
  private final Permit2Engine permit2;
  private final UptoEvmFacilitator upto;

  private ExactEvmFacilitator(Builder b) {
    if (b.networks.isEmpty()) {
      throw new IllegalArgumentException("configure at least one network");
    }
    this.ownsExecutors = b.blocking == null;
    this.blocking =
        b.blocking != null ? b.blocking : Executors.newCachedThreadPool(daemon("x402j-evm-io"));
    this.scheduler =
        b.scheduler != null
            ? b.scheduler
            : Executors.newSingleThreadScheduledExecutor(daemon("x402j-evm-receipts"));
    Map<Network, EvmChain> map = new LinkedHashMap<>();
    for (EvmNetworkConfig config : b.networks) {
      if (map.put(config.network(), new EvmChain(config, scheduler)) != null) {
        throw new IllegalArgumentException("network " + config.network() + " is configured twice");
      }
    }
    this.chains = Map.copyOf(map);
    this.delays = new Delays(scheduler);
    SettlementContext context =
        new SettlementContext(
            chains,
            b.ledger,
            b.clock,
            blocking,
            delays,
            b.claimLease,
            new Reservations(),
            b.onRevert,
            b.attribution);
    this.settlement = new Settlement(context);
    this.permit2 = new Permit2Engine(context);
    this.reconciler = new Reconciler(context, permit2);
    this.verifier = new Verifier(chains::get, b.clock, settlement.commitments());
    this.upto = new UptoEvmFacilitator(this);
  }

  /**
   * The {@code upto}-scheme facilitator sharing this one's signers, nonce lanes, ledger and chains.
   */
  public UptoEvmFacilitator upto() {
    return upto;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Starts a facilitator configuration. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String scheme() {
    return "exact";
  }

  @Override
  public NetworkPattern family() {
    return NetworkPattern.namespace(Network.EIP155);
  }

  @Override
  public List<Network> networks() {
    return List.copyOf(chains.keySet());
  }

  /**
   * {@code eip2612GasSponsoring}: a Permit2 payment may carry the payer's EIP-2612 permit for
   * Permit2, which is submitted through the proxy's {@code settleWithPermit} (the payer needs no
   * approval transaction). {@code erc20ApprovalGasSponsoring}: a Permit2 payment may carry the
   * payer's signed {@code approve(Permit2)} transaction, which the facilitator broadcasts (funding
   * the payer's gas shortfall once per payer and token, up to {@link
   * EvmNetworkConfig.Builder#approvalFundingCap}) before settling. Both work on every network that
   * serves Permit2. Extensions on EIP-3009 payments are ignored, as the official facilitator does,
   * except {@code builder-code}: every settlement (EIP-3009, Permit2, upto) ends its calldata with
   * the ERC-8021 attribution of the payment's echoed codes and this facilitator's ({@link
   * Builder#builderCode}).
   */
  @Override
  public List<String> extensions() {
    return List.of(Eip2612GasSponsoring.KEY, Erc20ApprovalGasSponsoring.KEY, BuilderCode.KEY);
  }

  /**
   * The payment's identity as {@link ExactEvmServer#identify} derives it: (network, token, payer,
   * authorization nonce) for EIP-3009, (network, owner, Permit2 nonce) for Permit2, from parsed
   * values, so a respelled payment (upper-case hex, another key order) is the same payment.
   */
  @Override
  public PaymentIdentity identify(SchemeRequest request) {
    return IDENTITIES.identify(
        request.x402Version(), request.requirements(), request.payload().payload());
  }

  @Override
  public List<String> signers(Network network) {
    EvmChain chain = chains.get(network);
    if (chain == null) {
      return List.of();
    }
    List<String> addresses = new ArrayList<>();
    for (Signer signer : chain.config().signers()) {
      addresses.add(signer.address().toString());
    }
    return addresses;
  }

  /** The nonce lane statistics of a network's signers, for metrics. */
  public List<LaneStats> laneStats(Network network) {
    EvmChain chain = chains.get(network);
    if (chain == null) {
      return List.of();
    }
    List<LaneStats> stats = new ArrayList<>();
    for (NonceLane lane : chain.lanes()) {
      stats.add(
          new LaneStats(
              lane.signer().address(),
              lane.peekNext(),
              lane.inFlightCount(),
              lane.heldCount(),
              lane.resyncCount()));
    }
    return stats;
  }

  /**
   * The state of one signer's nonce lane.
   *
   * @param signer the signer
   * @param nextNonce the next fresh nonce, -1 before the first settlement
   * @param inFlight transactions sent and not yet seen mined
   * @param held nonces set aside for transactions recorded before a restart (see {@code hold})
   * @param resyncs how often the node's count corrected the lane
   */
  public record LaneStats(
      EvmAddress signer, long nextNonce, int inFlight, int held, long resyncs) {}

  /**
   * A settlement transaction that was mined but moved no money (it reverted, or emitted no matching
   * {@code Transfer}): the facilitator paid its gas for nothing.
   *
   * @param network the chain
   * @param asset the token
   * @param payer the payer whose authorization it carried
   * @param transaction the transaction hash
   */
  public record Revert(Network network, EvmAddress asset, EvmAddress payer, String transaction) {}

  // ----------------------------------------------------------------------------------- verify

  @Override
  public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
    if (isPermit2(request)) {
      return permit2.verify(request, Permit2Check.Mode.EXACT);
    }
    return verifier.verify(request);
  }

  @Override
  public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
    if (isPermit2(request)) {
      return permit2.settle(request, Permit2Check.Mode.EXACT);
    }
    return settlement.settle(request);
  }

  /**
   * Whether the payload is a Permit2 one (it has {@code permit2Authorization}) rather than EIP-3009
   * (the dispatch of @x402/evm).
   */
  private static boolean isPermit2(SchemeRequest request) {
    return Permit2Payload.isPermit2(request.payload().payload());
  }

  CompletableFuture<VerifyResponse> verifyUpto(SchemeRequest request) {
    return permit2.verify(request, Permit2Check.Mode.UPTO);
  }

  CompletableFuture<SettleResponse> settleUpto(SchemeRequest request) {
    return permit2.settle(request, Permit2Check.Mode.UPTO);
  }

  // ------------------------------------------------------------------------------- reconcile

  /**
   * What one {@link #reconcile()} pass did.
   *
   * @param confirmed settlements whose receipt showed the transfer
   * @param failed settlements now known to have moved no money (reverted, replaced, or the
   *     authorization used elsewhere); they may be settled again
   * @param rebroadcast transactions the node did not know, sent again from the ledger
   * @param stillPending transactions still waiting in the node's pool, or unreachable nodes
   */
  public record ReconcileReport(int confirmed, int failed, int rebroadcast, int stillPending) {}

  /**
   * Resolves every settlement the ledger holds as submitted or pending against the chain: a receipt
   * confirms or fails it; a transaction the node never received is broadcast again from the signed
   * bytes in the ledger (the same transaction, so never a second transfer); a nonce that another
   * transaction took, or an authorization used elsewhere, fails it. Run it at start, before taking
   * new settlements, and periodically.
   */
  public CompletableFuture<ReconcileReport> reconcile() {
    return reconciler.reconcile();
  }

  // ----------------------------------------------------------------------------------- helpers

  /**
   * A digest of the whole signed authorization, from parsed values only: every spelling of one
   * payment (hex case, {@code v} as 0/1 or 27/28) is one payment to the ledger, so a respelled copy
   * settled first cannot fail the seller's own settle while the money moves (package-private for
   * tests).
   */
  static String fingerprint(ExactEvmPayload payload) {
    return Settlement.fingerprint(payload);
  }

  /**
   * Stops the facilitator. Settlements waiting to look again (at another attempt's claim of their
   * payment, or at a balance committed to settlements in flight) stop waiting and answer {@code
   * unexpected_settle_error}; the threads the facilitator made for itself are stopped, and with
   * them its receipt polling. Executors given to {@link Builder#executors} and the ledger belong to
   * the caller: they are left running and open (receipt polling on such a scheduler stops by itself
   * once no transaction is watched). Settle nothing after closing.
   */
  @Override
  public void close() {
    delays.close();
    if (ownsExecutors) {
      scheduler.shutdownNow();
      blocking.shutdownNow();
    }
  }

  /** Builds an {@link ExactEvmFacilitator}. */
  public static final class Builder {
    private final List<EvmNetworkConfig> networks = new ArrayList<>();
    private SettlementLedger ledger = new InMemorySettlementLedger();
    private Clock clock = Clock.systemUTC();
    private ExecutorService blocking;
    private ScheduledExecutorService scheduler;
    private Duration claimLease = Duration.ofSeconds(30);
    private Consumer<Revert> onRevert = revert -> {};
    private CalldataAttribution attribution = CalldataAttribution.NONE;

    private Builder() {}

    /** Serves a network. */
    public Builder network(EvmNetworkConfig config) {
      networks.add(Objects.requireNonNull(config, "config"));
      return this;
    }

    /** The settlement ledger (default: in memory). */
    public Builder ledger(SettlementLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /** The clock for validity windows and ledger times. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The executor for ledger writes and signing, which may block, and the scheduler for receipt
     * polling. By default the facilitator makes its own and stops them on {@link #close()}.
     */
    public Builder executors(ExecutorService blocking, ScheduledExecutorService scheduler) {
      this.blocking = Objects.requireNonNull(blocking, "blocking");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * How long a claim without a broadcast protects a payment from being taken over (default 30 s):
     * after that its owner is presumed dead, for example crashed, and a retry may settle the
     * payment. A slow owner that wakes up later is fenced off by the ledger and never broadcasts.
     */
    public Builder claimLease(Duration claimLease) {
      this.claimLease = Objects.requireNonNull(claimLease, "claimLease");
      return this;
    }

    /**
     * Called for every settlement transaction seen mined without moving money (reverted, or without
     * the expected {@code Transfer}), once per observation: the facilitator paid gas for nothing.
     * Use it to count such payers and refuse them; it runs on a facilitator thread and must be
     * quick.
     */
    public Builder onRevert(Consumer<Revert> listener) {
      this.onRevert = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * {@code builder-code} (ERC-8021 Schema 2): this facilitator's wallet code {@code w} and,
     * optionally, its own service code added to {@code s}, written with the payment's echoed app
     * code {@code a} and service codes at the end of every settlement's calldata (EIP-3009, Permit2
     * and upto alike; contracts ignore trailing calldata). Payments that echo codes get the suffix
     * even without these. Codes match {@code ^[a-z0-9_]{1,32}$}.
     *
     * @param walletCode the {@code w} code, or {@code null} for none
     * @param serviceCode the facilitator's {@code s} entry, or {@code null} for none
     * @throws IllegalArgumentException naming an invalid code
     */
    public Builder builderCode(String walletCode, String serviceCode) {
      this.attribution = new CalldataAttribution(walletCode, serviceCode);
      return this;
    }

    /** Builds the facilitator. */
    public ExactEvmFacilitator build() {
      return new ExactEvmFacilitator(this);
    }
  }
}
