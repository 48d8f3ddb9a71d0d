package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.decodeQuantity;
import static io.x402j.evm.facilitator.internal.ChainReads.decodeUint;
import static io.x402j.evm.facilitator.internal.ChainReads.describe;
import static io.x402j.evm.facilitator.internal.ChainReads.ethCall;
import static io.x402j.evm.facilitator.internal.ChainReads.hasCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.support.Futures;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.facilitator.ExactEvmFacilitator.Revert;
import io.x402j.evm.facilitator.internal.FeeQuote.Fees;
import io.x402j.evm.facilitator.internal.FeeQuote.Quote;
import io.x402j.evm.facilitator.internal.GasSponsoringCheck.Approval;
import io.x402j.evm.facilitator.internal.Permit2Check.Mode;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcError;
import io.x402j.evm.rpc.RpcException;
import io.x402j.evm.rpc.RpcResult;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementFlow;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementOutcomes;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.SettlementState;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies, settles and reconciles Permit2 payments: exact through {@code x402ExactPermit2Proxy}
 * and upto through {@code x402UptoPermit2Proxy}. It shares the {@link SettlementContext} (chains,
 * nonce lanes, ledger, clock, executors) with the EIP-3009 settlement and runs one {@link
 * SettlementFlow} for both schemes, since a Permit2 payment is keyed by owner and nonce ({@link
 * Permit2LedgerKey}) whichever proxy settles it.
 *
 * <p>Invariants, as for EIP-3009: nothing is signed before the ledger claim is this attempt's; the
 * signed transaction is recorded before it is broadcast and only while the claim holds; a Permit2
 * nonce already used on chain ({@code nonceBitmap}) is refused before anything is signed; success
 * requires receipt status 1 and the token's {@code Transfer} of exactly the settled amount from the
 * owner to the recipient; an upto payment is sent from exactly {@code witness.facilitator}'s lane;
 * an upto settlement of zero sends nothing and is recorded confirmed, so the permit cannot be
 * settled again for another amount. Not part of the x402j API.
 */
