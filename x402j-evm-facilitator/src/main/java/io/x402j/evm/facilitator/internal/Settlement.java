package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.decodeBool;
import static io.x402j.evm.facilitator.internal.ChainReads.decodeQuantity;
import static io.x402j.evm.facilitator.internal.ChainReads.decodeUint;
import static io.x402j.evm.facilitator.internal.ChainReads.describe;
import static io.x402j.evm.facilitator.internal.ChainReads.ethCall;
import static io.x402j.evm.facilitator.internal.ChainReads.hasCode;

import io.x402j.core.ErrorReason;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Hex;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.internal.FeeQuote.Fees;
import io.x402j.evm.facilitator.internal.FeeQuote.Quote;
import io.x402j.evm.facilitator.internal.InFlightBalance.Committed;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import io.x402j.settlement.SettlementFlow;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.Submission;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Settles exact-scheme EVM payments up to the point of signing: claims the authorization in the
 * ledger and follows a settlement another attempt holds through the scheme-neutral {@link
 * SettlementFlow}, then reads and checks what the settlement needs in one batch, reserves the
 * amount and simulates the transaction as it will be sent; the {@link Submitter} then signs,
 * broadcasts and tracks it.
 *
 * <p>Invariants: nothing is signed before the ledger claim is this attempt's; concurrent requests
 * of one attempt in this process share one settlement; a different payment with the same
 * authorization nonce, or another attempt at the same payment, is refused, so one authorization
 * releases at most one answer; a payment is refused before any nonce is taken when it cannot
 * succeed (nonce used, no contract, balance committed elsewhere, simulation reverts, too little gas
 * money); every failure reached before a broadcast is recorded under this attempt's claim. Not part
 * of the x402j API.
 */
public final class Settlement {
  private final SettlementContext ctx;
  private final SettlementFlow flow;
  private final InFlightBalance balance;
  private final OutcomeRecorder recorder;
  private final Submitter submitter;

  /** The settlement of payments on {@code ctx}'s chains, through its ledger. */
  public Settlement(SettlementContext ctx) {
    this.ctx = ctx;
    this.balance = new InFlightBalance(ctx);
    this.recorder = new OutcomeRecorder(ctx);
    this.flow =
        new SettlementFlow(
            ctx.ledger(), ctx.clock(), ctx.blocking(), ctx.delays()::delay, ctx.claimLease());
    this.submitter = new Submitter(ctx, this, recorder, new ReceiptJudge(ctx.onRevert()));
  }

  /**
   * What this process already committed from a payer's balance besides a payment, for the verifier.
   */
  public Verifier.Commitments commitments() {
    return balance::committedBesides;
  }

