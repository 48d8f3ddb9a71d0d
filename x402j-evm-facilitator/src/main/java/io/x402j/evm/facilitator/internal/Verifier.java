package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.decodeUint;
import static io.x402j.evm.facilitator.internal.ChainReads.describe;
import static io.x402j.evm.facilitator.internal.ChainReads.ethCall;
import static io.x402j.evm.facilitator.internal.ChainReads.hasCode;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Verifies exact-scheme EVM payments: every check that needs no chain access first ({@link
 * PaymentCheck}), then one JSON-RPC batch: the token's code (once per token), the payer's balance,
 * the authorization's state, a simulation of the transfer, and for a signature that did not recover
 * locally the payer's ERC-1271 answer. A failed simulation is explained by {@link
 * SimulationDiagnosis}. A payment whose balance is already committed to this process's settlements
 * in flight is refused as if short. Chain outages answer {@code unexpected_verify_error}. Not part
 * of the x402j API.
 */
public final class Verifier {
  /**
   * What this process already committed from a payer's balance to its settlements in flight,
   * besides the payment verified.
   */
  @FunctionalInterface
  public interface Commitments {
    /**
     * Adds the reads it needs to {@code calls} (which the verifier sends in one batch) and returns
     * how to read the committed sum from the batch's results.
     */
    Function<List<RpcResult>, BigInteger> ask(PaymentCheck.Result check, List<RpcCall> calls);
  }

  private final Function<Network, EvmChain> chains;
  private final Clock clock;
  private final Commitments commitments;

  /**
   * A verifier of the payments on {@code chains}' networks (the function answers null for others).
   */
  public Verifier(Function<Network, EvmChain> chains, Clock clock, Commitments commitments) {
    this.chains = Objects.requireNonNull(chains, "chains");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.commitments = Objects.requireNonNull(commitments, "commitments");
  }