public final class Permit2Engine {
  /** Logged under the facade's name, so logging configurations apply. */
  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);

  private static final int MAX_SEND_ATTEMPTS = 3;

  private final SettlementContext ctx;
  private final SettlementFlow flow;
  private final SettlementOutcomes outcomes;
  private final InFlightBalance balance;
  private final ApprovalSponsor sponsor;

  /**
   * An EIP-2612 permit of one owner for one token: the nonce its signature spends. Only one
   * settlement using it may be in flight, since once one settleWithPermit is mined the permit is
   * spent and every other would revert on our gas.
   */
  private record Eip2612Use(
      Network network, EvmAddress token, EvmAddress owner, BigInteger nonce) {}

  /** The settlement of this process that holds each EIP-2612 permit in flight. */
  private final ConcurrentMap<Eip2612Use, SettlementKey> permitsInFlight =
      new ConcurrentHashMap<>();

  /** The Permit2 engine over {@code ctx}'s chains and ledger. */
  public Permit2Engine(SettlementContext ctx) {
    this.ctx = ctx;
    this.flow =
        new SettlementFlow(
            ctx.ledger(), ctx.clock(), ctx.blocking(), ctx.delays()::delay, ctx.claimLease());
    this.outcomes =
        new SettlementOutcomes(
            ctx.ledger(), ctx.clock(), ctx.blocking(), ExactEvmFacilitator.class);
    this.balance = new InFlightBalance(ctx);
    this.sponsor = new ApprovalSponsor(ctx);
  }

  // ------------------------------------------------------------------------------------ verify

  /** Verifies a Permit2 payment; chain failures are answers, never exceptional completions. */
  public CompletableFuture<VerifyResponse> verify(SchemeRequest request, Mode mode) {
    Permit2Check.Result check =
        Permit2Check.run(
            request, request.requirements(), mode, ctx.chains()::get, ctx.clock().instant());
    if (check.failed()) {
      return done(VerifyResponse.invalid(check.reason(), check.message(), check.payer()));
    }
    Optional<GasSponsoringCheck.Checked<Approval>> approval =
        ApprovalSponsor.check(request.payload().extensions(), check);
    if (approval.isPresent() && approval.get().refused()) {
      GasSponsoringCheck.Refusal refusal = approval.get().refusal();
      return done(VerifyResponse.invalid(refusal.reason(), refusal.message(), check.payer()));
    }
    BigInteger amount = check.authorization().amount();
    return onChainChecks(check, amount, false, approval.map(c -> c.value()).orElse(null))
        .thenCompose(failure -> failure != null ? done(failure) : besidesCommitted(check, amount))
        .thenApply(
            failure ->
                failure == null
                    ? VerifyResponse.valid(check.payer())
                    : VerifyResponse.invalid(failure.reason(), failure.message(), check.payer()))
        .exceptionally(
            e ->
                VerifyResponse.invalid(
                    ErrorReason.UNEXPECTED_VERIFY_ERROR,
                    "chain access failed: " + describe(e),
                    check.payer()));
  }

  /** A refusal found on chain. */
  record Refusal(ErrorReason reason, String message) {}

  /** Not a refusal: the balance is short only by settlements in flight; ask again. */
  private static final Refusal WAIT = new Refusal(null, "settlements in flight");

  /**
   * One batch: the code of Permit2, the proxy and the token (each until seen once), the owner's
   * ERC-1271 answer when the signature did not recover, the owner's balance and Permit2 allowance,
   * and a simulation of the proxy's {@code settle} of {@code amount} from the account that will
   * send it; for a settlement ({@code askNonce}) also the Permit2 nonce's bit, so a used nonce is
   * named as such before the simulation's failure is explained. Null when the payment would settle.
   */
  private CompletableFuture<Refusal> onChainChecks(
      Permit2Check.Result check, BigInteger amount, boolean askNonce, Approval approval) {
    EvmChain chain = check.chain();
    Permit2Authorization a = check.authorization();
    List<RpcCall> calls = new ArrayList<>();
    List<EvmAddress> codes = new ArrayList<>();
    for (EvmAddress address : List.of(Permit2.ADDRESS, check.proxy(), check.asset())) {
      if (!chain.isKnownContract(address)) {
        codes.add(address);
        calls.add(RpcCall.of("eth_getCode", address.toLowerHex(), "latest"));
      }
    }
    int signatureAt = calls.size();
    if (check.contractSignature()) {
      calls.addAll(
          ContractSignature.calls(a.from(), check.digest(), check.payload().signatureBytes()));
    }
    int balanceAt = calls.size();
    calls.add(ethCall(null, check.asset(), Eip3009Calls.balanceOf(a.from())));
    calls.add(ethCall(null, check.asset(), Permit2Calls.erc20Allowance(a.from(), Permit2.ADDRESS)));
    if (approval == null) {
      calls.add(ethCall(sender(check), check.proxy(), settleData(check, amount)));
    }
    int bitmapAt = calls.size();
    if (askNonce) {
      calls.add(
          ethCall(null, Permit2.ADDRESS, Permit2Calls.permit2NonceBitmap(a.from(), a.nonce())));
    }
    // erc20ApprovalGasSponsoring: the approval and the settlement simulated as one bundle.
    int approvalAt =
        approval == null
            ? -1
            : ApprovalSponsor.verifyCalls(
                calls, approval, sender(check), check.proxy(), settleData(check, amount));
    return chain
        .rpc()
        .batch(calls)
        .thenApply(
            results -> {
              for (int i = 0; i < codes.size(); i++) {
                EvmAddress address = codes.get(i);
                if (!hasCode(results.get(i))) {
                  if (address.equals(check.asset())) {
                    return new Refusal(
                        ErrorReason.ASSET_NOT_DEPLOYED_CONTRACT,
                        "no contract at " + address + " on " + check.network());
                  }
                  return new Refusal(
                      ErrorReason.PERMIT2_PROXY_NOT_DEPLOYED,
                      (address.equals(Permit2.ADDRESS)
                              ? "Permit2"
                              : "the " + check.mode().scheme() + " Permit2 proxy")
                          + " has no code at "
                          + address
                          + " on "
                          + check.network());
                }
              }
              codes.forEach(chain::rememberContract);
              if (check.contractSignature()
                  && ContractSignature.refused(
                      results.get(signatureAt), results.get(signatureAt + 1))) {
                return new Refusal(
                    ErrorReason.PERMIT2_INVALID_SIGNATURE,
                    "the signature does not recover to the owner, and the owner is not a contract"
                        + " that accepts it (ERC-1271)");
              }
              if (check.deferred() != null) {
                return new Refusal(check.deferred().reason(), check.deferred().message());
              }
              if (askNonce && isUsed(results.get(bitmapAt), a.nonce())) {
                return new Refusal(
                    ErrorReason.PERMIT2_INVALID_NONCE,
                    "Permit2 nonce " + a.nonce() + " of " + a.from() + " is used");
              }
              if (approval != null) {
                return ApprovalSponsor.judgeVerify(
                    results,
                    approvalAt,
                    approval,
                    chain.config().approvalFundingCap(),
                    data -> afterApproval(amount, results.get(balanceAt), data));
              }
              RpcResult simulation = results.get(balanceAt + 2);
              if (simulation.ok()) {
                return null;
              }
              return diagnose(
                  amount, results.get(balanceAt), results.get(balanceAt + 1), simulation.error());
            });
  }

  /**
   * Null when the owner's balance, less what this process has committed to its other settlements in
   * flight (EIP-3009 and Permit2 alike), covers {@code amount}: of N permits over one balance, only
   * those that fit verify, as EIP-3009 payments. Like EIP-3009's verify it reads no ledger (verify
   * is the hot path); settle counts what facilitators sharing the ledger committed.
   */
  private CompletableFuture<Refusal> besidesCommitted(
      Permit2Check.Result check, BigInteger amount) {
    Permit2Authorization a = check.authorization();
    Reservations.Slot slot =
        new Reservations.Slot(
            check.network(),
            check.asset(),
            check.owner(),
            new Permit2LedgerKey(check.network(), a.from(), a.nonce()).ledgerKey());
    List<Reservations.Entry> mine = ctx.reservations().others(slot);
    if (mine.isEmpty()) {
      return done(null);
    }
    List<RpcCall> calls = new ArrayList<>();
    List<SettlementKey> receiptKeys = InFlightBalance.receiptCalls(calls, List.of(), mine);
    // Last: a node that answers a batch in order reads a balance at least as new.
    int balanceAt = calls.size();
    calls.add(ethCall(null, check.asset(), Eip3009Calls.balanceOf(a.from())));
    return check
        .chain()
        .rpc()
        .batch(calls)
        .thenApply(
            results -> {
              RpcResult read = results.get(balanceAt);
              BigInteger held = read.ok() ? decodeUint(read) : null;
              if (held == null) {
                return null; // the simulation just passed; nothing to subtract from
              }
              Set<SettlementKey> mined = InFlightBalance.mined(results, 0, receiptKeys);
              BigInteger inFlight = ctx.reservations().reservedBesides(slot, mined);
              if (inFlight.signum() == 0 || held.subtract(inFlight).compareTo(amount) >= 0) {
                return null;
              }
              return new Refusal(
                  ErrorReason.PERMIT2_INSUFFICIENT_BALANCE,
                  "the owner holds "
                      + held
                      + " of the token, of which "
                      + inFlight
                      + " is committed to settlements in flight; the payment is "
                      + amount);
            });
  }

  /** Whether a {@code nonceBitmap} answer says the nonce is used. */
  private static boolean isUsed(RpcResult bitmap, BigInteger nonce) {
    BigInteger word = bitmap.ok() ? decodeUint(bitmap) : null;
    return word != null && word.testBit(nonce.intValue() & 0xff);
  }

  /**
   * Why a simulation failed, in the official order: the owner's balance is short, Permit2 may not
   * spend enough of it; otherwise the simulation failed, with the proxy's error name when known.
   */
  private static Refusal diagnose(
      BigInteger amount, RpcResult balance, RpcResult allowance, RpcError error) {
    BigInteger held = balance.ok() ? decodeUint(balance) : null;
    if (held != null && held.compareTo(amount) < 0) {
      return new Refusal(
          ErrorReason.PERMIT2_INSUFFICIENT_BALANCE,
          "the owner holds " + held + ", the payment is " + amount);
    }
    BigInteger allowed = allowance.ok() ? decodeUint(allowance) : null;
    if (allowed != null && allowed.compareTo(amount) < 0) {
      return new Refusal(
          ErrorReason.PERMIT2_ALLOWANCE_REQUIRED,
          "the owner allows Permit2 to spend "
              + allowed
              + " of the token; the payment is "
              + amount);
    }
    return new Refusal(ErrorReason.PERMIT2_SIMULATION_FAILED, simulationMessage(error));
  }

  /** Why a settlement simulated after the payer's approval failed: balance, then the proxy. */
  private static Refusal afterApproval(BigInteger amount, RpcResult balance, String revertData) {
    BigInteger held = balance.ok() ? decodeUint(balance) : null;
    if (held != null && held.compareTo(amount) < 0) {
      return new Refusal(
          ErrorReason.PERMIT2_INSUFFICIENT_BALANCE,
          "the owner holds " + held + ", the payment is " + amount);
    }
    Optional<String> name = Optional.empty();
    if (revertData != null) {
      try {
        name = Permit2Calls.revertName(Hex.decode(revertData));
      } catch (IllegalArgumentException e) {
        name = Optional.empty();
      }
    }
    return new Refusal(
        name.flatMap(Permit2Engine::reasonOf).orElse(ErrorReason.PERMIT2_SIMULATION_FAILED),
        "the settlement after the approval reverts in simulation"
            + name.map(n -> ": " + n).orElse(""));
  }

  private static String simulationMessage(RpcError error) {
    if (error == null) {
      return null;
    }
    Optional<String> name = revertName(error);
    return name.map(n -> "simulation reverted: " + n)
        .orElseGet(() -> SimulationDiagnosis.revertMessage(error));
  }

  private static Optional<String> revertName(RpcError error) {
    String data = error == null ? null : error.dataHex();
    if (data == null) {
      return Optional.empty();
    }
    try {
      return Permit2Calls.revertName(Hex.decode(data));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The official reason of a proxy or Permit2 custom error, by name. */
  static Optional<ErrorReason> reasonOf(String errorName) {
    switch (errorName) {
      case "InvalidAmount":
        return Optional.of(ErrorReason.PERMIT2_INVALID_AMOUNT);
      case "InvalidDestination":
        return Optional.of(ErrorReason.PERMIT2_INVALID_DESTINATION);
      case "InvalidOwner":
        return Optional.of(ErrorReason.PERMIT2_INVALID_OWNER);
      case "PaymentTooEarly":
        return Optional.of(ErrorReason.PERMIT2_PAYMENT_TOO_EARLY);
      case "InvalidSignature":
      case "InvalidSigner":
      case "InvalidSignatureLength":
      case "SignatureExpired":
        return Optional.of(ErrorReason.PERMIT2_INVALID_SIGNATURE);
      case "InvalidNonce":
        return Optional.of(ErrorReason.PERMIT2_INVALID_NONCE);
      case "AmountExceedsPermitted":
        return Optional.of(ErrorReason.UPTO_AMOUNT_EXCEEDS_PERMITTED);
      case "UnauthorizedFacilitator":
        return Optional.of(ErrorReason.UPTO_UNAUTHORIZED_FACILITATOR);
      default:
        return Optional.empty();
    }
  }

  /** The account that sends (and simulates) the settlement. */
  private static EvmAddress sender(Permit2Check.Result check) {
    return check.mode() == Mode.UPTO
        ? check.authorization().witness().facilitator()
        : check.chain().simulationSender();
  }

  private static byte[] settleData(Permit2Check.Result check, BigInteger amount) {
    if (check.permit2612() != null) {
      // eip2612GasSponsoring: the proxy submits the payer's permit for Permit2, then settles.
      return check.mode() == Mode.UPTO
          ? Permit2Calls.uptoSettleWithPermit(check.permit2612().permit(), check.payload(), amount)
          : Permit2Calls.exactSettleWithPermit(check.permit2612().permit(), check.payload());
    }
    return check.mode() == Mode.UPTO
        ? Permit2Calls.uptoSettle(check.payload(), amount)
        : Permit2Calls.exactSettle(check.payload());
  }

  // ------------------------------------------------------------------------------------ settle

  /** Settles a Permit2 payment; chain failures are answers, never exceptional completions. */
  public CompletableFuture<SettleResponse> settle(SchemeRequest request, Mode mode) {
    PaymentRequirements required = request.requirements();
    String network = required.network().toString();
    PaymentRequirements checked = required;
    if (mode == Mode.UPTO) {
      // The requirement's amount is what to charge; the permit is checked for its ceiling.
      Optional<BigInteger> ceiling = permittedAmount(request);
      if (ceiling.isPresent()) {
        checked = required.toBuilder().amount(TokenAmount.of(ceiling.get())).build();
      }
    }
    Permit2Check.Result check =
        Permit2Check.run(request, checked, mode, ctx.chains()::get, ctx.clock().instant());
    if (check.failed()) {
      return done(new SettleReply(network, check.payer()).refused(check.reason(), check.message()));
    }
    TokenAmount amount =
        mode == Mode.UPTO ? required.amount() : TokenAmount.of(check.authorization().amount());
    if (amount.value().compareTo(check.authorization().amount()) > 0) {
      return done(
          new SettleReply(network, check.payer())
              .refused(
                  ErrorReason.UPTO_SETTLEMENT_EXCEEDS_AMOUNT,
                  "the settlement is for "
                      + amount
                      + ", the permit allows at most "
                      + check.authorization().amount()));
    }
    Optional<GasSponsoringCheck.Checked<Approval>> approval =
        ApprovalSponsor.check(request.payload().extensions(), check);
    if (approval.isPresent() && approval.get().refused()) {
      GasSponsoringCheck.Refusal refusal = approval.get().refusal();
      return done(
          new SettleReply(network, check.payer()).refused(refusal.reason(), refusal.message()));
    }
    Permit2Authorization a = check.authorization();
    Permit2LedgerKey key = new Permit2LedgerKey(required.network(), a.from(), a.nonce());
    return flow.settle(
        new Payment(
            check,
            key,
            fingerprint(check, amount),
            request.settlementId(),
            amount,
            approval.map(c -> c.value()).orElse(null),
            ctx.attribution().suffix(request)));
  }

  private static Optional<BigInteger> permittedAmount(SchemeRequest request) {
    try {
      return Optional.of(
          io.x402j.evm.Permit2Payload.fromMap(request.payload().payload())
              .authorization()
              .amount());
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // the check names what is wrong
    }
  }

  /**
   * A digest of the whole signed permit and of the amount settled, from parsed values only: every
   * spelling of one payment is one payment to the ledger, and an upto permit settled for another
   * amount is another payment with the same key, hence refused.
   */
  static String fingerprint(Permit2Check.Result check, TokenAmount amount) {
    Permit2Authorization a = check.authorization();
    String material =
        String.join(
            "|",
            check.mode().scheme(),
            Hex.encode(check.payload().signatureBytes()).toLowerCase(Locale.ROOT),
            a.from().toLowerHex(),
            a.token().toLowerHex(),
            a.amount().toString(),
            a.spender().toLowerHex(),
            a.nonce().toString(),
            a.deadline().toString(),
            a.witness().to().toLowerHex(),
            a.witness().facilitator() == null ? "-" : a.witness().facilitator().toLowerHex(),
            a.witness().validAfter().toString(),
            amount.value().toString());
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(material.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** One Permit2 payment as the settlement flow sees it. */
  private final class Payment implements SettlementFlow.Payment {
    private final Permit2Check.Result check;
    private final Permit2LedgerKey key;
    private final String fingerprint;
    private final String attempt;
    private final TokenAmount amount;
    private final Approval approval;
    private final byte[] calldataSuffix;

    Payment(
        Permit2Check.Result check,
        Permit2LedgerKey key,
        String fingerprint,
        String attempt,
        TokenAmount amount,
        Approval approval,
        byte[] calldataSuffix) {
      this.calldataSuffix = calldataSuffix;
      this.check = check;
      this.key = key;
      this.fingerprint = fingerprint;
      this.attempt = attempt;
      this.amount = amount;
      this.approval = approval;
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
          check.mode().scheme(),
          check.asset(),
          check.payTo(),
          amount,
          attempt,
          check.permit2612() == null ? null : check.permit2612().nonce());
    }

    @Override
    public SettleResponse refused(ErrorReason reason, String message) {
      return reply(check).refused(reason, message);
    }

    @Override
    public SettleResponse differentPayment() {
      return refused(
          ErrorReason.PERMIT2_INVALID_NONCE,
          "a different payment with this Permit2 nonce (another permit, scheme or amount) was"
              + " already settled: the permit is spent");
    }

    /** The owner's balance of the token this settlement spends, shared with EIP-3009. */
    Reservations.Slot slot() {
      return new Reservations.Slot(key.network(), check.asset(), check.owner(), key.ledgerKey());
    }

    @Override
    public CompletableFuture<SettleResponse> execute(Instant claimedAt) {
      // Held from before the owner's in-flight settlements are counted until the outcome is in
      // the ledger, where other settlements then see it (as EIP-3009 settlements do).
      Reservations.Slot slot = slot();
      ctx.reservations().enter(slot);
      return Permit2Engine.this
          .withPermitHeld(this, claimedAt)
          .whenComplete((response, error) -> ctx.reservations().leave(slot));
    }

    @Override
    public CompletableFuture<SettleResponse> track(Submission submission) {
      return Permit2Engine.this.track(this, submission, null);
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

  private static SettleReply reply(Permit2Check.Result check) {
    return new SettleReply(check.network().toString(), check.payer());
  }

  private CompletableFuture<SettleResponse> fail(
      Payment p, Instant claimedAt, ErrorReason reason, String message) {
    return outcomes.fail(p.key.ledgerKey(), claimedAt, reply(p.check).refused(reason, message));
  }

  /**
   * Runs the settlement, holding its EIP-2612 permit (eip2612GasSponsoring) for as long: a second
   * settlement using the same permit (network, token, owner, EIP-2612 nonce) waits until the first
   * resolves and then simulates afresh (the permit then spent, it fails before anything is sent),
   * or is refused with {@code permit2_allowance_required} when the first is still in flight after
   * its patience (half the claim lease, at most the receipt timeout).
   */
  private CompletableFuture<SettleResponse> withPermitHeld(Payment p, Instant fence) {
    if (p.check.permit2612() == null) {
      return execute(p, fence, 1);
    }
    Eip2612GasSponsoring permit = p.check.permit2612();
    Eip2612Use use = new Eip2612Use(p.key.network(), permit.asset(), permit.from(), permit.nonce());
    SettlementKey mine = p.key.ledgerKey();
    SettlementKey holder = permitsInFlight.putIfAbsent(use, mine);
    if (holder == null || holder.equals(mine)) {
      return CompletableFuture.supplyAsync(() -> heldElsewhere(p, use), ctx.blocking())
          .handle(
              (elsewhere, error) -> {
                if (error != null) {
                  return fail(
                      p,
                      fence,
                      ErrorReason.UNEXPECTED_SETTLE_ERROR,
                      "settlement failed before broadcast: " + describe(error));
                }
                if (elsewhere) {
                  permitsInFlight.remove(use, mine);
                  return waitForPermit(p, fence, permit);
                }
                return execute(p, fence, 1);
              })
          .thenCompose(settled -> settled)
          .whenComplete((r, e) -> permitsInFlight.remove(use, mine));
    }
    return waitForPermit(p, fence, permit);
  }

  /**
   * Whether a facilitator sharing the ledger (or a settlement of this process left pending) has an
   * older settlement in flight submitting the same EIP-2612 permit: the oldest goes first, so two
   * facilitators never both wait on each other.
   */
  private boolean heldElsewhere(Payment p, Eip2612Use use) {
    SettlementKey mine = p.key.ledgerKey();
    List<SettlementRecord> records =
        ctx.ledger()
            .inFlight(
                use.network(),
                use.token().toLowerHex(),
                use.owner().toLowerHex(),
                InFlightBalance.IN_FLIGHT_LIMIT);
    SettlementRecord own = null;
    for (SettlementRecord record : records) {
      if (record.key().equals(mine)) {
        own = record;
      }
    }
    Instant now = ctx.now();
    for (SettlementRecord record : records) {
      if (record.key().equals(mine)
          || (record.submission() == null && ctx.reservations().isHeld(record.key()))
          || !use.nonce()
              .toString()
              .equals(record.details().get(Permit2LedgerKey.EIP2612_NONCE_DETAIL))) {
        continue; // ours, or this process's not yet signed (the in-process claim decides), or not
        // this permit
      }
      if (record.submission() == null && !record.updatedAt().plus(ctx.claimLease()).isAfter(now)) {
        continue; // a claim older than its lease: its owner is presumed dead
      }
      if (own == null || record.submission() != null || isOlder(record, own)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isOlder(SettlementRecord a, SettlementRecord b) {
    int byTime = a.createdAt().compareTo(b.createdAt());
    return byTime != 0 ? byTime < 0 : a.key().toString().compareTo(b.key().toString()) < 0;
  }

  /** Waits for the permit's settlement in flight to resolve, or refuses after the patience. */
  private CompletableFuture<SettleResponse> waitForPermit(
      Payment p, Instant fence, Eip2612GasSponsoring permit) {
    Duration patience = p.check.chain().config().receiptTimeout();
    if (patience.compareTo(ctx.claimLease().dividedBy(2)) > 0) {
      patience = ctx.claimLease().dividedBy(2);
    }
    if (ctx.clock().instant().isBefore(fence.plus(patience))) {
      return ctx.delays()
          .delay(p.check.chain().config().pollInterval())
          .thenCompose(ignored -> withPermitHeld(p, fence));
    }
    return fail(
        p,
        fence,
        ErrorReason.PERMIT2_ALLOWANCE_REQUIRED,
        "the EIP-2612 permit of "
            + permit.from()
            + " for "
            + permit.asset()
            + " with nonce "
            + permit.nonce()
            + " is in use by another settlement in flight; sign a new one after it settles");
  }

  private CompletableFuture<SettleResponse> execute(Payment p, Instant fence, int attempt) {
    if (p.amount.value().signum() == 0) {
      return settleNothing(p, fence)
          .exceptionallyCompose(
              e ->
                  fail(
                      p,
                      fence,
                      ErrorReason.UNEXPECTED_SETTLE_ERROR,
                      "settlement failed before broadcast: " + describe(e)));
    }
    CompletableFuture<SettleResponse> settled;
    if (p.approval != null && attempt == 1) {
      // erc20ApprovalGasSponsoring: fund (when short) and approve, each step in the ledger first.
      settled =
          sponsor
              .approve(p.check, p.approval, p.key, p.attempt)
              .thenCompose(
                  refusal ->
                      refusal != null
                          ? fail(p, fence, refusal.reason(), refusal.message())
                          : prepareCounted(p, fence, attempt));
    } else {
      settled = prepareCounted(p, fence, attempt);
    }
    return settled.exceptionallyCompose(
        e ->
            fail(
                p,
                fence,
                ErrorReason.UNEXPECTED_SETTLE_ERROR,
                "settlement failed before broadcast: " + describe(e)));
  }

  /** Reads what facilitators sharing the ledger have in flight from the owner, then prepares. */
  private CompletableFuture<SettleResponse> prepareCounted(Payment p, Instant fence, int attempt) {
    return CompletableFuture.supplyAsync(() -> balance.committedElsewhere(p.slot()), ctx.blocking())
        .thenCompose(committed -> prepare(p, fence, attempt, committed));
  }

  /**
   * An upto settlement of zero: nothing moves and no transaction is sent, but the permit is checked
   * as the official settle does (signature on chain for a contract owner, and a simulation of the
   * whole ceiling), so a forged permit cannot take an owner's nonce in the ledger; then it is
   * recorded confirmed, so the permit cannot be settled here again for another amount.
   */
  private CompletableFuture<SettleResponse> settleNothing(Payment p, Instant fence) {
    return onChainChecks(p.check, p.check.authorization().amount(), true, null)
        .thenCompose(
            refusal -> {
              if (refusal != null) {
                return fail(p, fence, refusal.reason(), refusal.message());
              }
              SettleResponse nothing =
                  new SettleResponse(
                      true,
                      null,
                      null,
                      "",
                      p.check.network().toString(),
                      p.check.payer(),
                      TokenAmount.ZERO,
                      null,
                      Map.of());
              return outcomes.record(
                  p.key.ledgerKey(),
                  OutcomeFence.ofClaim(fence),
                  SettlementState.CONFIRMED,
                  nothing);
            });
  }

  /**
   * Reads what the settlement needs in one batch (fees, the lane's nonce, code, the owner's
   * ERC-1271 answer, the sender's ETH, the Permit2 nonce's bit, balance and allowance), refuses
   * what cannot succeed, then estimates the transaction as it will be sent.
   */
  private CompletableFuture<SettleResponse> prepare(
      Payment p, Instant fence, int attempt, InFlightBalance.Committed committed) {
    Permit2Check.Result check = p.check;
    EvmChain chain = check.chain();
    Permit2Authorization a = check.authorization();
    NonceLane lane =
        check.mode() == Mode.UPTO ? chain.laneOf(a.witness().facilitator()) : chain.nextLane();
    EvmAddress sender = lane.signer().address();
    List<RpcCall> calls = new ArrayList<>();
    calls.add(RpcCall.of("eth_getBlockByNumber", "latest", false));
    boolean askTip = chain.config().maxPriorityFeePerGas() == null;
    int tipAt = calls.size();
    if (askTip) {
      calls.add(RpcCall.of("eth_maxPriorityFeePerGas"));
    }
    int countAt = calls.size();
    boolean sync = lane.needsSync();
    if (sync) {
      calls.add(RpcCall.of("eth_getTransactionCount", sender.toLowerHex(), "pending"));
    }
    int gasBalanceAt = calls.size();
    calls.add(RpcCall.of("eth_getBalance", sender.toLowerHex(), "latest"));
    int bitmapAt = calls.size();
    calls.add(ethCall(null, Permit2.ADDRESS, Permit2Calls.permit2NonceBitmap(a.from(), a.nonce())));
    // Whether the owner's other signed settlements are mined: a mined one shows in the balance.
    int receiptsAt = calls.size();
    List<SettlementKey> receiptKeys =
        InFlightBalance.receiptCalls(
            calls, committed.signed(), ctx.reservations().others(p.slot()));
    // Last: a node that answers a batch in order then reads a balance at least as new as the rest.
    int balanceAt = calls.size();
    calls.add(ethCall(null, check.asset(), Eip3009Calls.balanceOf(a.from())));
    return onChainChecks(check, p.amount.value(), true, null)
        .thenCompose(
            refusal -> {
              if (refusal != null) {
                return refusedUnlessPaid(p, fence, refusal);
              }
              return chain
                  .rpc()
                  .batch(calls)
                  .thenCompose(
                      results -> {
                        if (sync && results.get(countAt).ok()) {
                          lane.initialSync(
                              Hex.parseQuantity(results.get(countAt).result().asText())
                                  .longValueExact());
                        }
                        if (isUsed(results.get(bitmapAt), a.nonce())) {
                          return refusedUnlessPaid(
                              p,
                              fence,
                              new Refusal(
                                  ErrorReason.PERMIT2_INVALID_NONCE,
                                  "Permit2 nonce " + a.nonce() + " of " + a.from() + " is used"));
                        }
                        FeeQuote.Priced priced =
                            FeeQuote.fees(
                                chain.config(), results.get(0), askTip ? results.get(tipAt) : null);
                        if (!priced.ok()) {
                          return fail(
                              p, fence, ErrorReason.UNEXPECTED_SETTLE_ERROR, priced.refusal());
                        }
                        if (lane.needsSync()) {
                          return fail(
                              p,
                              fence,
                              ErrorReason.UNEXPECTED_SETTLE_ERROR,
                              "cannot read the nonce of " + sender);
                        }
                        Refusal shortfall =
                            reserve(
                                p, fence, committed, results, receiptsAt, receiptKeys, balanceAt);
                        if (shortfall == WAIT) {
                          // The owner holds enough for this payment alone: the shortfall is
                          // settlements in flight, which may yet fail or have been counted twice.
                          // Ask again until they resolve, while the claim is surely this one's.
                          return ctx.delays()
                              .delay(chain.config().pollInterval())
                              .thenCompose(ignored -> prepareCounted(p, fence, attempt));
                        }
                        if (shortfall != null) {
                          return fail(p, fence, shortfall.reason(), shortfall.message());
                        }
                        RpcResult gas = results.get(gasBalanceAt);
                        return estimate(
                            p,
                            lane,
                            priced.fees(),
                            gas.ok() ? decodeQuantity(gas) : null,
                            fence,
                            attempt);
                      });
            });
  }

  /**
   * Reserves the amount from the owner's balance, less what this process and facilitators sharing
   * the ledger have in flight from it (EIP-3009 and Permit2 alike), decided under one lock: of two
   * permits that together exceed the balance, the second is refused before anything is signed. Null
   * when reserved.
   */
  private Refusal reserve(
      Payment p,
      Instant fence,
      InFlightBalance.Committed committed,
      List<RpcResult> results,
      int receiptsAt,
      List<SettlementKey> receiptKeys,
      int balanceAt) {
    RpcResult read = results.get(balanceAt);
    BigInteger held = read.ok() ? decodeUint(read) : null;
    if (held == null) {
      return new Refusal(
          ErrorReason.UNEXPECTED_SETTLE_ERROR,
          "cannot read the token balance of " + p.check.owner());
    }
    if (committed.tooMany()) {
      return new Refusal(
          ErrorReason.PERMIT2_INSUFFICIENT_BALANCE,
          "the owner has "
              + InFlightBalance.IN_FLIGHT_LIMIT
              + " or more settlements in flight; retry when they are done");
    }
    Set<SettlementKey> mined = InFlightBalance.mined(results, receiptsAt, receiptKeys);
    BigInteger elsewhere = committed.unsigned();
    for (SettlementRecord record : committed.signed()) {
      if (!mined.contains(record.key())) {
        elsewhere = elsewhere.add(record.amount().value());
      }
    }
    BigInteger value = p.amount.value();
    if (ctx.reservations().reserve(p.slot(), value, held.subtract(elsewhere), mined)) {
      return null;
    }
    BigInteger inFlight = elsewhere.add(ctx.reservations().reservedBesides(p.slot(), mined));
    Duration patience = p.check.chain().config().receiptTimeout();
    if (patience.compareTo(ctx.claimLease().dividedBy(2)) > 0) {
      patience = ctx.claimLease().dividedBy(2);
    }
    if (held.compareTo(value) >= 0
        && inFlight.signum() > 0
        && ctx.clock().instant().isBefore(fence.plus(patience))) {
      return WAIT;
    }
    return new Refusal(
        ErrorReason.PERMIT2_INSUFFICIENT_BALANCE,
        "the owner holds "
            + held
            + " of the token, of which "
            + inFlight
            + " is committed to settlements in flight; the payment is "
            + value);
  }

  /**
   * A refusal, unless it is a used nonce and the chain proves the nonce paid this very payment (a
   * front-run of our permit, or the owner settling it elsewhere): then the payment is recorded
   * confirmed by that transaction. Nothing of ours was signed.
   */
  private CompletableFuture<SettleResponse> refusedUnlessPaid(
      Payment p, Instant fence, Refusal refusal) {
    if (refusal.reason() != ErrorReason.PERMIT2_INVALID_NONCE) {
      return fail(p, fence, refusal.reason(), refusal.message());
    }
    return Permit2UsedBy.find(
            p.check.chain(),
            p.key,
            p.check.mode().scheme(),
            p.check.asset(),
            p.check.payTo(),
            p.amount,
            null)
        .thenCompose(
            theirs ->
                theirs == null
                    ? fail(p, fence, refusal.reason(), refusal.message())
                    : outcomes.record(
                        p.key.ledgerKey(),
                        OutcomeFence.ofClaim(fence),
                        SettlementState.CONFIRMED,
                        theirs.response()));
  }

  private CompletableFuture<SettleResponse> estimate(
      Payment p, NonceLane lane, Fees fees, BigInteger signerWei, Instant fence, int attempt) {
    EvmChain chain = p.check.chain();
    EvmAddress sender = lane.signer().address();
    // builder-code: the ERC-8021 suffix rides after the arguments, which the proxy ignores.
    byte[] data =
        CalldataAttribution.append(settleData(p.check, p.amount.value()), p.calldataSuffix);
    Map<String, Object> transaction =
        Eip3009Calls.transactionObject(
            sender, p.check.proxy(), data, fees.maxFeePerGas(), fees.maxPriorityFeePerGas());
    return chain
        .rpc()
        .batch(List.of(RpcCall.of("eth_estimateGas", transaction, "pending")))
        .thenCompose(
            results -> {
              RpcResult estimate = results.get(0);
              if (!estimate.ok()) {
                String message = simulationMessage(estimate.error());
                BigInteger floor = fees.mostFor(chain.config().gasLimitCap());
                if (NodeRefusal.of(message) == NodeRefusal.INSUFFICIENT_FUNDS
                    || (signerWei != null && signerWei.compareTo(floor) < 0)) {
                  return fail(
                      p,
                      fence,
                      ErrorReason.UNEXPECTED_SETTLE_ERROR,
                      "facilitator signer " + sender + " has too little ETH for gas");
                }
                ErrorReason reason =
                    revertName(estimate.error())
                        .flatMap(Permit2Engine::reasonOf)
                        .orElse(ErrorReason.PERMIT2_SIMULATION_FAILED);
                return fail(p, fence, reason, message);
              }
              FeeQuote.GasLimit gasLimit = FeeQuote.gasLimit(chain.config(), estimate);
              if (!gasLimit.ok()) {
                return fail(p, fence, ErrorReason.UNEXPECTED_SETTLE_ERROR, gasLimit.refusal());
              }
              return signAndSend(
                  p, lane, data, fees.withGasLimit(gasLimit.limit()), fence, attempt);
            });
  }

  private CompletableFuture<SettleResponse> signAndSend(
      Payment p, NonceLane lane, byte[] data, Quote quote, Instant fence, int attempt) {
    EvmChain chain = p.check.chain();
    long chainId = p.key.network().chainId();
    CompletableFuture<Submission> signed =
        CompletableFuture.supplyAsync(
            () ->
                SignedSubmission.sign(
                    ctx,
                    lane,
                    chainId,
                    p.check.proxy(),
                    BigInteger.ZERO,
                    data,
                    quote,
                    p.key.ledgerKey(),
                    p.slot(),
                    fence),
            ctx.blocking());
    return signed
        .thenCompose(
            submission ->
                chain
                    .rpc()
                    .call("eth_sendRawTransaction", submission.raw())
                    .handle(
                        (hash, error) ->
                            sendOutcome(p, lane, submission, quote, error, fence, attempt))
                    .thenCompose(outcome -> outcome))
        .exceptionallyCompose(
            error -> {
              if (Futures.unwrap(error) instanceof SignedSubmission.ClaimLostException) {
                // Another facilitator took the payment over: follow it, never broadcast.
                return CompletableFuture.supplyAsync(
                        () -> ctx.ledger().find(p.key.ledgerKey()).orElseThrow(), ctx.blocking())
                    .thenCompose(record -> flow.follow(p, record, ctx.now()));
              }
              return CompletableFuture.failedFuture(error);
            });
  }

  private CompletableFuture<SettleResponse> sendOutcome(
      Payment p,
      NonceLane lane,
      Submission submission,
      Quote quote,
      Throwable error,
      Instant fence,
      int attempt) {
    if (error == null) {
      return track(p, submission, lane);
    }
    Throwable cause = Futures.unwrap(error);
    if (!(cause instanceof RpcException)) {
      return track(p, submission, lane); // unknown: it may have arrived
    }
    RpcException failure = (RpcException) cause;
    NodeRefusal refusal = NodeRefusal.of(failure);
    if (failure.kind() == RpcException.Kind.RPC_ERROR && refusal == NodeRefusal.ALREADY_KNOWN) {
      return track(p, submission, lane);
    }
    if (failure.kind() != RpcException.Kind.RPC_ERROR
        && failure.kind() != RpcException.Kind.UNREACHABLE) {
      return track(p, submission, lane); // timeout or dropped connection: unknown
    }
    // The node refused the transaction or could not be reached: it provably went nowhere.
    Instant reclaimed = ctx.now();
    CompletableFuture<Void> released =
        CompletableFuture.runAsync(
            () -> {
              if (!ctx.ledger()
                  .notBroadcast(p.key.ledgerKey(), submission.transaction(), reclaimed)) {
                LOG.warn("settlement of {} changed hands while its broadcast failed", p.key);
              }
            },
            ctx.blocking());
    long accountNonce = EvmLedgerKey.accountNonce(submission);
    if (refusal == NodeRefusal.NONCE_TAKEN) {
      lane.done(accountNonce);
      return released
          .thenCompose(ignored -> LaneRepair.resync(p.check.chain(), lane))
          .thenCompose(
              ignored ->
                  attempt < MAX_SEND_ATTEMPTS
                      ? execute(p, reclaimed, attempt + 1)
                      : fail(
                          p,
                          reclaimed,
                          ErrorReason.UNEXPECTED_SETTLE_ERROR,
                          "could not get a usable nonce"));
    }
    // A higher nonce may already be in flight behind this one (EIP-3009 and Permit2 settlements
    // share the signer's lane): fill the gap, as the EIP-3009 path does.
    LaneRepair.release(p.check.chain(), lane, accountNonce, quote, ctx.blocking());
    String reason =
        refusal == NodeRefusal.INSUFFICIENT_FUNDS
            ? "facilitator signer " + lane.signer().address() + " has too little ETH for gas"
            : "the node refused the settlement transaction: " + failure.getMessage();
    return released.thenCompose(
        ignored -> fail(p, reclaimed, ErrorReason.UNEXPECTED_SETTLE_ERROR, reason));
  }

  private CompletableFuture<SettleResponse> track(
      Payment p, Submission submission, NonceLane knownLane) {
    EvmChain chain = p.check.chain();
    String hash = submission.transaction();
    return ReceiptWait.outcome(
            chain,
            submission,
            knownLane,
            reply(p.check),
            receipt ->
                explained(
                    chain,
                    p.key,
                    p.check.mode().scheme(),
                    p.check.asset(),
                    p.check.payTo(),
                    p.amount,
                    receipt,
                    hash))
        .thenCompose(
            outcome ->
                outcomes.record(
                    p.key.ledgerKey(),
                    OutcomeFence.ofTransaction(hash),
                    outcome.state(),
                    outcome.response()));
  }

  /** What a receipt means: success only with status 1 and the expected Transfer event. */
  static Outcome judge(
      Permit2LedgerKey key,
      String scheme,
      EvmAddress asset,
      EvmAddress payTo,
      TokenAmount amount,
      JsonNode receipt,
      String hash) {
    SettleReply reply = new SettleReply(key.network().toString(), key.owner().toString());
    ErrorReason failed =
        "upto".equals(scheme)
            ? ErrorReason.UPTO_TRANSACTION_FAILED
            : ErrorReason.EXACT_EVM_TRANSACTION_FAILED;
    if (!"0x1".equals(receipt.path("status").asText())) {
      return new Outcome(
          SettlementState.FAILED,
          reply.failedIn(hash, failed, "transaction " + hash + " reverted"));
    }
    if (!Eip3009Calls.hasTransfer(receipt, asset, key.owner(), payTo, amount.value())) {
      return new Outcome(
          SettlementState.FAILED,
          reply.failedIn(
              hash,
              ErrorReason.EXACT_EVM_TRANSFER_EVENT_MISMATCH,
              "transaction " + hash + " emitted no Transfer of " + amount + " to " + payTo));
    }
    return new Outcome(SettlementState.CONFIRMED, reply.settled(hash, amount));
  }

  /**
   * What a mined receipt means, a failure explained when it can be: our transaction reverts when
   * another used the nonce first (anyone can call the exact proxy with a permit seen in the pool);
   * if that transaction moved exactly this payment, the payment is confirmed by it. Failures that
   * stand are reported to the revert listener.
   */
  private CompletableFuture<Outcome> explained(
      EvmChain chain,
      Permit2LedgerKey key,
      String scheme,
      EvmAddress asset,
      EvmAddress payTo,
      TokenAmount amount,
      JsonNode receipt,
      String hash) {
    Outcome outcome = judge(key, scheme, asset, payTo, amount, receipt, hash);
    if (outcome.state() != SettlementState.FAILED) {
      return done(outcome);
    }
    return Permit2UsedBy.find(chain, key, scheme, asset, payTo, amount, hash)
        .thenApply(theirs -> theirs != null ? theirs : reported(key, asset, outcome, hash));
  }

  private Outcome reported(Permit2LedgerKey key, EvmAddress asset, Outcome outcome, String hash) {
    if (outcome.state() == SettlementState.FAILED) {
      LOG.warn(
          "Permit2 settlement transaction {} of owner {} on {} was mined but moved no money: {}",
          hash,
          key.owner(),
          key.network(),
          outcome.response().errorReason());
      try {
        ctx.onRevert().accept(new Revert(key.network(), asset, key.owner(), hash));
      } catch (RuntimeException e) {
        LOG.error("the revert listener failed: {}", describe(e));
      }
    }
    return outcome;
  }

  // --------------------------------------------------------------------------------- reconcile

  /** What reconciling one Permit2 record did. */
  public enum Resolved {
    /** Its receipt showed the transfer. */
    CONFIRMED,
    /** It moved no money and never will. */
    FAILED,
    /** The node did not know it; sent again from the ledger. */
    REBROADCAST,
    /** Still in the pool, or the node could not say. */
    STILL_PENDING
  }

  /**
   * Resolves one submitted or pending Permit2 settlement: a receipt confirms or fails it (by the
   * Transfer event of the recorded amount); a transaction the node holds stays pending; a
   * transaction the node does not know is failed when the Permit2 nonce is used (by another
   * transaction) and otherwise broadcast again from the signed bytes in the ledger.
   */
  public CompletableFuture<Resolved> reconcile(Permit2LedgerKey key, SettlementRecord record) {
    EvmChain chain = ctx.chains().get(key.network());
    Submission submission = record.submission();
    if (chain == null || submission == null) {
      return done(Resolved.STILL_PENDING);
    }
    String hash = submission.transaction();
    NonceLane lane = chain.laneOf(EvmLedgerKey.signer(submission));
    long accountNonce = EvmLedgerKey.accountNonce(submission);
    List<RpcCall> calls =
        List.of(
            RpcCall.of("eth_getTransactionReceipt", hash),
            RpcCall.of("eth_getTransactionByHash", hash),
            ethCall(
                null, Permit2.ADDRESS, Permit2Calls.permit2NonceBitmap(key.owner(), key.nonce())));
    String scheme = record.details().getOrDefault(Permit2LedgerKey.SCHEME_DETAIL, "exact");
    EvmAddress asset = EvmAddress.parse(record.transfer().asset());
    EvmAddress payTo = EvmLedgerKey.payTo(record);
    return chain
        .rpc()
        .batch(calls)
        .thenCompose(
            results -> {
              JsonNode receipt = results.get(0).ok() ? results.get(0).result() : null;
              if (receipt != null && !receipt.isNull()) {
                if (lane != null) {
                  lane.done(accountNonce);
                }
                return explained(chain, key, scheme, asset, payTo, record.amount(), receipt, hash)
                    .thenCompose(
                        outcome ->
                            outcomes
                                .record(
                                    key.ledgerKey(),
                                    OutcomeFence.ofTransaction(hash),
                                    outcome.state(),
                                    outcome.response())
                                .thenApply(r -> outcome))
                    .thenApply(
                        outcome ->
                            outcome.state() == SettlementState.CONFIRMED
                                ? Resolved.CONFIRMED
                                : Resolved.FAILED);
              }
              JsonNode pooled = results.get(1).ok() ? results.get(1).result() : null;
              if (pooled != null && !pooled.isNull()) {
                if (lane != null) {
                  lane.hold(accountNonce);
                }
                return done(Resolved.STILL_PENDING);
              }
              if (!results.get(2).ok()) {
                return done(Resolved.STILL_PENDING);
              }
              BigInteger word = decodeUint(results.get(2));
              if (word != null && word.testBit(key.bitmapBit())) {
                if (lane != null) {
                  lane.unhold(accountNonce);
                }
                // Used by another transaction: the payment itself when the chain proves it.
                return Permit2UsedBy.find(chain, key, scheme, asset, payTo, record.amount(), hash)
                    .thenCompose(
                        theirs -> {
                          Outcome outcome =
                              theirs != null
                                  ? theirs
                                  : new Outcome(
                                      SettlementState.FAILED,
                                      new SettleReply(
                                              key.network().toString(), key.owner().toString())
                                          .refused(
                                              ErrorReason.PERMIT2_INVALID_NONCE,
                                              "the Permit2 nonce was used by another transaction"
                                                  + " that did not make this payment"));
                          return outcomes
                              .record(
                                  key.ledgerKey(),
                                  OutcomeFence.ofTransaction(hash),
                                  outcome.state(),
                                  outcome.response())
                              .thenApply(
                                  r -> theirs != null ? Resolved.CONFIRMED : Resolved.FAILED);
                        });
              }
              return chain
                  .rpc()
                  .call("eth_sendRawTransaction", submission.raw())
                  .thenApply(
                      sent -> {
                        LOG.info(
                            "rebroadcast Permit2 settlement transaction {} from the ledger", hash);
                        if (lane != null) {
                          lane.hold(accountNonce);
                        }
                        return Resolved.REBROADCAST;
                      })
                  .exceptionally(
                      error -> {
                        if (NodeRefusal.of(error) == NodeRefusal.ALREADY_KNOWN) {
                          if (lane != null) {
                            lane.hold(accountNonce);
                          }
                          return Resolved.REBROADCAST;
                        }
                        if (lane != null) {
                          lane.unhold(accountNonce);
                        }
                        return Resolved.STILL_PENDING;
                      });
            });
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
