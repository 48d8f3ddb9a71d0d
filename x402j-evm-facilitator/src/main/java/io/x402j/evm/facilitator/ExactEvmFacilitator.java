package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.internal.ChainReads.decodeBool;
import static io.x402j.evm.facilitator.internal.ChainReads.decodeQuantity;
import static io.x402j.evm.facilitator.internal.ChainReads.decodeUint;
import static io.x402j.evm.facilitator.internal.ChainReads.describe;
import static io.x402j.evm.facilitator.internal.ChainReads.ethCall;
import static io.x402j.evm.facilitator.internal.ChainReads.hasCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.support.Futures;
import io.x402j.core.support.Text;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Hex;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.internal.ContractSignature;
import io.x402j.evm.facilitator.internal.EvmChain;
import io.x402j.evm.facilitator.internal.EvmLedgerKey;
import io.x402j.evm.facilitator.internal.FeeQuote;
import io.x402j.evm.facilitator.internal.FeeQuote.Fees;
import io.x402j.evm.facilitator.internal.FeeQuote.Quote;
import io.x402j.evm.facilitator.internal.NodeRefusal;
import io.x402j.evm.facilitator.internal.NonceLane;
import io.x402j.evm.facilitator.internal.PaymentCheck;
import io.x402j.evm.facilitator.internal.Reservations;
import io.x402j.evm.facilitator.internal.SettleReply;
import io.x402j.evm.facilitator.internal.SimulationDiagnosis;
import io.x402j.evm.facilitator.internal.Verifier;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcException;
import io.x402j.evm.rpc.RpcResult;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies and settles exact-scheme payments (EIP-3009 {@code transferWithAuthorization}) on EVM
 * networks. Thread-safe; share one instance and {@link #close()} it when done.
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
 * <p>Chain outages are answers, not exceptions: {@code unexpected_verify_error} before any
 * broadcast, {@code settlement_pending} after one.
 */
public final class ExactEvmFacilitator implements SchemeFacilitator, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);
  private static final int MAX_SEND_ATTEMPTS = 3;

  /**
   * The most unfinished settlements of one payer's token that a settlement looks at; a payer with
   * this many in flight is refused until some finish.
   */
  static final int IN_FLIGHT_LIMIT = 100;

  private final Map<Network, EvmChain> chains;
  private final SettlementLedger ledger;
  private final Clock clock;
  private final ExecutorService blocking;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsExecutors;
  private final Duration claimLease;
  private final ConcurrentHashMap<EvmLedgerKey, InFlight> inFlight = new ConcurrentHashMap<>();
  private final Reservations reservations = new Reservations();
  private final Consumer<Revert> onRevert;
  private final Verifier verifier;
  private final Set<CompletableFuture<Void>> delays = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private record InFlight(
      String fingerprint, String settlementId, CompletableFuture<SettleResponse> future) {}

  private ExactEvmFacilitator(Builder b) {
    if (b.networks.isEmpty()) {
      throw new IllegalArgumentException("configure at least one network");
    }
    this.ledger = b.ledger;
    this.clock = b.clock;
    this.claimLease = b.claimLease;
    this.onRevert = b.onRevert;
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
    this.verifier = new Verifier(chains::get, clock, this::committedBesides);
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
              lane.signer().address(), lane.peekNext(), lane.inFlightCount(), lane.resyncCount()));
    }
    return stats;
  }

  /**
   * The state of one signer's nonce lane.
   *
   * @param signer the signer
   * @param nextNonce the next fresh nonce, -1 before the first settlement
   * @param inFlight transactions sent and not yet seen mined
   * @param resyncs how often the node's count corrected the lane
   */
  public record LaneStats(EvmAddress signer, long nextNonce, int inFlight, long resyncs) {}

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
    return verifier.verify(request);
  }

  /**
   * Adds receipt lookups for this process's other settlements of the payer to a verification's
   * batch, and reads from its results what they commit besides this payment: those already mined
   * show in the balance.
   */
  private Function<List<RpcResult>, BigInteger> committedBesides(
      PaymentCheck.Result check, List<RpcCall> calls) {
    EvmLedgerKey key = keyOf(check);
    int receiptsAt = calls.size();
    List<SettlementKey> receiptKeys = receiptCalls(calls, List.of(), reservations.others(key));
    return results -> reservations.reservedBesides(key, mined(results, receiptsAt, receiptKeys));
  }

  private static EvmLedgerKey keyOf(PaymentCheck.Result check) {
    Eip3009Authorization a = check.payload().authorization();
    return new EvmLedgerKey(check.chain().config().network(), check.asset(), a.from(), a.nonce());
  }

  // ----------------------------------------------------------------------------------- settle

  @Override
  public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
    String network = request.requirements().network().toString();
    PaymentCheck.Result check = PaymentCheck.run(request, chains::get, clock.instant());
    if (check.failed()) {
      return done(new SettleReply(network, check.payer()).refused(check.reason(), check.message()));
    }
    Eip3009Authorization a = check.payload().authorization();
    EvmLedgerKey key =
        new EvmLedgerKey(request.requirements().network(), check.asset(), a.from(), a.nonce());
    String fingerprint = fingerprint(check);
    String attempt = request.settlementId();
    InFlight mine = new InFlight(fingerprint, attempt, new CompletableFuture<>());
    InFlight running = inFlight.putIfAbsent(key, mine);
    if (running != null
        && running.fingerprint().equals(fingerprint)
        && sameAttempt(attempt, running.settlementId())) {
      // The same attempt at this payment is being settled right now: share its answer.
      return running.future().thenApply(response -> response);
    }
    if (running != null) {
      return settleThroughLedger(check, key, fingerprint, attempt, clock.instant());
    }
    settleThroughLedger(check, key, fingerprint, attempt, clock.instant())
        .whenComplete(
            (response, error) -> {
              inFlight.remove(key, mine);
              if (error != null) {
                mine.future().completeExceptionally(error);
              } else {
                mine.future().complete(response);
              }
            });
    return mine.future();
  }

  /**
   * Whether a request naming {@code attempt} continues {@code recorded}: a request naming none
   * never does.
   */
  private static boolean sameAttempt(String attempt, String recorded) {
    return attempt != null && attempt.equals(recorded);
  }

  private CompletableFuture<SettleResponse> settleThroughLedger(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String fingerprint,
      String attempt,
      Instant started) {
    String network = key.network().toString();
    return CompletableFuture.supplyAsync(
            () ->
                ledger.claim(
                    key.request(
                        fingerprint,
                        check.payload().authorization().to(),
                        check.payload().authorization().value(),
                        attempt),
                    now(),
                    claimLease),
            blocking)
        .thenCompose(
            claim -> {
              if (claim.owned()) {
                // Held from before the payer's in-flight settlements are counted until the
                // outcome is in the ledger, where other settlements then see it.
                reservations.enter(key);
                return execute(check, key, attempt, claim.record().updatedAt(), 1)
                    .whenComplete((response, error) -> reservations.leave(key));
              }
              return follow(check, key, fingerprint, attempt, claim.record(), started);
            })
        .exceptionally(
            e ->
                new SettleReply(network, check.payer())
                    .refused(
                        ErrorReason.UNEXPECTED_SETTLE_ERROR,
                        "settlement failed before broadcast: " + describe(e)));
  }

  /**
   * Answers a settlement that another attempt holds. The same attempt (the resource server named
   * the same settlement id) follows it to its outcome, so a server whose answer was lost learns it;
   * any other request for the same authorization is a duplicate and is refused, so one
   * authorization releases at most one response across every server that settles through here.
   */
  private CompletableFuture<SettleResponse> follow(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String fingerprint,
      String attempt,
      SettlementRecord record,
      Instant started) {
    SettleReply reply = new SettleReply(key.network().toString(), check.payer());
    if (!record.fingerprint().equals(fingerprint)) {
      return done(
          reply.refused(
              ErrorReason.EXACT_EVM_NONCE_ALREADY_USED,
              "a different payment with this authorization nonce was already settled"));
    }
    if (!sameAttempt(attempt, record.settlementId())) {
      return done(
          reply.refused(
              ErrorReason.DUPLICATE_SETTLEMENT,
              "this payment was already settled, or is being settled, for another request"));
    }
    switch (record.state()) {
      case CONFIRMED:
      case FAILED:
        return done(record.outcome());
      case SUBMITTED:
      case PENDING:
        return track(check, key, record.submission(), null);
      case CLAIMED:
      default:
        // Another settlement of this payment is between claim and broadcast; look again soon.
        Duration waited = Duration.between(started, clock.instant());
        if (waited.compareTo(claimLease.plus(check.chain().config().receiptTimeout())) > 0) {
          return done(
              reply.refused(
                  ErrorReason.SETTLEMENT_STALLED,
                  "another settlement of this payment has not progressed"));
        }
        return delay(check.chain().config().pollInterval())
            .thenCompose(ignored -> settleThroughLedger(check, key, fingerprint, attempt, started));
    }
  }

  /**
   * What facilitators sharing the ledger have committed from one payer's balance, besides the
   * settlements of this process (which {@link #reservations} counts).
   *
   * @param unsigned the sum of the amounts of live claims not signed yet
   * @param signed the settlements signed, whose transactions may be mined by now
   * @param tooMany whether the payer has so many in flight that not all were read
   */
  private record Committed(BigInteger unsigned, List<SettlementRecord> signed, boolean tooMany) {}

  private Committed committedElsewhere(EvmLedgerKey key) {
    List<SettlementRecord> records =
        ledger.inFlight(
            key.network(), key.asset().toLowerHex(), key.payer().toLowerHex(), IN_FLIGHT_LIMIT);
    Instant now = now();
    BigInteger unsigned = BigInteger.ZERO;
    List<SettlementRecord> signed = new ArrayList<>();
    for (SettlementRecord record : records) {
      if (record.key().equals(key.ledgerKey()) || reservations.isHeld(record.key())) {
        continue; // this process's own: counted by the reservations
      }
      if (record.submission() != null) {
        signed.add(record);
      } else if (record.updatedAt().plus(claimLease).isAfter(now)) {
        unsigned = unsigned.add(record.amount().value());
      }
      // A claim older than its lease: the owner is presumed dead, and a take-over is fenced.
    }
    return new Committed(unsigned, signed, records.size() >= IN_FLIGHT_LIMIT);
  }

  /**
   * Adds a receipt lookup for each signed settlement (from the ledger, and this process's) to
   * {@code calls}; returns their keys in order.
   */
  private static List<SettlementKey> receiptCalls(
      List<RpcCall> calls, List<SettlementRecord> records, List<Reservations.Entry> mine) {
    List<SettlementKey> keys = new ArrayList<>();
    for (SettlementRecord record : records) {
      calls.add(RpcCall.of("eth_getTransactionReceipt", record.submission().transaction()));
      keys.add(record.key());
    }
    for (Reservations.Entry entry : mine) {
      if (entry.transaction() != null) {
        calls.add(RpcCall.of("eth_getTransactionReceipt", entry.transaction()));
        keys.add(entry.key().ledgerKey());
      }
    }
    return keys;
  }

  /** The settlements whose receipt the node returned: mined, so already in the balance. */
  private static Set<SettlementKey> mined(
      List<RpcResult> results, int first, List<SettlementKey> keys) {
    Set<SettlementKey> mined = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      RpcResult receipt = results.get(first + i);
      if (receipt.ok() && receipt.result() != null && !receipt.result().isNull()) {
        mined.add(keys.get(i));
      }
    }
    return mined;
  }

  private CompletableFuture<SettleResponse> execute(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String settlementId,
      Instant fence,
      int attempt) {
    return CompletableFuture.supplyAsync(() -> committedElsewhere(key), blocking)
        .thenCompose(committed -> prepare(check, key, settlementId, fence, attempt, committed))
        .exceptionallyCompose(
            e ->
                // Failures that reach here happened before anything was broadcast.
                fail(
                    key,
                    fence,
                    ErrorReason.UNEXPECTED_SETTLE_ERROR,
                    "settlement failed before broadcast: " + describe(e),
                    check));
  }

  /**
   * Reads what the settlement needs in one batch, refuses what cannot succeed, reserves the amount,
   * then simulates the transaction as it will be sent.
   */
  private CompletableFuture<SettleResponse> prepare(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String settlementId,
      Instant fence,
      int attempt,
      Committed committed) {
    EvmChain chain = check.chain();
    EvmNetworkConfig config = chain.config();
    NonceLane lane = chain.nextLane();
    EvmAddress sender = lane.signer().address();
    Eip3009Authorization a = check.payload().authorization();
    List<RpcCall> calls = new ArrayList<>();
    calls.add(RpcCall.of("eth_getBlockByNumber", "latest", false));
    boolean askTip = config.maxPriorityFeePerGas() == null;
    int tipAt = calls.size();
    if (askTip) {
      calls.add(RpcCall.of("eth_maxPriorityFeePerGas"));
    }
    int countAt = calls.size();
    boolean sync = lane.needsSync();
    if (sync) {
      calls.add(RpcCall.of("eth_getTransactionCount", sender.toLowerHex(), "pending"));
    }
    int codeAt = calls.size();
    boolean askCode = !chain.isKnownContract(check.asset());
    if (askCode) {
      calls.add(RpcCall.of("eth_getCode", check.asset().toLowerHex(), "latest"));
    }
    int signatureAt = calls.size();
    if (check.needsContractSignatureCheck()) {
      calls.addAll(ContractSignature.calls(check));
    }
    int gasBalanceAt = calls.size();
    calls.add(RpcCall.of("eth_getBalance", sender.toLowerHex(), "latest"));
    int stateAt = calls.size();
    calls.add(ethCall(null, check.asset(), Eip3009Calls.authorizationState(a.from(), a.nonce())));
    // Whether the payer's other signed settlements are mined: a mined one shows in the balance.
    int receiptsAt = calls.size();
    List<SettlementKey> receiptKeys =
        receiptCalls(calls, committed.signed(), reservations.others(key));
    // Last: a node that answers a batch in order then reads a balance at least as new as the rest.
    int balanceAt = calls.size();
    calls.add(ethCall(null, check.asset(), Eip3009Calls.balanceOf(a.from())));
    return chain
        .rpc()
        .batch(calls)
        .thenCompose(
            results -> {
              if (check.needsContractSignatureCheck()
                  && ContractSignature.refused(
                      results.get(signatureAt), results.get(signatureAt + 1))) {
                return fail(
                    key, fence, ErrorReason.EXACT_EVM_SIGNATURE, ContractSignature.REFUSAL, check);
              }
              if (check.deferredFailure().isPresent()) {
                PaymentCheck.Result later = check.deferredFailure().get();
                return fail(key, fence, later.reason(), later.message(), check);
              }
              if (askCode) {
                if (!hasCode(results.get(codeAt))) {
                  return fail(
                      key,
                      fence,
                      ErrorReason.ASSET_NOT_DEPLOYED_CONTRACT,
                      "no contract at " + check.asset(),
                      check);
                }
                chain.rememberContract(check.asset());
              }
              if (sync && results.get(countAt).ok()) {
                // Several settlements may have asked; only the first answer initialises the lane.
                lane.initialSync(
                    Hex.parseQuantity(results.get(countAt).result().asText()).longValueExact());
              }
              if (results.get(stateAt).ok() && decodeBool(results.get(stateAt))) {
                return fail(
                    key,
                    fence,
                    ErrorReason.EXACT_EVM_NONCE_ALREADY_USED,
                    "authorization " + a.nonce() + " was already used or cancelled",
                    check);
              }
              FeeQuote.Priced priced =
                  FeeQuote.fees(config, results.get(0), askTip ? results.get(tipAt) : null);
              if (!priced.ok()) {
                return fail(
                    key, fence, ErrorReason.UNEXPECTED_SETTLE_ERROR, priced.refusal(), check);
              }
              Fees fees = priced.fees();
              if (lane.needsSync()) {
                return fail(
                    key,
                    fence,
                    ErrorReason.UNEXPECTED_SETTLE_ERROR,
                    "cannot read the nonce of " + sender,
                    check);
              }
              RpcResult balance = results.get(balanceAt);
              BigInteger held = balance.ok() ? decodeUint(balance) : null;
              if (held == null) {
                return fail(
                    key,
                    fence,
                    ErrorReason.UNEXPECTED_SETTLE_ERROR,
                    "cannot read the token balance of " + a.from(),
                    check);
              }
              BigInteger value = a.value().value();
              if (committed.tooMany()) {
                return fail(
                    key,
                    fence,
                    ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE,
                    "the payer has "
                        + IN_FLIGHT_LIMIT
                        + " or more settlements in flight; retry when they are done",
                    check);
              }
              Set<SettlementKey> mined = mined(results, receiptsAt, receiptKeys);
              BigInteger elsewhere = committed.unsigned();
              for (SettlementRecord record : committed.signed()) {
                if (!mined.contains(record.key())) {
                  elsewhere = elsewhere.add(record.amount().value());
                }
              }
              // Decided under one lock for this process; nothing is signed unless it fits.
              if (!reservations.reserve(key, value, held.subtract(elsewhere), mined)) {
                BigInteger inFlight = elsewhere.add(reservations.reservedBesides(key, mined));
                // The payer holds enough for this payment alone: the shortfall is settlements in
                // flight, which may have been mined between the ledger read and the balance read
                // (then counted twice), or may yet fail. Ask again until they resolve, while the
                // claim is surely still this one's; only then refuse.
                Duration patience = config.receiptTimeout();
                if (patience.compareTo(claimLease.dividedBy(2)) > 0) {
                  patience = claimLease.dividedBy(2);
                }
                if (held.compareTo(value) >= 0
                    && inFlight.signum() > 0
                    && clock.instant().isBefore(fence.plus(patience))) {
                  return delay(config.pollInterval())
                      .thenCompose(ignored -> execute(check, key, settlementId, fence, attempt));
                }
                SimulationDiagnosis shortfall =
                    SimulationDiagnosis.shortfall(held, inFlight, value);
                return fail(key, fence, shortfall.reason(), shortfall.message(), check);
              }
              RpcResult gasBalance = results.get(gasBalanceAt);
              BigInteger eth = gasBalance.ok() ? decodeQuantity(gasBalance) : null;
              return simulate(check, key, settlementId, lane, fees, eth, fence, attempt);
            });
  }

  /**
   * Estimates the gas of the transaction as it will be sent, fee fields included, against the
   * {@code pending} block: a transfer that transactions waiting in the pool would make revert is
   * refused here, before a nonce is taken.
   */
  private CompletableFuture<SettleResponse> simulate(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String settlementId,
      NonceLane lane,
      Fees fees,
      BigInteger signerWei,
      Instant fence,
      int attempt) {
    EvmChain chain = check.chain();
    EvmAddress sender = lane.signer().address();
    byte[] data = Eip3009Calls.transferWithAuthorization(check.payload());
    Map<String, Object> transaction =
        Eip3009Calls.transactionObject(
            sender, check.asset(), data, fees.maxFeePerGas(), fees.maxPriorityFeePerGas());
    return chain
        .rpc()
        .batch(List.of(RpcCall.of("eth_estimateGas", transaction, "pending")))
        .thenCompose(
            results -> {
              RpcResult estimate = results.get(0);
              if (!estimate.ok()) {
                String message = SimulationDiagnosis.revertMessage(estimate.error());
                // With fee fields the node caps the estimate at what the signer can pay for:
                // nodes word that differently, so the signer's balance decides.
                BigInteger floor = fees.mostFor(chain.config().gasLimitCap());
                if (NodeRefusal.of(message) == NodeRefusal.INSUFFICIENT_FUNDS
                    || (signerWei != null && signerWei.compareTo(floor) < 0)) {
                  return fail(
                      key,
                      fence,
                      ErrorReason.UNEXPECTED_SETTLE_ERROR,
                      "facilitator signer " + sender + " has too little ETH for gas",
                      check);
                }
                return SimulationDiagnosis.fresh(check, message)
                    .thenCompose(d -> fail(key, fence, d.reason(), d.message(), check));
              }
              FeeQuote.GasLimit gasLimit = FeeQuote.gasLimit(chain.config(), estimate);
              if (!gasLimit.ok()) {
                return fail(
                    key, fence, ErrorReason.UNEXPECTED_SETTLE_ERROR, gasLimit.refusal(), check);
              }
              Quote quote = fees.withGasLimit(gasLimit.limit());
              return signAndSend(check, key, settlementId, lane, data, quote, fence, attempt);
            });
  }

  private CompletableFuture<SettleResponse> signAndSend(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String settlementId,
      NonceLane lane,
      byte[] data,
      Quote quote,
      Instant fence,
      int attempt) {
    EvmChain chain = check.chain();
    long chainId = key.network().chainId();
    CompletableFuture<Submission> signed =
        CompletableFuture.supplyAsync(
            () -> {
              long nonce = lane.allocate();
              try {
                Eip1559Transaction tx =
                    new Eip1559Transaction(
                        chainId,
                        nonce,
                        quote.maxPriorityFeePerGas(),
                        quote.maxFeePerGas(),
                        quote.gasLimit(),
                        check.asset(),
                        BigInteger.ZERO,
                        data);
                byte[] raw = tx.encodeSigned(lane.signer().sign(tx.signingHash()));
                Submission submission =
                    EvmLedgerKey.submission(
                        Eip1559Transaction.hash(raw).toString(),
                        lane.signer().address(),
                        nonce,
                        Hex.encode(raw));
                // Recorded before broadcast, and only while the claim is still this one's.
                if (!ledger.submitted(key.ledgerKey(), submission, fence, now())) {
                  throw new ClaimLostException();
                }
                reservations.signed(key, submission.transaction());
                return submission;
              } catch (RuntimeException e) {
                lane.release(nonce); // nothing left this process
                throw e;
              }
            },
            blocking);
    return signed
        .handle(
            (submission, error) -> {
              if (error != null) {
                if (Futures.unwrap(error) instanceof ClaimLostException) {
                  // Another facilitator took the payment over: follow it, never broadcast.
                  return CompletableFuture.supplyAsync(
                          () -> ledger.find(key.ledgerKey()).orElseThrow(), blocking)
                      .thenCompose(
                          record ->
                              follow(check, key, fingerprint(check), settlementId, record, now()));
                }
                return CompletableFuture.<SettleResponse>failedFuture(error);
              }
              return chain
                  .rpc()
                  .call("eth_sendRawTransaction", submission.raw())
                  .handle(
                      (hash, sendError) ->
                          sendOutcome(
                              check,
                              key,
                              settlementId,
                              lane,
                              submission,
                              quote,
                              sendError,
                              attempt))
                  .thenCompose(outcome -> outcome);
            })
        .thenCompose(response -> response);
  }

  private CompletableFuture<SettleResponse> sendOutcome(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String settlementId,
      NonceLane lane,
      Submission submission,
      Quote quote,
      Throwable error,
      int attempt) {
    if (error == null) {
      return track(check, key, submission, lane);
    }
    Throwable cause = Futures.unwrap(error);
    if (!(cause instanceof RpcException)) {
      return track(check, key, submission, lane); // unknown: it may have arrived
    }
    RpcException failure = (RpcException) cause;
    NodeRefusal refusal = NodeRefusal.of(failure);
    if (failure.kind() == RpcException.Kind.RPC_ERROR && refusal == NodeRefusal.ALREADY_KNOWN) {
      return track(check, key, submission, lane); // the node has it already
    }
    if (failure.kind() != RpcException.Kind.RPC_ERROR
        && failure.kind() != RpcException.Kind.UNREACHABLE) {
      return track(check, key, submission, lane); // timeout or dropped connection: unknown
    }
    // The node refused the transaction or could not be reached: it provably went nowhere.
    boolean staleNonce = refusal == NodeRefusal.NONCE_TAKEN;
    Instant reclaimed = now();
    CompletableFuture<Void> released =
        CompletableFuture.runAsync(
            () -> {
              // When the record no longer holds this transaction, the claim is not this one's any
              // more: the next submitted() or outcome() is then refused by their fences.
              if (!ledger.notBroadcast(key.ledgerKey(), submission.transaction(), reclaimed)) {
                LOG.warn("settlement of {} changed hands while its broadcast failed", key);
              }
            },
            blocking);
    if (staleNonce) {
      lane.done(EvmLedgerKey.accountNonce(submission)); // someone else's transaction holds it
      LOG.warn(
          "nonce {} of {} on {} is taken ({}); resyncing the lane",
          submission.sequence(),
          submission.signer(),
          key.network(),
          Text.quote(failure.error().message()));
      return released
          .thenCompose(ignored -> resync(check.chain(), lane))
          .thenCompose(
              ignored ->
                  attempt < MAX_SEND_ATTEMPTS
                      ? execute(check, key, settlementId, reclaimed, attempt + 1)
                      : fail(
                          key,
                          reclaimed,
                          ErrorReason.UNEXPECTED_SETTLE_ERROR,
                          "could not get a usable nonce",
                          check));
    }
    long accountNonce = EvmLedgerKey.accountNonce(submission);
    if (lane.release(accountNonce)) {
      fillGap(check.chain(), lane, accountNonce, quote);
    }
    String reason =
        refusal == NodeRefusal.INSUFFICIENT_FUNDS
            ? "facilitator signer "
                + EvmLedgerKey.signer(submission)
                + " has too little ETH for gas"
            : "the node refused the settlement transaction: " + failure.getMessage();
    return released.thenCompose(
        ignored -> fail(key, reclaimed, ErrorReason.UNEXPECTED_SETTLE_ERROR, reason, check));
  }

  private CompletableFuture<Void> resync(EvmChain chain, NonceLane lane) {
    return chain
        .rpc()
        .call("eth_getTransactionCount", lane.signer().address().toLowerHex(), "pending")
        .thenAccept(count -> lane.resync(Hex.parseQuantity(count.asText()).longValueExact()));
  }

  /**
   * Sends a zero-value transfer to itself with a released nonce that higher nonces wait behind, so
   * they are not stuck until the next settlement happens to reuse it.
   */
  private void fillGap(EvmChain chain, NonceLane lane, long releasedNonce, Quote quote) {
    CompletableFuture.runAsync(
            () -> {
              // Take the released nonce back so no settlement reuses it meanwhile.
              long nonce = lane.allocate();
              if (nonce != releasedNonce) {
                lane.release(nonce);
                return; // a settlement already reused the gap
              }
              EvmAddress self = lane.signer().address();
              Eip1559Transaction tx =
                  new Eip1559Transaction(
                      chain.config().network().chainId(),
                      nonce,
                      quote.maxPriorityFeePerGas(),
                      quote.maxFeePerGas(),
                      21_000,
                      self,
                      BigInteger.ZERO,
                      new byte[0]);
              byte[] raw = tx.encodeSigned(lane.signer().sign(tx.signingHash()));
              chain.rpc().call("eth_sendRawTransaction", Hex.encode(raw)).join();
              LOG.info("filled nonce gap {} of {} with a no-op transaction", nonce, self);
            },
            blocking)
        .exceptionally(
            e -> {
              LOG.warn("could not fill nonce gap {}: {}", releasedNonce, describe(e));
              return null;
            });
  }

  private CompletableFuture<SettleResponse> track(
      PaymentCheck.Result check, EvmLedgerKey key, Submission submission, NonceLane knownLane) {
    EvmChain chain = check.chain();
    String network = key.network().toString();
    String hash = submission.transaction();
    Duration timeout = chain.config().receiptTimeout();
    NonceLane lane = knownLane != null ? knownLane : chain.laneOf(EvmLedgerKey.signer(submission));
    return chain
        .receipts()
        .await(hash)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (receipt, error) -> {
              if (error != null) {
                chain.receipts().forget(hash);
                String why =
                    Futures.unwrap(error) instanceof TimeoutException
                        ? "no receipt within " + timeout.toSeconds() + " s"
                        : "receipt polling failed: " + describe(error);
                return done(
                    new Outcome(
                        SettlementState.PENDING,
                        new SettleReply(network, check.payer())
                            .pending(
                                hash,
                                "transaction "
                                    + hash
                                    + " was broadcast; "
                                    + why
                                    + "; settle again to follow it")));
              }
              if (lane != null) {
                lane.done(EvmLedgerKey.accountNonce(submission));
              }
              Eip3009Authorization a = check.payload().authorization();
              return explained(
                      chain,
                      key,
                      a.to(),
                      a.value(),
                      receipt,
                      judge(key, a.to(), a.value(), receipt, hash))
                  .thenApply(outcome -> reported(key, outcome, hash));
            })
        .thenCompose(outcome -> outcome)
        .thenCompose(outcome -> record(key, OutcomeFence.ofTransaction(hash), outcome));
  }

  /**
   * A reverted settlement may have lost a race to a copy of the same authorization: anyone who saw
   * the signed transfer (in the pool, say) can submit it first. If the token says the authorization
   * was used, by a transaction that moved exactly this payment to this recipient, the payment is
   * settled — by that transaction — and the payer did nothing wrong. Otherwise the outcome stands.
   */
  private CompletableFuture<Outcome> explained(
      EvmChain chain,
      EvmLedgerKey key,
      EvmAddress payTo,
      TokenAmount value,
      JsonNode receipt,
      Outcome outcome) {
    if (outcome.state() != SettlementState.FAILED || !receipt.hasNonNull("blockNumber")) {
      return done(outcome);
    }
    BigInteger block = Hex.parseQuantity(receipt.get("blockNumber").asText());
    return usedBy(chain, key, payTo, value, block, 256)
        .thenApply(theirs -> theirs != null ? theirs : outcome);
  }

  /**
   * The settlement some transaction made of this authorization, found by the token's {@code
   * AuthorizationUsed} event in the {@code window} blocks up to {@code toBlock}: a confirmed
   * outcome when that transaction moved exactly this payment to this recipient; otherwise, or when
   * the node cannot say, {@code null}.
   */
  private CompletableFuture<Outcome> usedBy(
      EvmChain chain,
      EvmLedgerKey key,
      EvmAddress payTo,
      TokenAmount value,
      BigInteger toBlock,
      int window) {
    BigInteger from = toBlock.subtract(BigInteger.valueOf(window)).max(BigInteger.ZERO);
    return chain
        .rpc()
        .call(
            "eth_getLogs",
            Eip3009Calls.authorizationUsedFilter(
                key.asset(), key.payer(), key.nonce(), Hex.quantity(from), Hex.quantity(toBlock)))
        .thenCompose(
            logs -> {
              if (logs == null || !logs.isArray() || logs.isEmpty()) {
                return done((Outcome) null);
              }
              String used = logs.get(0).path("transactionHash").asText();
              return chain
                  .rpc()
                  .batch(
                      List.of(
                          RpcCall.of("eth_getTransactionReceipt", used),
                          RpcCall.of("eth_getTransactionByHash", used)))
                  .thenApply(
                      results -> {
                        JsonNode other = results.get(0).ok() ? results.get(0).result() : null;
                        JsonNode sent = results.get(1).ok() ? results.get(1).result() : null;
                        if (other == null || other.isNull() || sent == null || sent.isNull()) {
                          return null;
                        }
                        // Only a direct call to the token with this very authorization ties the
                        // receipt's Transfer to it (a batching contract could pair another
                        // payment's transfer with this nonce).
                        if (!key.asset().toLowerHex().equalsIgnoreCase(sent.path("to").asText())
                            || !Eip3009Calls.carriesAuthorization(
                                Hex.decode(sent.path("input").asText()),
                                key.payer(),
                                payTo,
                                value.value(),
                                key.nonce())) {
                          return null;
                        }
                        Outcome theirs = judge(key, payTo, value, other, used);
                        if (theirs.state() != SettlementState.CONFIRMED) {
                          return null;
                        }
                        LOG.info(
                            "settlement of payer {} nonce {} on {} was carried out by"
                                + " transaction {} of another sender",
                            key.payer(),
                            key.nonce(),
                            key.network(),
                            used);
                        return theirs;
                      });
            })
        .exceptionally(e -> null); // the chain could not say
  }

  private record Outcome(SettlementState state, SettleResponse response) {}

  /** Tells the revert listener about a mined transaction that moved no money. */
  private Outcome reported(EvmLedgerKey key, Outcome outcome, String hash) {
    if (outcome.state() == SettlementState.FAILED) {
      LOG.warn(
          "settlement transaction {} of payer {} on {} was mined but moved no money: {}",
          hash,
          key.payer(),
          key.network(),
          outcome.response().errorReason());
      try {
        onRevert.accept(new Revert(key.network(), key.asset(), key.payer(), hash));
      } catch (RuntimeException e) {
        LOG.error("the revert listener failed: {}", describe(e));
      }
    }
    return outcome;
  }

  /** What a receipt means: success only with status 1 and the expected Transfer event. */
  private static Outcome judge(
      EvmLedgerKey key, EvmAddress payTo, TokenAmount value, JsonNode receipt, String hash) {
    SettleReply reply = new SettleReply(key.network().toString(), key.payer().toString());
    if (!"0x1".equals(receipt.path("status").asText())) {
      return new Outcome(
          SettlementState.FAILED,
          reply.failedIn(
              hash, ErrorReason.EXACT_EVM_TRANSACTION_FAILED, "transaction " + hash + " reverted"));
    }
    if (!Eip3009Calls.hasTransfer(receipt, key.asset(), key.payer(), payTo, value.value())) {
      return new Outcome(
          SettlementState.FAILED,
          reply.failedIn(
              hash,
              ErrorReason.EXACT_EVM_TRANSFER_EVENT_MISMATCH,
              "transaction " + hash + " emitted no Transfer of " + value + " to " + payTo));
    }
    return new Outcome(SettlementState.CONFIRMED, reply.settled(hash, value));
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

  private enum Resolution {
    CONFIRMED,
    FAILED,
    REBROADCAST,
    STILL_PENDING
  }

  /**
   * Resolves every settlement the ledger holds as submitted or pending against the chain: a receipt
   * confirms or fails it; a transaction the node never received is broadcast again from the signed
   * bytes in the ledger (the same transaction, so never a second transfer); a nonce that another
   * transaction took, or an authorization used elsewhere, fails it. Run it at start, before taking
   * new settlements, and periodically.
   */
  public CompletableFuture<ReconcileReport> reconcile() {
    return CompletableFuture.supplyAsync(ledger::unresolved, blocking)
        .thenCompose(
            records -> {
              List<CompletableFuture<Resolution>> all = new ArrayList<>();
              for (SettlementRecord record : records) {
                // A shared ledger holds other engines' settlements too: those are theirs to judge.
                EvmLedgerKey.from(record.key())
                    .ifPresent(
                        key ->
                            all.add(
                                reconcileOne(key, record)
                                    .exceptionally(e -> Resolution.STILL_PENDING)));
              }
              return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
                  .thenApply(
                      ignored -> {
                        int[] counts = new int[Resolution.values().length];
                        all.forEach(f -> counts[f.join().ordinal()]++);
                        return new ReconcileReport(
                            counts[Resolution.CONFIRMED.ordinal()],
                            counts[Resolution.FAILED.ordinal()],
                            counts[Resolution.REBROADCAST.ordinal()],
                            counts[Resolution.STILL_PENDING.ordinal()]);
                      });
            });
  }

  private CompletableFuture<Resolution> reconcileOne(EvmLedgerKey key, SettlementRecord record) {
    EvmChain chain = chains.get(key.network());
    Submission submission = record.submission();
    if (chain == null || submission == null) {
      return done(Resolution.STILL_PENDING);
    }
    String hash = submission.transaction();
    // Our lane, when this facilitator signed the transaction. While the node holds it, its nonce
    // is spoken for: the node's pending count may not include it yet (it can wait behind a gap),
    // and a new transaction given that nonce would be refused as a replacement.
    NonceLane lane = chain.laneOf(EvmLedgerKey.signer(submission));
    List<RpcCall> calls =
        List.of(
            RpcCall.of("eth_getTransactionReceipt", hash),
            RpcCall.of("eth_getTransactionByHash", hash),
            ethCall(null, key.asset(), Eip3009Calls.authorizationState(key.payer(), key.nonce())));
    return chain
        .rpc()
        .batch(calls)
        .thenCompose(
            results -> {
              JsonNode receipt = results.get(0).ok() ? results.get(0).result() : null;
              if (receipt != null && !receipt.isNull()) {
                return reconciledReceipt(key, record, lane, receipt);
              }
              JsonNode pooled = results.get(1).ok() ? results.get(1).result() : null;
              if (pooled != null && !pooled.isNull()) {
                hold(lane, submission);
                return done(Resolution.STILL_PENDING); // in the node's pool, not mined yet
              }
              if (!results.get(2).ok()) {
                return done(Resolution.STILL_PENDING);
              }
              if (decodeBool(results.get(2))) {
                unhold(lane, submission); // never to be sent: its nonce is free again
                // Used by another transaction: if that one paid exactly this, it settled it.
                return chain
                    .rpc()
                    .call("eth_blockNumber")
                    .thenCompose(
                        head ->
                            usedBy(
                                chain,
                                key,
                                EvmLedgerKey.payTo(record),
                                record.amount(),
                                Hex.parseQuantity(head.asText()),
                                10_000))
                    .exceptionally(e -> null)
                    .thenCompose(
                        theirs ->
                            theirs != null
                                ? record(key, OutcomeFence.ofTransaction(hash), theirs)
                                    .thenApply(r -> Resolution.CONFIRMED)
                                : reconciledFailure(
                                    key,
                                    hash,
                                    ErrorReason.EXACT_EVM_NONCE_ALREADY_USED,
                                    "the authorization was used by another transaction"));
              }
              return chain
                  .rpc()
                  .call("eth_sendRawTransaction", submission.raw())
                  .handle(
                      (sent, error) -> {
                        if (error == null) {
                          LOG.info("rebroadcast settlement transaction {} from the ledger", hash);
                          hold(lane, submission);
                          return done(Resolution.REBROADCAST);
                        }
                        NodeRefusal refusal = NodeRefusal.of(error);
                        if (refusal == NodeRefusal.ALREADY_KNOWN) {
                          hold(lane, submission);
                          return done(Resolution.REBROADCAST);
                        }
                        if (refusal == NodeRefusal.NONCE_TAKEN) {
                          // Perhaps by this very transaction, mined since the first look.
                          return chain
                              .rpc()
                              .call("eth_getTransactionReceipt", hash)
                              .thenCompose(
                                  late -> {
                                    if (late != null && !late.isNull()) {
                                      return reconciledReceipt(key, record, lane, late);
                                    }
                                    if (lane != null) {
                                      // another transaction's now
                                      lane.done(EvmLedgerKey.accountNonce(submission));
                                    }
                                    return reconciledFailure(
                                        key,
                                        hash,
                                        ErrorReason.UNEXPECTED_SETTLE_ERROR,
                                        "transaction "
                                            + hash
                                            + " never reached the network and its nonce was"
                                            + " taken");
                                  });
                        }
                        // Refused for another reason (fees, say): not at the node, so its nonce
                        // must not stay set aside, or every later transaction waits behind it.
                        unhold(lane, submission);
                        return done(Resolution.STILL_PENDING);
                      })
                  .thenCompose(f -> f);
            });
  }

  private static void hold(NonceLane lane, Submission submission) {
    if (lane != null) {
      lane.hold(EvmLedgerKey.accountNonce(submission));
    }
  }

  private static void unhold(NonceLane lane, Submission submission) {
    if (lane != null) {
      lane.unhold(EvmLedgerKey.accountNonce(submission));
    }
  }

  private CompletableFuture<Resolution> reconciledReceipt(
      EvmLedgerKey key, SettlementRecord record, NonceLane lane, JsonNode receipt) {
    Submission submission = record.submission();
    if (lane != null) {
      lane.done(EvmLedgerKey.accountNonce(submission));
    }
    String hash = submission.transaction();
    EvmAddress payTo = EvmLedgerKey.payTo(record);
    return explained(
            chains.get(key.network()),
            key,
            payTo,
            record.amount(),
            receipt,
            judge(key, payTo, record.amount(), receipt, hash))
        .thenApply(outcome -> reported(key, outcome, hash))
        .thenCompose(
            outcome ->
                record(key, OutcomeFence.ofTransaction(hash), outcome)
                    .thenApply(
                        r ->
                            outcome.state() == SettlementState.CONFIRMED
                                ? Resolution.CONFIRMED
                                : Resolution.FAILED));
  }

  private CompletableFuture<Resolution> reconciledFailure(
      EvmLedgerKey key, String transaction, ErrorReason reason, String message) {
    Outcome outcome =
        new Outcome(
            SettlementState.FAILED,
            new SettleReply(key.network().toString(), key.payer().toString())
                .refused(reason, message));
    return record(key, OutcomeFence.ofTransaction(transaction), outcome)
        .thenApply(r -> Resolution.FAILED);
  }

  /**
   * Records a failure reached before anything was broadcast, under the claim of {@code claimedAt}.
   */
  private CompletableFuture<SettleResponse> fail(
      EvmLedgerKey key,
      Instant claimedAt,
      ErrorReason reason,
      String message,
      PaymentCheck.Result check) {
    return record(
        key,
        OutcomeFence.ofClaim(claimedAt),
        new Outcome(
            SettlementState.FAILED,
            new SettleReply(key.network().toString(), check.payer()).refused(reason, message)));
  }

  /**
   * Records an outcome, then answers with it. A ledger failure here is logged and never changes the
   * answer: the chain already decided it.
   */
  private CompletableFuture<SettleResponse> record(
      EvmLedgerKey key, OutcomeFence fence, Outcome outcome) {
    return CompletableFuture.supplyAsync(
            () ->
                ledger.outcome(key.ledgerKey(), fence, outcome.state(), outcome.response(), now()),
            blocking)
        .handle(
            (recorded, e) -> {
              if (e == null && !recorded) {
                // Another attempt holds the record now, or it is confirmed: this answer is about
                // this attempt only and must not overwrite that one.
                LOG.info(
                    "outcome {} of {} payer {} nonce {} not recorded: the settlement changed hands",
                    outcome.state(),
                    key.network(),
                    key.payer(),
                    key.nonce());
              }
              if (e != null) {
                LOG.error(
                    "could not record outcome {} of {} payer {} nonce {}: {}",
                    outcome.state(),
                    key.network(),
                    key.payer(),
                    key.nonce(),
                    describe(e));
              }
              return outcome.response();
            });
  }

  // ----------------------------------------------------------------------------------- helpers

  private static String fingerprint(PaymentCheck.Result check) {
    return fingerprint(check.payload());
  }

  /**
   * A digest of the whole signed authorization, from parsed values only: every spelling of one
   * payment (hex case, {@code v} as 0/1 or 27/28) is one payment to the ledger, so a respelled copy
   * settled first cannot fail the seller's own settle while the money moves (package-private for
   * tests).
   */
  static String fingerprint(ExactEvmPayload payload) {
    Eip3009Authorization a = payload.authorization();
    String material =
        String.join(
            "|",
            payload.canonicalSignature(),
            a.from().toLowerHex(),
            a.to().toLowerHex(),
            a.value().value().toString(),
            a.validAfter().toString(),
            a.validBefore().toString(),
            a.nonce().toString());
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(material.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The time for ledger records: milliseconds, as durable ledgers keep them. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** The ledger gave this payment to another facilitator while this one was signing. */
  private static final class ClaimLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClaimLostException() {
      super("the settlement claim was taken over", null, false, false);
    }
  }

  /**
   * Completes after {@code duration} on the injected scheduler (so tests drive it), on whose thread
   * the continuation starts: every continuation hands its work to {@link #blocking} at once.
   */
  private CompletableFuture<Void> delay(Duration duration) {
    CompletableFuture<Void> elapsed = new CompletableFuture<>();
    delays.add(elapsed);
    elapsed.whenComplete((ignored, error) -> delays.remove(elapsed));
    if (closed) {
      elapsed.completeExceptionally(new IllegalStateException("the facilitator was closed"));
      return elapsed;
    }
    try {
      Runnable elapse = () -> elapsed.complete(null);
      scheduler.schedule(elapse, duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      elapsed.completeExceptionally(closed);
    }
    return elapsed;
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
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
    closed = true;
    IllegalStateException stopped = new IllegalStateException("the facilitator was closed");
    delays.forEach(delay -> delay.completeExceptionally(stopped));
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

    /** Builds the facilitator. */
    public ExactEvmFacilitator build() {
      return new ExactEvmFacilitator(this);
    }
  }
}