  /** Verifies a payment; chain failures are answers, never exceptional completions. */
  public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
    PaymentCheck.Result check = PaymentCheck.run(request, chains, clock.instant());
    if (check.failed()) {
      return done(VerifyResponse.invalid(check.reason(), check.message(), check.payer()));
    }
    return onChain(check)
        .exceptionally(
            e ->
                VerifyResponse.invalid(
                    ErrorReason.UNEXPECTED_VERIFY_ERROR,
                    "chain access failed: " + describe(e),
                    check.payer()));
  }

  private CompletableFuture<VerifyResponse> onChain(PaymentCheck.Result check) {
    EvmChain chain = check.chain();
    ExactEvmPayload payload = check.payload();
    Eip3009Authorization a = payload.authorization();
    List<RpcCall> calls = new ArrayList<>();
    boolean askCode = !chain.isKnownContract(check.asset());
    if (askCode) {
      calls.add(RpcCall.of("eth_getCode", check.asset().toLowerHex(), "latest"));
    }
    Function<List<RpcResult>, BigInteger> committed = commitments.ask(check, calls);
    int balanceAt = calls.size();
    calls.add(ethCall(null, check.asset(), Eip3009Calls.balanceOf(a.from())));
    calls.add(ethCall(null, check.asset(), Eip3009Calls.authorizationState(a.from(), a.nonce())));
    calls.add(
        ethCall(
            chain.simulationSender(),
            check.asset(),
            Eip3009Calls.transferWithAuthorization(payload)));
    int signatureAt = calls.size();
    if (check.needsContractSignatureCheck()) {
      calls.addAll(ContractSignature.calls(check));
    }
    int counterfactualAt = calls.size();
    if (check.deployment().isPresent()) {
      calls.add(Counterfactual.simulation(check));
    }
    String payer = check.payer();
    return chain
        .rpc()
        .batch(calls)
        .thenCompose(
            results -> {
              if (check.deployment().isPresent() && !hasCode(results.get(signatureAt))) {
                return counterfactual(
                    check, results, askCode, balanceAt, counterfactualAt, committed);
              }
              if (check.needsContractSignatureCheck()
                  && ContractSignature.refused(
                      results.get(signatureAt), results.get(signatureAt + 1))) {
                return done(
                    VerifyResponse.invalid(
                        ErrorReason.EXACT_EVM_SIGNATURE, ContractSignature.REFUSAL, payer));
              }
              if (check.deferredFailure().isPresent()) {
                PaymentCheck.Result later = check.deferredFailure().get();
                return done(VerifyResponse.invalid(later.reason(), later.message(), payer));
              }
              if (askCode) {
                if (!hasCode(results.get(0))) {
                  return done(
                      VerifyResponse.invalid(
                          ErrorReason.ASSET_NOT_DEPLOYED_CONTRACT,
                          "no contract at " + check.asset() + " on " + chain.config().network(),
                          payer));
                }
                chain.rememberContract(check.asset());
              }
              RpcResult simulation = results.get(balanceAt + 2);
              if (simulation.ok()) {
                return done(
                    fitsBesidesCommitted(check, results.get(balanceAt), committed, results));
              }
              return SimulationDiagnosis.of(
                      check,
                      results.get(balanceAt + 1),
                      results.get(balanceAt),
                      SimulationDiagnosis.revertMessage(simulation.error()))
                  .thenApply(d -> VerifyResponse.invalid(d.reason(), d.message(), payer));
            });
  }

  /**
   * The payer has no code and signed through an ERC-6492 wrapper: its factory must be allowed, and
   * the simulation that deploys the wallet first must show the deployment, the wallet's acceptance
   * of the signature and the transfer succeeding.
   */
  private CompletableFuture<VerifyResponse> counterfactual(
      PaymentCheck.Result check,
      List<RpcResult> results,
      boolean askCode,
      int balanceAt,
      int simulationAt,
      Function<List<RpcResult>, BigInteger> committed) {
    EvmChain chain = check.chain();
    String payer = check.payer();
    Counterfactual.Verdict verdict = Counterfactual.judge(check, results.get(simulationAt));
    if (verdict.refused()) {
      return done(VerifyResponse.invalid(verdict.reason(), verdict.message(), payer));
    }
    if (check.deferredFailure().isPresent()) {
      PaymentCheck.Result later = check.deferredFailure().get();
      return done(VerifyResponse.invalid(later.reason(), later.message(), payer));
    }
    if (askCode) {
      if (!hasCode(results.get(0))) {
        return done(
            VerifyResponse.invalid(
                ErrorReason.ASSET_NOT_DEPLOYED_CONTRACT,
                "no contract at " + check.asset() + " on " + chain.config().network(),
                payer));
      }
      chain.rememberContract(check.asset());
    }
    if (verdict.transferOk()) {
      return done(fitsBesidesCommitted(check, results.get(balanceAt), committed, results));
    }
    return SimulationDiagnosis.of(
            check, results.get(balanceAt + 1), results.get(balanceAt), verdict.message())
        .thenApply(d -> VerifyResponse.invalid(d.reason(), d.message(), payer));
  }

  /**
   * What this process already committed from the same balance counts: of N authorizations over one
   * balance, only those that fit are valid.
   */
  private static VerifyResponse fitsBesidesCommitted(
      PaymentCheck.Result check,
      RpcResult balance,
      Function<List<RpcResult>, BigInteger> committedIn,
      List<RpcResult> results) {
    BigInteger held = decodeUint(balance);
    BigInteger committed = committedIn.apply(results);
    BigInteger value = check.payload().authorization().value().value();
    if (held != null && committed.signum() > 0 && held.subtract(committed).compareTo(value) < 0) {
      SimulationDiagnosis shortfall = SimulationDiagnosis.shortfall(held, committed, value);
      return VerifyResponse.invalid(shortfall.reason(), shortfall.message(), check.payer());
    }
    return VerifyResponse.valid(check.payer());
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
