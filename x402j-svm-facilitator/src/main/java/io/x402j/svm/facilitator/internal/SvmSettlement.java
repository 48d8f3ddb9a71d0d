package io.x402j.svm.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.support.Base58;
import io.x402j.core.support.Futures;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.rpc.RpcException;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementFlow;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementOutcomes;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import io.x402j.settlement.Transfer;
import io.x402j.svm.ExactSvmPayload;
import io.x402j.svm.SolanaTransaction;
import io.x402j.svm.facilitator.SvmNetworkConfig;
import io.x402j.svm.rpc.SolanaRpcClient;
import io.x402j.svm.rpc.SolanaRpcClient.SignatureStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles exact-scheme Solana payments through the scheme-neutral {@link SettlementFlow} and the
 * {@link SettlementLedger}, and reconciles what the ledger holds unresolved.
 *
 * <p>Invariants: the ledger key is (network, {@code exact}, lower-hex SHA-256 of the message
 * bytes), so one message settles once however its base64 is spelled; nothing is signed before the
 * ledger claim is this attempt's; the fee-payer-signed transaction is recorded before it is sent,
 * and only while the claim is still this attempt's; a transaction whose fate is unknown is tracked
 * (and later reconciled), never signed anew; a transaction is returned to the claim only when the
 * node refused it and does not know its signature. Confirmation polls {@code getSignatureStatuses}
 * on the injected scheduler (by default every 250 ms for 2 s, then every second): confirmed or
 * finalized without error is success, an error is {@code invalid_exact_svm_transaction_failed}, no
 * answer within the timeout is {@code settlement_pending} with the signature. Not part of the x402j
 * API.
 */
public final class SvmSettlement {
  private static final Logger LOG = LoggerFactory.getLogger(SvmSettlement.class);
  private static final Pattern PAYMENT_ID = Pattern.compile("[0-9a-f]{64}");

  private final Function<Network, SvmNetworkConfig> chains;
  private final SvmVerifier verifier;
  private final SettlementLedger ledger;
  private final Clock clock;
  private final Executor blocking;
  private final SvmDelays delays;
  private final SettlementFlow flow;
  private final SettlementOutcomes outcomes;

  /** Settlement on {@code chains} through {@code ledger}. */
  public SvmSettlement(
      Function<Network, SvmNetworkConfig> chains,
      SvmVerifier verifier,
      SettlementLedger ledger,
      Clock clock,
      Executor blocking,
      SvmDelays delays,
      Duration claimLease,
      Class<?> logAs) {
    this.chains = chains;
    this.verifier = verifier;
    this.ledger = ledger;
    this.clock = clock;
    this.blocking = blocking;
    this.delays = delays;
    this.flow = new SettlementFlow(ledger, clock, blocking, delays::after, claimLease);
    this.outcomes = new SettlementOutcomes(ledger, clock, blocking, logAs);
  }

  /** The ledger key of a payment: the lower-hex SHA-256 of its message bytes. */
  public static SettlementKey ledgerKey(Network network, byte[] messageBytes) {
    return new SettlementKey(network, "exact", SvmVerifier.sha256Hex(messageBytes));
  }

