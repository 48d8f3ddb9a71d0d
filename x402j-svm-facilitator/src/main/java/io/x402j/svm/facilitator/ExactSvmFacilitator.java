package io.x402j.svm.facilitator;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementLedger;
import io.x402j.svm.ExactSvmServer;
import io.x402j.svm.SvmSigner;
import io.x402j.svm.facilitator.internal.SvmDelays;
import io.x402j.svm.facilitator.internal.SvmSettlement;
import io.x402j.svm.facilitator.internal.SvmVerifier;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Verifies and settles exact-scheme payments on Solana ({@code solana:*}): a partially signed
 * transaction whose fee payer is one of this facilitator's keys. Thread-safe; share one instance
 * and {@link #close()} it when done.
 *
 * <p><b>Verify</b> runs every check of the official facilitator ({@code @x402/svm} 2.27.0) in its
 * order with its reasons (protocol v1 requests get the v1 facilitator's strings where they differ),
 * plus fail-closed fee-payer isolation: address-lookup tables are resolved first (a table that
 * cannot be read refuses the payment), and no fee payer may appear in any instruction's accounts or
 * as a program. Every signature but the fee payer's is verified locally; the transaction is then
 * simulated without signature verification.
 *
 * <p><b>Settle</b> claims the payment in the {@link SettlementLedger} under (network, {@code
 * exact}, lower-hex SHA-256 of the message bytes) before anything is signed, verifies again, signs
 * the message as the fee payer the transaction names, records the signed transaction, sends it
 * without preflight and polls its status (250 ms for 2 s, then every second, up to the network's
 * timeout): confirmed is success, an on-chain error is {@code
 * invalid_exact_svm_transaction_failed}, no confirmation in time is {@code settlement_pending} with
 * the signature. A settled transaction is never sent twice; the same settlement attempt asking
 * again gets the recorded answer, any other request for the same transaction {@code
 * duplicate_settlement}. {@link #reconcile()} resolves what a crash left between send and
 * confirmation.
 */
public final class ExactSvmFacilitator implements SchemeFacilitator, AutoCloseable {
  private final Map<Network, SvmNetworkConfig> chains;
  private final ExecutorService blocking;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsExecutors;
  private final SvmDelays delays;
  private final SvmVerifier verifier;
  private final SvmSettlement settlement;
  private final ExactSvmServer identities; // derives payment identities only

  private ExactSvmFacilitator(Builder b) {
    if (b.networks.isEmpty()) {
      throw new IllegalArgumentException("configure at least one network");
    }
    Map<Network, SvmNetworkConfig> map = new LinkedHashMap<>();
    for (SvmNetworkConfig config : b.networks) {
      if (map.put(config.network(), config) != null) {
        throw new IllegalArgumentException("network " + config.network() + " is configured twice");
      }
    }
    this.chains = java.util.Collections.unmodifiableMap(map);
    this.ownsExecutors = b.blocking == null;
    this.blocking =
        b.blocking != null ? b.blocking : Executors.newCachedThreadPool(daemon("x402j-svm-io"));
    this.scheduler =
        b.scheduler != null
            ? b.scheduler
            : Executors.newSingleThreadScheduledExecutor(daemon("x402j-svm-confirm"));
    this.delays = new SvmDelays(scheduler);
    this.verifier = new SvmVerifier(chains::get);
    this.identities = new ExactSvmServer(NetworkRegistry.defaults(), b.clock);
    this.settlement =
        new SvmSettlement(
            chains::get,
            verifier,
            b.ledger,
            b.clock,
            blocking,
            delays,
            b.claimLease,
            ExactSvmFacilitator.class);
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

  /**
   * The payment's identity as {@link ExactSvmServer#identify} derives it: the network and the
   * digest of the transaction's message (signatures left out), decoded strictly.
   */
  @Override
  public PaymentIdentity identify(SchemeRequest request) {
    return identities.identify(
        request.x402Version(), request.requirements(), request.payload().payload());
  }

  @Override
  public String scheme() {
    return "exact";
  }

  @Override
  public NetworkPattern family() {
    return NetworkPattern.namespace(Network.SOLANA);
  }

  @Override
  public List<Network> networks() {
    return List.copyOf(chains.keySet());
  }

  /** The configuration of {@code network}, or {@code null} when it is not served. */
  public SvmNetworkConfig config(Network network) {
    return chains.get(network);
  }

  /** Every fee payer of {@code network}. */
  @Override
  public List<String> signers(Network network) {
    SvmNetworkConfig config = chains.get(network);
    if (config == null) {
      return List.of();
    }
    List<String> addresses = new ArrayList<>();
    for (SvmSigner signer : config.feePayers()) {
      addresses.add(signer.address().toString());
    }
    return addresses;
  }

  /** {@code {feePayer}}: one of the network's fee payers, chosen at random to spread the load. */
  @Override
  public Map<String, Object> supportedExtra(Network network) {
    List<String> signers = signers(network);
    if (signers.isEmpty()) {
      return null;
    }
    return Map.of("feePayer", signers.get(ThreadLocalRandom.current().nextInt(signers.size())));
  }

  @Override
  public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
    return verifier
        .verify(request)
        .thenApply(
            verdict ->
                verdict.valid()
                    ? VerifyResponse.valid(verdict.payer())
                    : new VerifyResponse(
                        false,
                        verdict.reason().wire(request.x402Version()),
                        verdict.message(),
                        verdict.payer(),
                        null,
                        Map.of()))
        .exceptionally(
            e ->
                new VerifyResponse(
                    false,
                    "unexpected_verify_error",
                    "verification failed: " + e.getMessage(),
                    null,
                    null,
                    Map.of()));
  }

  @Override
  public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
    return settlement.settle(request);
  }

  /**
   * Resolves every Solana settlement the ledger holds as submitted or pending (see the class
   * comment). Run it at start, before taking new settlements, and periodically.
   */
  public CompletableFuture<ReconcileReport> reconcile() {
    return settlement.reconcile();
  }

  /**
   * Stops the facilitator: waiting confirmations end (their settlements answer {@code
   * settlement_pending}); threads it made are stopped. Executors given to {@link Builder#executors}
   * and the ledger are left running and open.
   */
  @Override
  public void close() {
    delays.close();
    if (ownsExecutors) {
      scheduler.shutdownNow();
      blocking.shutdownNow();
    }
  }

  /** Builds an {@link ExactSvmFacilitator}. */
  public static final class Builder {
    private final List<SvmNetworkConfig> networks = new ArrayList<>();
    private SettlementLedger ledger = new InMemorySettlementLedger();
    private Clock clock = Clock.systemUTC();
    private ExecutorService blocking;
    private ScheduledExecutorService scheduler;
    private Duration claimLease = Duration.ofSeconds(30);

    private Builder() {}

    /** Serves a network. */
    public Builder network(SvmNetworkConfig config) {
      networks.add(Objects.requireNonNull(config, "config"));
      return this;
    }

    /** The settlement ledger (default: in memory). */
    public Builder ledger(SettlementLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /** The clock for ledger times. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The executor for ledger calls and signing, which may block, and the scheduler for
     * confirmation polls. By default the facilitator makes its own and stops them on {@link
     * #close()}.
     */
    public Builder executors(ExecutorService blocking, ScheduledExecutorService scheduler) {
      this.blocking = Objects.requireNonNull(blocking, "blocking");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** How long a claim without a send protects a payment from a take-over (default 30 s). */
    public Builder claimLease(Duration claimLease) {
      this.claimLease = Objects.requireNonNull(claimLease, "claimLease");
      return this;
    }

    /** Builds the facilitator. */
    public ExactSvmFacilitator build() {
      return new ExactSvmFacilitator(this);
    }
  }
}
