package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.decodeQuantity;
import static io.x402j.evm.facilitator.internal.ChainReads.decodeUint;
import static io.x402j.evm.facilitator.internal.ChainReads.describe;
import static io.x402j.evm.facilitator.internal.ChainReads.ethCall;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.Futures;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.facilitator.internal.GasSponsoringCheck.Approval;
import io.x402j.evm.facilitator.internal.Permit2Engine.Refusal;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcException;
import io.x402j.evm.rpc.RpcResult;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import io.x402j.settlement.Transfer;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the {@code erc20ApprovalGasSponsoring} extension of a Permit2 payment before the payment
 * itself: fund (only the shortfall of the payer's ETH for the approval's gas), broadcast the
 * payer's signed {@code approve(Permit2, amount)}, wait for its receipt; the caller then settles
 * through the proxy. Not part of the x402j API.
 *
 * <p>Each step is its own ledger record, claimed and recorded before anything is sent, so a crash
 * or a retried {@code /settle} (here or at another facilitator sharing the ledger) follows the
 * recorded transaction instead of sending another:
 *
 * <ul>
 *   <li>the approval: scheme {@value #APPROVAL_SCHEME}, the payment's id ({@code <owner>:<Permit2
 *       nonce>}), fingerprint the approval's transaction hash: one payment broadcasts one approval,
 *       never a different one;
 *   <li>the funding: scheme {@value #FUNDING_SCHEME}, id {@code <payer>:<token>}: a payer is funded
 *       at most once per token, by at most {@link
 *       io.x402j.evm.facilitator.EvmNetworkConfig#approvalFundingCap}. A payer who moves the funded
 *       ETH away (replacing its approval with a transfer at the same nonce) keeps it once; its next
 *       payments are not funded, whatever their Permit2 nonces.
 * </ul>
 *
 * <p>Verification simulates the approval and then the settlement in one {@code eth_simulateV1}
 * bundle (the official facilitator simulates the same two transactions together); a node without
 * {@code eth_simulateV1} gets the approval simulated alone by {@code eth_call} and the settlement
 * judged at settle time.
 */
final class ApprovalSponsor {
  /** The ledger scheme of sponsored approvals. */
  static final String APPROVAL_SCHEME = "erc20-approval";

  /** The ledger scheme of the ETH sent to payers for their approval's gas. */
  static final String FUNDING_SCHEME = "erc20-approval-funding";

  /** The asset of a funding record: the chain's own coin. */
  static final String NATIVE = "native";

  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);
  private static final long TRANSFER_GAS = 21_000;

  private final SettlementContext ctx;

  ApprovalSponsor(SettlementContext ctx) {
    this.ctx = ctx;
  }

  /** The extension of a Permit2 payment, checked locally; empty when it has none. */
  static Optional<GasSponsoringCheck.Checked<Approval>> check(
      Map<String, ?> extensions, Permit2Check.Result check) {
    if (check.permit2612() != null) {
      return Optional.empty(); // the EIP-2612 permit needs no approval transaction
    }
    return GasSponsoringCheck.erc20Approval(
        extensions,
        check.owner(),
        check.asset(),
        check.authorization().amount(),
        check.network().chainId(),
        check.chain().config().maxFeePerGas());
  }

  // ------------------------------------------------------------------------------------ verify

  /** The calls {@link #judgeVerify} reads, appended to {@code calls}; returns the first index. */
  static int verifyCalls(
      List<RpcCall> calls,
      Approval approval,
      EvmAddress settleFrom,
      EvmAddress proxy,
      byte[] data) {
    int at = calls.size();
    EvmAddress payer = approval.signed().sender();
    Eip1559Transaction tx = approval.signed().transaction();
    calls.add(RpcCall.of("eth_getTransactionCount", payer.toLowerHex(), "pending"));
    calls.add(RpcCall.of("eth_getBlockByNumber", "latest", false));
    calls.add(RpcCall.of("eth_getBalance", payer.toLowerHex(), "latest"));
    // The approval alone with its own gas limit (which eth_simulateV1 need not enforce).
    Map<String, Object> approve = new java.util.LinkedHashMap<>();
    approve.put("from", payer.toLowerHex());
    approve.put("to", tx.to().toLowerHex());
    approve.put("data", Hex.encode(tx.data()));
    approve.put("gas", Hex.quantity(BigInteger.valueOf(tx.gasLimit())));
    calls.add(RpcCall.of("eth_call", approve, "latest"));
    Map<String, Object> settle = new java.util.LinkedHashMap<>();
    settle.put("from", settleFrom.toLowerHex());
    settle.put("to", proxy.toLowerHex());
    settle.put("data", Hex.encode(data));
    calls.add(
        RpcCall.of(
            "eth_simulateV1",
            Map.of(
                "blockStateCalls",
                List.of(Map.of("calls", List.of(approve, settle))),
                "validation",
                false),
            "latest"));
    return at;
  }

  /**
   * Judges what {@link #verifyCalls} read: the approval's nonce and fee, that the funding cap
   * covers the payer's shortfall, and the bundle's simulation. Null when approve-then-settle would
   * succeed.
   *
   * @param diagnose explains a failed settlement simulation (balance, allowance, proxy error)
   */
  static Refusal judgeVerify(
      List<RpcResult> results,
      int at,
      Approval approval,
      BigInteger cap,
      java.util.function.Function<String, Refusal> diagnose) {
    RpcResult count = results.get(at);
    RpcResult block = results.get(at + 1);
    RpcResult balance = results.get(at + 2);
    if (count.ok()) {
      BigInteger baseFee = null;
      if (block.ok() && block.result().hasNonNull("baseFeePerGas")) {
        baseFee = Hex.parseQuantity(block.result().get("baseFeePerGas").asText());
      }
      GasSponsoringCheck.Refusal onChain =
          GasSponsoringCheck.approvalOnChain(
              approval, decodeQuantity(count).longValueExact(), baseFee);
      if (onChain != null) {
        return new Refusal(onChain.reason(), onChain.message());
      }
    }
    BigInteger held = balance.ok() ? decodeQuantity(balance) : null;
    if (held != null) {
      BigInteger shortfall = approval.maxCost().subtract(held);
      if (shortfall.compareTo(cap) > 0) {
        return new Refusal(
            ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED,
            "the approval may cost "
                + approval.maxCost()
                + " wei of gas; the payer holds "
                + held
                + " wei and this facilitator funds at most "
                + cap
                + " wei");
      }
    }
    RpcResult approve = results.get(at + 3);
    if (!approve.ok()) {
      return new Refusal(
          ErrorReason.ERC20_APPROVAL_TX_FAILED,
          "the approval reverts in simulation with its gas limit: "
              + SimulationDiagnosis.revertMessage(approve.error()));
    }
    RpcResult simulated = results.get(at + 4);
    if (!simulated.ok()) {
      return null; // no eth_simulateV1: the settlement is judged after the approval lands
    }
    JsonNode calls = simulated.result().path(0).path("calls");
    if (!succeeded(calls.path(0))) {
      return new Refusal(
          ErrorReason.ERC20_APPROVAL_TX_FAILED,
          "the approval reverts in simulation" + errorText(calls.path(0)));
    }
    if (!succeeded(calls.path(1))) {
      return diagnose.apply(revertData(calls.path(1)));
    }
    return null;
  }

  private static boolean succeeded(JsonNode call) {
    return "0x1".equals(call.path("status").asText());
  }

  private static String errorText(JsonNode call) {
    String message = call.path("error").path("message").asText("");
    return message.isEmpty() ? "" : ": " + message;
  }

  /** The revert data of a failed simulated call, or null. */
  private static String revertData(JsonNode call) {
    String data = call.path("error").path("data").asText("");
    if (data.isEmpty()) {
      data = call.path("returnData").asText("");
    }
    return data.isEmpty() || "0x".equals(data) ? null : data;
  }

  // ------------------------------------------------------------------------------------ settle

  /**
   * Makes the approval land for {@code payment}, funding the payer when it must; null when the
   * settlement may go ahead (also when Permit2 already has the allowance), or why it may not.
   */
  CompletableFuture<Refusal> approve(
      Permit2Check.Result check, Approval approval, Permit2LedgerKey payment, String attempt) {
    SettlementKey key = new SettlementKey(payment.network(), APPROVAL_SCHEME, payment.paymentId());
    String fingerprint = approval.signed().hash().toString().toLowerCase(Locale.ROOT);
    return CompletableFuture.supplyAsync(() -> ctx.ledger().find(key), ctx.blocking())
        .thenCompose(
            found -> {
              if (found.isPresent() && found.get().state() != SettlementState.FAILED) {
                SettlementRecord record = found.get();
                if (!fingerprint.equals(record.fingerprint())) {
                  return done(differentApproval());
                }
                if (record.state() == SettlementState.CONFIRMED) {
                  return done(null);
                }
                if (record.submission() != null) {
                  return awaitApproval(check.chain(), key, record.submission().transaction());
                }
              }
              return fresh(check, approval, key, fingerprint, attempt);
            });
  }

  private static Refusal differentApproval() {
    return new Refusal(
        ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED,
        "another approval transaction was already sent for this payment; only that one is used");
  }

  /** Reads the allowance, the payer's ETH and nonce and the base fee; funds if short; approves. */
  private CompletableFuture<Refusal> fresh(
      Permit2Check.Result check,
      Approval approval,
      SettlementKey key,
      String fingerprint,
      String attempt) {
    EvmChain chain = check.chain();
    EvmAddress payer = check.owner();
    List<RpcCall> calls =
        List.of(
            ethCall(null, check.asset(), Permit2Calls.erc20Allowance(payer, Permit2.ADDRESS)),
            RpcCall.of("eth_getBalance", payer.toLowerHex(), "latest"),
            RpcCall.of("eth_getTransactionCount", payer.toLowerHex(), "pending"),
            RpcCall.of("eth_getBlockByNumber", "latest", false));
    return chain
        .rpc()
        .batch(calls)
        .thenCompose(
            results -> {
              for (RpcResult result : results) {
                if (!result.ok()) {
                  return done(
                      new Refusal(
                          ErrorReason.UNEXPECTED_SETTLE_ERROR,
                          "cannot read the payer's allowance, balance or nonce: "
                              + result.error()));
                }
              }
              BigInteger allowance = decodeUint(results.get(0));
              if (allowance != null && allowance.compareTo(check.authorization().amount()) >= 0) {
                return done(null); // Permit2 may already spend it: nothing to sponsor
              }
              JsonNode block = results.get(3).result();
              BigInteger baseFee =
                  block.hasNonNull("baseFeePerGas")
                      ? Hex.parseQuantity(block.get("baseFeePerGas").asText())
                      : null;
              GasSponsoringCheck.Refusal onChain =
                  GasSponsoringCheck.approvalOnChain(
                      approval, decodeQuantity(results.get(2)).longValueExact(), baseFee);
              if (onChain != null) {
                return done(new Refusal(onChain.reason(), onChain.message()));
              }
              BigInteger shortfall = approval.maxCost().subtract(decodeQuantity(results.get(1)));
              CompletableFuture<Refusal> funded =
                  shortfall.signum() > 0 ? fund(check, approval, shortfall) : done(null);
              return funded.thenCompose(
                  refusal ->
                      refusal != null
                          ? done(refusal)
                          : broadcastApproval(check, approval, key, fingerprint, attempt));
            });
  }

  // ----------------------------------------------------------------------------------- funding

  private CompletableFuture<Refusal> fund(
      Permit2Check.Result check, Approval approval, BigInteger shortfall) {
    EvmChain chain = check.chain();
    EvmAddress payer = check.owner();
    BigInteger cap = chain.config().approvalFundingCap();
    if (shortfall.compareTo(cap) > 0) {
      return done(
          new Refusal(
              ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED,
              "the approval may cost "
                  + approval.maxCost()
                  + " wei of gas; the payer lacks "
                  + shortfall
                  + " wei and this facilitator funds at most "
                  + cap
                  + " wei"));
    }
    NonceLane lane = chain.nextLane();
    Network network = check.network();
    SettlementKey key =
        new SettlementKey(
            network, FUNDING_SCHEME, payer.toLowerHex() + ":" + check.asset().toLowerHex());
    SettlementRequest request =
        new SettlementRequest(
            key,
            "funding",
            new Transfer(
                NATIVE,
                lane.signer().address().toLowerHex(),
                payer.toLowerHex(),
                TokenAmount.of(shortfall)),
            Map.of(),
            null);
    Instant claimedAt = ctx.now();
    return CompletableFuture.supplyAsync(
            () -> ctx.ledger().claim(request, claimedAt, ctx.claimLease()), ctx.blocking())
        .thenCompose(
            claim -> {
              if (!claim.owned()) {
                SettlementRecord record = claim.record();
                if (record.state() == SettlementState.CONFIRMED) {
                  return done(
                      new Refusal(
                          ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED,
                          "payer "
                              + payer
                              + " was already funded once for the gas of approving "
                              + check.asset()
                              + " and still lacks "
                              + shortfall
                              + " wei; a payer is funded at most once per token"));
                }
                if (record.submission() != null) {
                  // A funding sent before (a crash, a retry, another facilitator): follow it.
                  return awaitFunding(chain, key, record.submission().transaction(), null, 0);
                }
                return done(
                    new Refusal(
                        ErrorReason.UNEXPECTED_SETTLE_ERROR,
                        "the payer's funding is being sent by another attempt; settle again"));
              }
              return sendFunding(chain, lane, key, payer, shortfall, claimedAt);
            });
  }

  private CompletableFuture<Refusal> sendFunding(
      EvmChain chain,
      NonceLane lane,
      SettlementKey key,
      EvmAddress payer,
      BigInteger value,
      Instant claimedAt) {
    boolean askTip = chain.config().maxPriorityFeePerGas() == null;
    boolean sync = lane.needsSync();
    List<RpcCall> calls = new ArrayList<>();
    calls.add(RpcCall.of("eth_getBlockByNumber", "latest", false));
    if (askTip) {
      calls.add(RpcCall.of("eth_maxPriorityFeePerGas"));
    }
    if (sync) {
      calls.add(
          RpcCall.of("eth_getTransactionCount", lane.signer().address().toLowerHex(), "pending"));
    }
    return chain
        .rpc()
        .batch(calls)
        .thenCompose(
            results -> {
              if (sync && results.get(calls.size() - 1).ok()) {
                lane.initialSync(decodeQuantity(results.get(calls.size() - 1)).longValueExact());
              }
              FeeQuote.Priced priced =
                  FeeQuote.fees(chain.config(), results.get(0), askTip ? results.get(1) : null);
              if (!priced.ok() || lane.needsSync()) {
                return failStep(
                    key,
                    claimedAt,
                    null,
                    new Refusal(
                        ErrorReason.UNEXPECTED_SETTLE_ERROR,
                        priced.ok()
                            ? "cannot read the nonce of " + lane.signer().address()
                            : priced.refusal()));
              }
              FeeQuote.Quote quote = priced.fees().withGasLimit(TRANSFER_GAS);
              return CompletableFuture.supplyAsync(
                      () -> signFunding(chain, lane, key, payer, value, quote, claimedAt),
                      ctx.blocking())
                  .thenCompose(
                      submission -> {
                        if (submission == null) {
                          return done(
                              new Refusal(
                                  ErrorReason.UNEXPECTED_SETTLE_ERROR,
                                  "the funding was taken over by another attempt; settle again"));
                        }
                        return chain
                            .rpc()
                            .call("eth_sendRawTransaction", submission.raw())
                            .handle(
                                (hash, error) -> {
                                  if (error != null && refused(error)) {
                                    lane.release(EvmLedgerKey.accountNonce(submission));
                                    return failStep(
                                        key,
                                        null,
                                        submission.transaction(),
                                        new Refusal(
                                            ErrorReason.UNEXPECTED_SETTLE_ERROR,
                                            "the node refused the funding of the payer's approval"
                                                + " gas: "
                                                + describe(error)));
                                  }
                                  return awaitFunding(
                                      chain,
                                      key,
                                      submission.transaction(),
                                      lane,
                                      EvmLedgerKey.accountNonce(submission));
                                })
                            .thenCompose(f -> f);
                      });
            });
  }

  /** Signs the funding and records it before broadcast; null when the claim was lost. */
  private Submission signFunding(
      EvmChain chain,
      NonceLane lane,
      SettlementKey key,
      EvmAddress payer,
      BigInteger value,
      FeeQuote.Quote quote,
      Instant claimedAt) {
    try {
      Submission submission =
          SignedSubmission.sign(
              ctx,
              lane,
              chain.config().network().chainId(),
              payer,
              value,
              new byte[0],
              quote,
              key,
              null,
              claimedAt);
      LOG.info("funding {} wei to {} for its approval's gas", value, payer);
      return submission;
    } catch (SignedSubmission.ClaimLostException e) {
      return null;
    }
  }

  private CompletableFuture<Refusal> awaitFunding(
      EvmChain chain, SettlementKey key, String hash, NonceLane lane, long nonce) {
    return receipt(chain, hash)
        .thenCompose(
            receipt -> {
              if (receipt == null) {
                return done(
                    new Refusal(
                        ErrorReason.UNEXPECTED_SETTLE_ERROR,
                        "the funding "
                            + hash
                            + " of the approval's gas is not mined yet; settle again"));
              }
              if (lane != null) {
                lane.done(nonce);
              }
              boolean ok = "0x1".equals(receipt.path("status").asText());
              SettleResponse response =
                  ok
                      ? reply(key).settled(hash, TokenAmount.ZERO)
                      : reply(key)
                          .failedIn(
                              hash,
                              ErrorReason.UNEXPECTED_SETTLE_ERROR,
                              "the funding transaction reverted");
              return record(
                      key,
                      OutcomeFence.ofTransaction(hash),
                      ok ? SettlementState.CONFIRMED : SettlementState.FAILED,
                      response)
                  .thenApply(
                      ignored ->
                          ok
                              ? null
                              : new Refusal(
                                  ErrorReason.UNEXPECTED_SETTLE_ERROR,
                                  "the funding transaction " + hash + " reverted"));
            });
  }

  // ---------------------------------------------------------------------------------- approval

  private CompletableFuture<Refusal> broadcastApproval(
      Permit2Check.Result check,
      Approval approval,
      SettlementKey key,
      String fingerprint,
      String attempt) {
    EvmChain chain = check.chain();
    EvmAddress payer = check.owner();
    SettlementRequest request =
        new SettlementRequest(
            key,
            fingerprint,
            new Transfer(
                check.asset().toLowerHex(),
                payer.toLowerHex(),
                Permit2.ADDRESS.toLowerHex(),
                TokenAmount.of(approval.info().amount())),
            Map.of(),
            attempt);
    Instant claimedAt = ctx.now();
    SettlementLedger ledger = ctx.ledger();
    Eip1559Transaction.Signed signed = approval.signed();
    String hash = signed.hash().toString();
    return CompletableFuture.supplyAsync(
            () -> {
              SettlementLedger.Claim claim = ledger.claim(request, claimedAt, ctx.claimLease());
              if (!claim.owned()) {
                return claim.record();
              }
              Submission submission =
                  EvmLedgerKey.submission(
                      hash,
                      payer,
                      signed.transaction().nonce(),
                      Hex.encode(approval.info().transactionBytes()));
              // Recorded before broadcast, and only while the claim is this attempt's.
              return ledger.submitted(key, submission, claimedAt, ctx.now())
                  ? null
                  : ledger.find(key).orElseThrow();
            },
            ctx.blocking())
        .thenCompose(
            other -> {
              if (other != null) {
                if (!fingerprint.equals(other.fingerprint())) {
                  return done(differentApproval());
                }
                if (other.state() == SettlementState.CONFIRMED) {
                  return done(null);
                }
                if (other.submission() != null && other.state() != SettlementState.FAILED) {
                  return awaitApproval(chain, key, other.submission().transaction());
                }
                return done(
                    new Refusal(
                        ErrorReason.UNEXPECTED_SETTLE_ERROR,
                        "the approval is being sent by another attempt; settle again"));
              }
              return chain
                  .rpc()
                  .call("eth_sendRawTransaction", approval.info().signedTransaction())
                  .handle(
                      (sent, error) -> {
                        if (error != null
                            && refused(error)
                            && NodeRefusal.of(error) != NodeRefusal.ALREADY_KNOWN) {
                          return failStep(
                              key,
                              null,
                              hash,
                              new Refusal(
                                  ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED,
                                  "the node refused the approval transaction: " + describe(error)));
                        }
                        return awaitApproval(chain, key, hash);
                      })
                  .thenCompose(f -> f);
            });
  }

  private CompletableFuture<Refusal> awaitApproval(EvmChain chain, SettlementKey key, String hash) {
    return receipt(chain, hash)
        .thenCompose(
            receipt -> {
              if (receipt == null) {
                return done(
                    new Refusal(
                        ErrorReason.UNEXPECTED_SETTLE_ERROR,
                        "the approval " + hash + " is not mined yet; settle again"));
              }
              if ("0x1".equals(receipt.path("status").asText())) {
                return record(
                        key,
                        OutcomeFence.ofTransaction(hash),
                        SettlementState.CONFIRMED,
                        reply(key).settled(hash, TokenAmount.ZERO))
                    .thenApply(ignored -> null);
              }
              Refusal failed =
                  new Refusal(
                      ErrorReason.ERC20_APPROVAL_TX_FAILED,
                      "the approval transaction " + hash + " reverted");
              return record(
                      key,
                      OutcomeFence.ofTransaction(hash),
                      SettlementState.FAILED,
                      reply(key).failedIn(hash, failed.reason(), failed.message()))
                  .thenApply(ignored -> failed);
            });
  }

  // --------------------------------------------------------------------------------- reconcile

  /** Whether a ledger record is one of this class's steps (a funding or an approval). */
  static boolean owns(SettlementKey key) {
    return key.network().isEvm()
        && (APPROVAL_SCHEME.equals(key.scheme()) || FUNDING_SCHEME.equals(key.scheme()));
  }

  /**
   * Resolves a submitted funding or approval step after a restart: its receipt confirms or fails
   * it; a transaction the node holds stays pending; one the node does not know is broadcast again
   * from the signed bytes in the ledger (never another transaction). The payment itself resumes on
   * its next {@code /settle}, which follows these records instead of repeating them.
   */
  CompletableFuture<Permit2Engine.Resolved> reconcile(SettlementRecord record) {
    EvmChain chain = ctx.chains().get(record.key().network());
    Submission submission = record.submission();
    if (chain == null || submission == null) {
      return done(Permit2Engine.Resolved.STILL_PENDING);
    }
    SettlementKey key = record.key();
    String hash = submission.transaction();
    boolean funding = FUNDING_SCHEME.equals(key.scheme());
    NonceLane lane = funding ? chain.laneOf(EvmLedgerKey.signer(submission)) : null;
    long nonce = EvmLedgerKey.accountNonce(submission);
    return chain
        .rpc()
        .batch(
            List.of(
                RpcCall.of("eth_getTransactionReceipt", hash),
                RpcCall.of("eth_getTransactionByHash", hash)))
        .thenCompose(
            results -> {
              JsonNode receipt = results.get(0).ok() ? results.get(0).result() : null;
              if (receipt != null && !receipt.isNull()) {
                if (lane != null) {
                  lane.done(nonce);
                }
                boolean ok = "0x1".equals(receipt.path("status").asText());
                SettleResponse response =
                    ok
                        ? reply(key).settled(hash, TokenAmount.ZERO)
                        : reply(key)
                            .failedIn(
                                hash,
                                funding
                                    ? ErrorReason.UNEXPECTED_SETTLE_ERROR
                                    : ErrorReason.ERC20_APPROVAL_TX_FAILED,
                                "transaction " + hash + " reverted");
                return record(
                        key,
                        OutcomeFence.ofTransaction(hash),
                        ok ? SettlementState.CONFIRMED : SettlementState.FAILED,
                        response)
                    .thenApply(
                        r -> ok ? Permit2Engine.Resolved.CONFIRMED : Permit2Engine.Resolved.FAILED);
              }
              JsonNode pooled = results.get(1).ok() ? results.get(1).result() : null;
              if (pooled != null && !pooled.isNull()) {
                if (lane != null) {
                  lane.hold(nonce);
                }
                return done(Permit2Engine.Resolved.STILL_PENDING);
              }
              return chain
                  .rpc()
                  .call("eth_sendRawTransaction", submission.raw())
                  .handle(
                      (sent, error) -> {
                        if (error == null || NodeRefusal.of(error) == NodeRefusal.ALREADY_KNOWN) {
                          LOG.info("rebroadcast sponsored step {} from the ledger", hash);
                          if (lane != null) {
                            lane.hold(nonce);
                          }
                          return Permit2Engine.Resolved.REBROADCAST;
                        }
                        return Permit2Engine.Resolved.STILL_PENDING;
                      });
            });
  }

  // ----------------------------------------------------------------------------------- helpers

  /** The receipt of {@code hash}, or null when none came within the receipt timeout. */
  private static CompletableFuture<JsonNode> receipt(EvmChain chain, String hash) {
    Duration timeout = chain.config().receiptTimeout();
    return chain
        .receipts()
        .await(hash)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (receipt, error) -> {
              if (error != null) {
                chain.receipts().forget(hash);
                if (!(Futures.unwrap(error) instanceof TimeoutException)) {
                  LOG.warn("receipt polling of {} failed: {}", hash, describe(error));
                }
                return null;
              }
              return receipt;
            });
  }

  /** Whether a broadcast error proves the transaction went nowhere (the node refused it). */
  private static boolean refused(Throwable error) {
    Throwable cause = Futures.unwrap(error);
    return cause instanceof RpcException
        && (((RpcException) cause).kind() == RpcException.Kind.RPC_ERROR
            || ((RpcException) cause).kind() == RpcException.Kind.UNREACHABLE);
  }

  /** Records a step failed (nothing moved, so it may be claimed again) and answers the refusal. */
  private CompletableFuture<Refusal> failStep(
      SettlementKey key, Instant claimedAt, String transaction, Refusal refusal) {
    OutcomeFence fence =
        transaction != null
            ? OutcomeFence.ofTransaction(transaction)
            : OutcomeFence.ofClaim(claimedAt);
    return record(
            key,
            fence,
            SettlementState.FAILED,
            reply(key).refused(refusal.reason(), refusal.message()))
        .thenApply(ignored -> refusal);
  }

  private CompletableFuture<Boolean> record(
      SettlementKey key, OutcomeFence fence, SettlementState state, SettleResponse response) {
    return CompletableFuture.supplyAsync(
        () -> ctx.ledger().outcome(key, fence, state, response, ctx.now()), ctx.blocking());
  }

  private static SettleReply reply(SettlementKey key) {
    String id = key.paymentId();
    return new SettleReply(key.network().toString(), id.substring(0, Math.min(42, id.length())));
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