  /**
   * Settles; failures are answers, never exceptional completions. A payment the ledger already
   * holds as submitted, pending or decided is answered from its record (followed, or refused as a
   * duplicate, by the settlement flow's rules) before the static checks, which depend on the
   * current configuration and on RPC reads: a retry must learn the recorded answer, not a refusal
   * that would report a payment in flight as failed. Fresh payments go through every check first.
   */
  public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
    String network = request.requirements().network().toString();
    return recorded(request)
        .thenCompose(answer -> answer.isPresent() ? done(answer.get()) : checkAndSettle(request))
        .exceptionally(
            e ->
                failure(
                    SvmReason.UNEXPECTED_SETTLE_ERROR.wire(),
                    "settlement failed before broadcast: " + describe(e),
                    "",
                    network,
                    null));
  }

  private CompletableFuture<SettleResponse> checkAndSettle(SchemeRequest request) {
    String network = request.requirements().network().toString();
    return verifier
        .check(request)
        .thenCompose(
            verdict -> {
              if (!verdict.valid()) {
                return done(
                    failure(
                        verdict.reason().wire(request.x402Version()),
                        verdict.message(),
                        "",
                        network,
                        verdict.payer()));
              }
              return flow.settle(new Payment(request, verdict.checked()));
            });
  }

  /**
   * The answer from the ledger when it holds this payment as submitted, pending or decided; empty
   * when the payment is fresh (or only claimed), or the request is not one this engine could settle
   * at all, so the static checks decide.
   */
  private CompletableFuture<Optional<SettleResponse>> recorded(SchemeRequest request) {
    Network network = request.requirements().network();
    SvmNetworkConfig config = chains.apply(network);
    Object raw = request.payload().payload().get("transaction");
    if (config == null
        || !"exact".equals(request.requirements().scheme())
        || !"exact".equals(request.payload().accepted().scheme())
        || !network.equals(request.payload().accepted().network())
        || !(raw instanceof String)) {
      return done(Optional.empty());
    }
    SolanaTransaction tx;
    try {
      tx = SolanaTransaction.decode(ExactSvmPayload.base64((String) raw));
    } catch (IllegalArgumentException e) {
      return done(Optional.empty()); // the checks refuse it with the reason
    }
    SettlementKey key = ledgerKey(network, tx.messageBytes());
    return CompletableFuture.supplyAsync(() -> ledger.find(key), blocking)
        .thenCompose(
            found -> {
              if (found.isEmpty()
                  || found.get().state() == SettlementState.CLAIMED
                  || (found.get().submission() == null
                      && found.get().state() != SettlementState.CONFIRMED
                      && found.get().state() != SettlementState.FAILED)) {
                return done(Optional.<SettleResponse>empty());
              }
              SettlementRecord record = found.get();
              Payment payment =
                  new Payment(
                      request,
                      config,
                      key,
                      SvmVerifier.fingerprint(tx.messageBytes(), tx.signatures()),
                      record.payer());
              return flow.follow(payment, record, clock.instant()).thenApply(Optional::of);
            });
  }

  /**
   * One payment as the settlement flow sees it: checked, or (answering from the ledger) only
   * decoded, in which case it is checked before anything is executed for it.
   */
  private final class Payment implements SettlementFlow.Payment {
    private final SchemeRequest request;
    private final SvmVerifier.Checked checked;
    private final SvmNetworkConfig config;
    private final SettlementKey key;
    private final String fingerprint;
    private final String network;
    private final String payer;

    Payment(SchemeRequest request, SvmVerifier.Checked checked) {
      this.request = request;
      this.checked = checked;
      this.config = checked.config();
      this.key = ledgerKey(checked.config().network(), checked.transaction().messageBytes());
      this.fingerprint = checked.fingerprint();
      this.network = checked.config().network().toString();
      this.payer = checked.payer().toString();
    }

    Payment(
        SchemeRequest request,
        SvmNetworkConfig config,
        SettlementKey key,
        String fingerprint,
        String payer) {
      this.request = request;
      this.checked = null;
      this.config = config;
      this.key = key;
      this.fingerprint = fingerprint;
      this.network = key.network().toString();
      this.payer = payer;
    }

    String wire(SvmReason reason) {
      return reason.wire(request.x402Version());
    }

    SettleResponse answer(SvmReason reason, String message, String transaction) {
      return failure(wire(reason), message, transaction, network, payer);
    }

    @Override
    public SettlementKey key() {
      return key;
    }

    @Override
    public String fingerprint() {
      return fingerprint;
    }

    @Override
    public String settlementId() {
      return request.settlementId();
    }

    @Override
    public SettlementRequest request() {
      if (checked == null) {
        throw new IllegalStateException("an unchecked payment is never claimed");
      }
      return new SettlementRequest(
          key,
          checked.fingerprint(),
          new Transfer(
              checked.mint().toString(),
              payer,
              checked.payTo().toString(),
              TokenAmount.of(checked.amount())),
          Map.of("feePayer", checked.feePayer().address().toString()),
          request.settlementId());
    }

    @Override
    public SettleResponse refused(ErrorReason reason, String message) {
      return failure(reason.wire(), message, "", network, payer);
    }

    @Override
    public SettleResponse differentPayment() {
      return answer(
          SvmReason.DUPLICATE_SETTLEMENT,
          "this transaction was already settled with other signatures",
          "");
    }

    @Override
    public CompletableFuture<SettleResponse> execute(Instant claimedAt) {
      if (checked == null) {
        return outcomes.fail(
            key,
            claimedAt,
            answer(
                SvmReason.UNEXPECTED_SETTLE_ERROR, "an unchecked payment is never executed", ""));
      }
      return SvmSettlement.this.execute(this, claimedAt);
    }

    @Override
    public CompletableFuture<SettleResponse> track(Submission submission) {
      return SvmSettlement.this.track(this, submission.transaction());
    }

    @Override
    public Duration pollInterval() {
      return config.slowPoll();
    }

    @Override
    public Duration receiptTimeout() {
      return config.confirmTimeout();
    }
  }

  /** Re-verifies (simulation included), signs as the fee payer, records, sends, confirms. */
  private CompletableFuture<SettleResponse> execute(Payment p, Instant claimedAt) {
    return verifier
        .simulate(p.checked)
        .thenCompose(
            verdict -> {
              if (!verdict.valid()) {
                return outcomes.fail(
                    p.key, claimedAt, p.answer(verdict.reason(), verdict.message(), ""));
              }
              return CompletableFuture.supplyAsync(() -> signAndRecord(p, claimedAt), blocking)
                  .handle(
                      (submission, error) -> {
                        if (error == null) {
                          return send(p, submission);
                        }
                        if (Futures.unwrap(error) instanceof ClaimLost) {
                          // Another facilitator took the payment over: follow it, never send.
                          return CompletableFuture.supplyAsync(
                                  () -> ledger.find(p.key).orElseThrow(), blocking)
                              .thenCompose(record -> flow.follow(p, record, clock.instant()));
                        }
                        return CompletableFuture.<SettleResponse>failedFuture(error);
                      })
                  .thenCompose(answer -> answer);
            })
        .exceptionallyCompose(
            error ->
                // Only failures before the transaction was recorded reach here: the fence of the
                // claim refuses the write otherwise.
                outcomes.fail(
                    p.key,
                    claimedAt,
                    p.answer(
                        SvmReason.UNEXPECTED_SETTLE_ERROR,
                        "settlement failed before broadcast: " + describe(error),
                        "")));
  }

  /** Signs as the fee payer and records the transaction; it is sent only when recorded. */
  private Submission signAndRecord(Payment p, Instant claimedAt) {
    SolanaTransaction tx = p.checked.transaction();
    byte[] signature = p.checked.feePayer().sign(tx.messageBytes());
    SolanaTransaction signed = tx.withSignature(0, signature);
    Submission submission =
        new Submission(
            Base58.encode(signature),
            p.checked.feePayer().address().toString(),
            null,
            Base64.getEncoder().encodeToString(signed.encode()),
            Map.of("blockhash", tx.message().recentBlockhash()));
    if (!ledger.submitted(p.key, submission, claimedAt, now())) {
      throw new ClaimLost();
    }
    return submission;
  }

  private CompletableFuture<SettleResponse> send(Payment p, Submission submission) {
    SolanaRpcClient rpc = p.config.rpc();
    String signature = submission.transaction();
    return rpc.sendTransaction(submission.raw(), true)
        .handle(
            (ignored, error) -> {
              if (error == null) {
                return track(p, signature);
              }
              Throwable cause = Futures.unwrap(error);
              boolean refused =
                  cause instanceof RpcException
                      && (((RpcException) cause).kind() == RpcException.Kind.RPC_ERROR
                          || ((RpcException) cause).kind() == RpcException.Kind.UNREACHABLE);
              if (!refused) {
                return track(p, signature); // it may have arrived
              }
              // Refused: unless the network knows the signature already, nothing went out.
              return rpc.getSignatureStatuses(List.of(signature), true)
                  .handle(
                      (statuses, statusError) -> {
                        if (statusError != null || statuses.get(0).isPresent()) {
                          return track(p, signature);
                        }
                        Instant reclaimed = now();
                        return CompletableFuture.supplyAsync(
                                () -> ledger.notBroadcast(p.key, signature, reclaimed), blocking)
                            .thenCompose(
                                returned ->
                                    outcomes.fail(
                                        p.key,
                                        reclaimed,
                                        p.answer(
                                            SvmReason.TRANSACTION_FAILED,
                                            "the node refused the settlement transaction: "
                                                + cause.getMessage(),
                                            "")));
                      })
                  .thenCompose(answer -> answer);
            })
        .thenCompose(answer -> answer);
  }

  /** Follows {@code signature} to an outcome within the network's timeout, and records it. */
  private CompletableFuture<SettleResponse> track(Payment p, String signature) {
    SvmNetworkConfig config = p.config;
    return confirm(config, signature, Duration.ZERO)
        .handle(
            (status, error) -> {
              if (error == null && status != null && status.failed()) {
                return new Outcome(
                    SettlementState.FAILED,
                    p.answer(
                        SvmReason.TRANSACTION_FAILED,
                        "the transaction failed on chain: " + status.err(),
                        signature));
              }
              if (error == null && status != null) {
                return new Outcome(
                    SettlementState.CONFIRMED,
                    SettleResponse.success(signature, p.network, p.payer));
              }
              return new Outcome(
                  SettlementState.PENDING,
                  p.answer(
                      SvmReason.SETTLEMENT_PENDING,
                      "transaction "
                          + signature
                          + " was sent; not confirmed within "
                          + config.confirmTimeout().toMillis()
                          + " ms; settle again to follow it",
                      signature));
            })
        .thenCompose(
            outcome ->
                outcomes.record(
                    p.key, OutcomeFence.ofTransaction(signature), outcome.state, outcome.response));
  }

  private record Outcome(SettlementState state, SettleResponse response) {}

  /**
   * Polls until the transaction is confirmed (with or without error); completes with {@code null}
   * when the timeout passes first.
   */
  CompletableFuture<SignatureStatus> confirm(
      SvmNetworkConfig config, String signature, Duration elapsed) {
    return config
        .rpc()
        .getSignatureStatuses(List.of(signature), false)
        .handle(
            (statuses, error) -> {
              if (error == null) {
                Optional<SignatureStatus> status = statuses.get(0);
                if (status.isPresent() && status.get().confirmed()) {
                  return done(status.get());
                }
              }
              Duration step =
                  elapsed.compareTo(config.fastPollFor()) < 0
                      ? config.fastPoll()
                      : config.slowPoll();
              Duration next = elapsed.plus(step);
              if (next.compareTo(config.confirmTimeout()) > 0) {
                return CompletableFuture.<SignatureStatus>completedFuture(null);
              }
              return delays.after(step).thenCompose(ignored -> confirm(config, signature, next));
            })
        .thenCompose(status -> status);
  }

  // ------------------------------------------------------------------------------- reconcile

  private enum Resolution {
    CONFIRMED,
    FAILED,
    REBROADCAST,
    STILL_PENDING
  }

  /**
   * Resolves every settlement of these networks the ledger holds as submitted or pending: a
   * confirmed transaction confirms or fails it; one the network does not know is sent again (the
   * same signed bytes, so never a second transfer) while its blockhash is valid, and fails (no
   * money moved) once its blockhash expired. Blockhash validity is read before the status, so a
   * transaction cannot land between the two reads unseen.
   */
  public CompletableFuture<ReconcileReport> reconcile() {
    return CompletableFuture.supplyAsync(ledger::unresolved, blocking)
        .thenCompose(
            records -> {
              List<CompletableFuture<Resolution>> all = new ArrayList<>();
              for (SettlementRecord record : records) {
                SvmNetworkConfig config = chains.apply(record.key().network());
                if (config == null
                    || !"exact".equals(record.key().scheme())
                    || !PAYMENT_ID.matcher(record.key().paymentId()).matches()
                    || record.submission() == null) {
                  continue; // another engine's, or nothing sent
                }
                all.add(reconcileOne(config, record).exceptionally(e -> Resolution.STILL_PENDING));
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

  private CompletableFuture<Resolution> reconcileOne(
      SvmNetworkConfig config, SettlementRecord record) {
    SolanaRpcClient rpc = config.rpc();
    Submission submission = record.submission();
    String signature = submission.transaction();
    String blockhash = submission.details().get("blockhash");
    String network = record.key().network().toString();
    CompletableFuture<Boolean> valid =
        blockhash == null
            ? CompletableFuture.completedFuture(Boolean.TRUE)
            : rpc.isBlockhashValid(blockhash);
    return valid.thenCompose(
        blockhashValid ->
            rpc.getSignatureStatuses(List.of(signature), true)
                .thenCompose(
                    statuses -> {
                      Optional<SignatureStatus> status = statuses.get(0);
                      OutcomeFence fence = OutcomeFence.ofTransaction(signature);
                      if (status.isPresent() && status.get().confirmed()) {
                        if (status.get().failed()) {
                          return outcomes
                              .record(
                                  record.key(),
                                  fence,
                                  SettlementState.FAILED,
                                  failure(
                                      SvmReason.TRANSACTION_FAILED.wire(),
                                      "the transaction failed on chain: " + status.get().err(),
                                      signature,
                                      network,
                                      record.payer()))
                              .thenApply(r -> Resolution.FAILED);
                        }
                        return outcomes
                            .record(
                                record.key(),
                                fence,
                                SettlementState.CONFIRMED,
                                SettleResponse.success(signature, network, record.payer()))
                            .thenApply(r -> Resolution.CONFIRMED);
                      }
                      if (status.isPresent()) {
                        return done(Resolution.STILL_PENDING); // landed, not confirmed yet
                      }
                      if (!blockhashValid) {
                        // Expired before it landed: it never will, and no money moved.
                        return outcomes
                            .record(
                                record.key(),
                                fence,
                                SettlementState.FAILED,
                                failure(
                                    SvmReason.TRANSACTION_FAILED.wire(),
                                    "transaction "
                                        + signature
                                        + " expired without landing; no money moved",
                                    "",
                                    network,
                                    record.payer()))
                            .thenApply(r -> Resolution.FAILED);
                      }
                      return rpc.sendTransaction(submission.raw(), true)
                          .handle(
                              (sent, error) -> {
                                if (error != null) {
                                  LOG.info("resending {} failed: {}", signature, describe(error));
                                  return Resolution.STILL_PENDING;
                                }
                                return Resolution.REBROADCAST;
                              });
                    }));
  }

  // ---------------------------------------------------------------------------------- helpers

  static SettleResponse failure(
      String reason, String message, String transaction, String network, String payer) {
    return new SettleResponse(
        false, reason, message, transaction, network, payer, null, null, Map.of());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String describe(Throwable error) {
    Throwable t = Futures.unwrap(error);
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** The ledger gave the payment to another attempt while this one was signing. */
  private static final class ClaimLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClaimLost() {
      super("the settlement claim was taken over", null, false, false);
    }
  }
}