  /** Settles a payment; chain failures are answers, never exceptional completions. */
  public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
    String network = request.requirements().network().toString();
    PaymentCheck.Result check = PaymentCheck.run(request, ctx.chains()::get, ctx.clock().instant());
    if (check.failed()) {
      return done(new SettleReply(network, check.payer()).refused(check.reason(), check.message()));
    }
    check = check.withCalldataSuffix(ctx.attribution().suffix(request));
    Eip3009Authorization a = check.payload().authorization();
    EvmLedgerKey key =
        new EvmLedgerKey(request.requirements().network(), check.asset(), a.from(), a.nonce());
    return flow.settle(new Payment(check, key, fingerprint(check), request.settlementId()));
  }

  /**
   * Answers a settlement that another attempt holds, as {@link SettlementFlow#follow} does: the
   * same attempt follows it to its outcome, any other request is refused.
   */
  CompletableFuture<SettleResponse> follow(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String fingerprint,
      String attempt,
      SettlementRecord record,
      Instant started) {
    return flow.follow(new Payment(check, key, fingerprint, attempt), record, started);
  }

  /** One exact-scheme EVM payment as the settlement flow sees it. */
  private final class Payment implements SettlementFlow.Payment {
    private final PaymentCheck.Result check;
    private final EvmLedgerKey key;
    private final String fingerprint;
    private final String attempt;

    Payment(PaymentCheck.Result check, EvmLedgerKey key, String fingerprint, String attempt) {
      this.check = check;
      this.key = key;
      this.fingerprint = fingerprint;
      this.attempt = attempt;
    }

    @Override
    public SettlementKey key() {
      return key.ledgerKey();
    }

    @Override
    public String fingerprint() {
      return fingerprint;
    }

    @Override
    public String settlementId() {
      return attempt;
    }

    @Override
    public SettlementRequest request() {
      return key.request(
          fingerprint,
          check.payload().authorization().to(),
          check.payload().authorization().value(),
          attempt);
    }

    @Override
    public SettleResponse refused(ErrorReason reason, String message) {
      return new SettleReply(key.network().toString(), check.payer()).refused(reason, message);
    }

    @Override
    public SettleResponse differentPayment() {
      return refused(
          ErrorReason.EXACT_EVM_NONCE_ALREADY_USED,
          "a different payment with this authorization nonce was already settled");
    }

    @Override
    public CompletableFuture<SettleResponse> execute(Instant claimedAt) {
      // Held from before the payer's in-flight settlements are counted until the outcome is in
      // the ledger, where other settlements then see it.
      ctx.reservations().enter(key);
      return Settlement.this
          .execute(check, key, attempt, claimedAt, 1)
          .whenComplete((response, error) -> ctx.reservations().leave(key));
    }

    @Override
    public CompletableFuture<SettleResponse> track(Submission submission) {
      return submitter.track(check, key, submission, null);
    }

    @Override
    public Duration pollInterval() {
      return check.chain().config().pollInterval();
    }

    @Override
    public Duration receiptTimeout() {
      return check.chain().config().receiptTimeout();
    }
  }

  CompletableFuture<SettleResponse> execute(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String settlementId,
      Instant fence,
      int attempt) {
    return CompletableFuture.supplyAsync(() -> balance.committedElsewhere(key), ctx.blocking())
        .thenCompose(committed -> prepare(check, key, settlementId, fence, attempt, committed))
        .exceptionallyCompose(
            e ->
                // Failures that reach here happened before anything was broadcast.
                recorder.fail(
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
    // A counterfactual wallet is deployed through Multicall3: without its code the transaction
    // would go to an empty account, succeed and move nothing.
    int multicallAt = calls.size();
    boolean askMulticall =
        check.deployment().isPresent() && !chain.isKnownContract(Multicall3.ADDRESS);
    if (askMulticall) {
      calls.add(RpcCall.of("eth_getCode", Multicall3.ADDRESS.toLowerHex(), "latest"));
    }
    int gasBalanceAt = calls.size();
    calls.add(RpcCall.of("eth_getBalance", sender.toLowerHex(), "latest"));

    int stateAt = calls.size();
    calls.add(ethCall(null, check.asset(), Eip3009Calls.authorizationState(a.from(), a.nonce())));
    // Whether the payer's other signed settlements are mined: a mined one shows in the balance.
    int receiptsAt = calls.size();
    List<SettlementKey> receiptKeys =
        InFlightBalance.receiptCalls(calls, committed.signed(), ctx.reservations().others(key));
    // Last: a node that answers a batch in order then reads a balance at least as new as the rest.
    int balanceAt = calls.size();
    calls.add(ethCall(null, check.asset(), Eip3009Calls.balanceOf(a.from())));
    return chain
        .rpc()
        .batch(calls)
        .thenCompose(
            results -> {
              // A wallet with no code yet is deployed by the settlement transaction itself.
              boolean counterfactual =
                  check.deployment().isPresent() && !hasCode(results.get(signatureAt));
              if (counterfactual && !Counterfactual.allowed(check)) {
                return recorder.fail(
                    key,
                    fence,
                    ErrorReason.EIP6492_FACTORY_NOT_ALLOWED,
                    Counterfactual.notAllowed(check),
                    check);
              }
              if (counterfactual && askMulticall) {
                if (!hasCode(results.get(multicallAt))) {
                  return recorder.fail(
                      key,
                      fence,
                      ErrorReason.SMART_WALLET_DEPLOYMENT_FAILED,
                      Counterfactual.noMulticall(check),
                      check);
                }
                chain.rememberContract(Multicall3.ADDRESS);
              }
              if (!counterfactual
                  && check.needsContractSignatureCheck()
                  && ContractSignature.refused(
                      results.get(signatureAt), results.get(signatureAt + 1))) {
                return recorder.fail(
                    key, fence, ErrorReason.EXACT_EVM_SIGNATURE, ContractSignature.REFUSAL, check);
              }
              if (check.deferredFailure().isPresent()) {
                PaymentCheck.Result later = check.deferredFailure().get();
                return recorder.fail(key, fence, later.reason(), later.message(), check);
              }
              if (askCode) {
                if (!hasCode(results.get(codeAt))) {
                  return recorder.fail(
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
                return recorder.fail(
                    key,
                    fence,
                    ErrorReason.EXACT_EVM_NONCE_ALREADY_USED,
                    "authorization " + a.nonce() + " was already used or cancelled",
                    check);
              }
              FeeQuote.Priced priced =
                  FeeQuote.fees(config, results.get(0), askTip ? results.get(tipAt) : null);
              if (!priced.ok()) {
                return recorder.fail(
                    key, fence, ErrorReason.UNEXPECTED_SETTLE_ERROR, priced.refusal(), check);
              }
              Fees fees = priced.fees();
              if (lane.needsSync()) {
                return recorder.fail(
                    key,
                    fence,
                    ErrorReason.UNEXPECTED_SETTLE_ERROR,
                    "cannot read the nonce of " + sender,
                    check);
              }
              RpcResult balance = results.get(balanceAt);
              BigInteger held = balance.ok() ? decodeUint(balance) : null;
              if (held == null) {
                return recorder.fail(
                    key,
                    fence,
                    ErrorReason.UNEXPECTED_SETTLE_ERROR,
                    "cannot read the token balance of " + a.from(),
                    check);
              }
              BigInteger value = a.value().value();
              if (committed.tooMany()) {
                return recorder.fail(
                    key,
                    fence,
                    ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE,
                    "the payer has "
                        + InFlightBalance.IN_FLIGHT_LIMIT
                        + " or more settlements in flight; retry when they are done",
                    check);
              }
              Set<SettlementKey> mined = InFlightBalance.mined(results, receiptsAt, receiptKeys);
              BigInteger elsewhere = committed.unsigned();
              for (SettlementRecord record : committed.signed()) {
                if (!mined.contains(record.key())) {
                  elsewhere = elsewhere.add(record.amount().value());
                }
              }
              // Decided under one lock for this process; nothing is signed unless it fits.
              if (!ctx.reservations().reserve(key, value, held.subtract(elsewhere), mined)) {
                BigInteger inFlight = elsewhere.add(ctx.reservations().reservedBesides(key, mined));
                // The payer holds enough for this payment alone: the shortfall is settlements in
                // flight, which may have been mined between the ledger read and the balance read
                // (then counted twice), or may yet fail. Ask again until they resolve, while the
                // claim is surely still this one's; only then refuse.
                Duration patience = config.receiptTimeout();
                if (patience.compareTo(ctx.claimLease().dividedBy(2)) > 0) {
                  patience = ctx.claimLease().dividedBy(2);
                }
                if (held.compareTo(value) >= 0
                    && inFlight.signum() > 0
                    && ctx.clock().instant().isBefore(fence.plus(patience))) {
                  return ctx.delays()
                      .delay(config.pollInterval())
                      .thenCompose(ignored -> execute(check, key, settlementId, fence, attempt));
                }
                SimulationDiagnosis shortfall =
                    SimulationDiagnosis.shortfall(held, inFlight, value);
                return recorder.fail(key, fence, shortfall.reason(), shortfall.message(), check);
              }
              RpcResult gasBalance = results.get(gasBalanceAt);
              BigInteger eth = gasBalance.ok() ? decodeQuantity(gasBalance) : null;
              return simulate(
                  check, key, settlementId, lane, fees, eth, fence, attempt, counterfactual);
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
      int attempt,
      boolean counterfactual) {
    EvmChain chain = check.chain();
    EvmAddress sender = lane.signer().address();
    EvmAddress to = counterfactual ? Multicall3.ADDRESS : check.asset();
    byte[] data =
        CalldataAttribution.append(
            counterfactual
                ? Counterfactual.settlement(check)
                : Eip3009Calls.transferWithAuthorization(check.payload()),
            check.calldataSuffix());
    Map<String, Object> transaction =
        Eip3009Calls.transactionObject(
            sender, to, data, fees.maxFeePerGas(), fees.maxPriorityFeePerGas());
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
                  return recorder.fail(
                      key,
                      fence,
                      ErrorReason.UNEXPECTED_SETTLE_ERROR,
                      "facilitator signer " + sender + " has too little ETH for gas",
                      check);
                }
                if (counterfactual) {
                  // Which step failed: the deployment, the wallet's answer or the transfer.
                  return chain
                      .rpc()
                      .batch(List.of(Counterfactual.simulation(check)))
                      .thenCompose(
                          answers -> {
                            Counterfactual.Verdict verdict =
                                Counterfactual.judge(check, answers.get(0));
                            if (verdict.refused()) {
                              return recorder.fail(
                                  key, fence, verdict.reason(), verdict.message(), check);
                            }
                            return SimulationDiagnosis.fresh(check, message)
                                .thenCompose(
                                    d -> recorder.fail(key, fence, d.reason(), d.message(), check));
                          });
                }
                return SimulationDiagnosis.fresh(check, message)
                    .thenCompose(d -> recorder.fail(key, fence, d.reason(), d.message(), check));
              }
              FeeQuote.GasLimit gasLimit = FeeQuote.gasLimit(chain.config(), estimate);
              if (!gasLimit.ok()) {
                return recorder.fail(
                    key, fence, ErrorReason.UNEXPECTED_SETTLE_ERROR, gasLimit.refusal(), check);
              }
              Quote quote = fees.withGasLimit(gasLimit.limit());
              return submitter.signAndSend(
                  check, key, settlementId, lane, to, data, quote, fence, attempt);
            });
  }

  static String fingerprint(PaymentCheck.Result check) {
    return fingerprint(check.payload());
  }

  /**
   * A digest of the whole signed authorization, from parsed values only: every spelling of one
   * payment (hex case, {@code v} as 0/1 or 27/28) is one payment to the ledger, so a respelled copy
   * settled first cannot fail the seller's own settle while the money moves.
   */
  public static String fingerprint(ExactEvmPayload payload) {
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

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
