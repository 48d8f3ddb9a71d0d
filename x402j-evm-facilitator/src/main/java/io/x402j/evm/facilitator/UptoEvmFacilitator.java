package io.x402j.evm.facilitator;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.UptoEvmServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies and settles {@code upto}-scheme payments on EVM networks: a Permit2 permit for a ceiling
 * ({@code permitted.amount}) that the upto proxy ({@code Permit2.UPTO_PROXY}) lets exactly one
 * facilitator address ({@code witness.facilitator}) settle for any amount up to it, once.
 *
 * <p>It is a view of an {@link ExactEvmFacilitator} ({@link ExactEvmFacilitator#upto()}): it shares
 * that facilitator's signers, nonce lanes, settlement ledger and chains, and a Permit2 payment is
 * one payment to the ledger whichever scheme settles it (Permit2 nonces are per owner). Closing the
 * exact facilitator stops this one.
 *
 * <p><b>Facilitator address.</b> {@link #supportedExtra} advertises {@code facilitatorAddress}: the
 * <em>first</em> signer configured for the network, always the same one, so a seller may cache it.
 * Payments naming any of the network's signers are accepted, and each is settled from exactly the
 * signer it names (the proxy refuses any other sender).
 *
 * <p><b>Verify</b> checks the permit for the ceiling: {@code requirements.amount} must equal {@code
 * permitted.amount}, then the Permit2 checks of the exact scheme with the upto proxy as spender and
 * {@code witness.facilitator} among this facilitator's signers, then simulates the settlement of
 * the whole ceiling.
 *
 * <p><b>Settle</b> reads {@code requirements.amount} as the <em>actual</em> amount to charge: at
 * most the ceiling (else {@code invalid_upto_evm_payload_settlement_exceeds_amount}). Zero sends no
 * transaction and answers success with an empty transaction and amount {@code 0}; it is still
 * recorded in the ledger, so the permit cannot then be settled for another amount. Settling the
 * same payment again for the same amount answers like a duplicate exact settlement; for a different
 * amount it is refused with {@code permit2_invalid_nonce} (the permit is spent: one upto payment
 * moves money at most once). A successful answer's {@code amount} is the actual amount.
 *
 * <p>A network serves upto only where Permit2 and the upto proxy have code; elsewhere verify and
 * settle answer {@code permit2_proxy_not_deployed}. The code is read at first use and remembered
 * once seen.
 */
public final class UptoEvmFacilitator implements SchemeFacilitator {
  // Derives payment identities only; identify uses no network data.
  private static final UptoEvmServer IDENTITIES = new UptoEvmServer(NetworkRegistry.defaults());

  private final ExactEvmFacilitator exact;

  UptoEvmFacilitator(ExactEvmFacilitator exact) {
    this.exact = exact;
  }

  @Override
  public String scheme() {
    return "upto";
  }

  @Override
  public NetworkPattern family() {
    return NetworkPattern.namespace(Network.EIP155);
  }

  @Override
  public List<Network> networks() {
    return exact.networks();
  }

  @Override
  public List<String> signers(Network network) {
    return exact.signers(network);
  }

  /** As the exact facilitator: {@code eip2612GasSponsoring} through the upto proxy. */
  /**
   * The payment's identity as {@link UptoEvmServer#identify} derives it: (network, owner, Permit2
   * nonce), from parsed values.
   */
  @Override
  public PaymentIdentity identify(SchemeRequest request) {
    return IDENTITIES.identify(
        request.x402Version(), request.requirements(), request.payload().payload());
  }

  @Override
  public List<String> extensions() {
    return exact.extensions();
  }

  /** {@code {"facilitatorAddress": <the network's first signer>}}, or null off its networks. */
  @Override
  public Map<String, Object> supportedExtra(Network network) {
    List<String> signers = exact.signers(network);
    return signers.isEmpty() ? null : Map.of("facilitatorAddress", signers.get(0));
  }

  /** {@code upto} exists in protocol v2 only. */
  @Override
  public boolean servesV1() {
    return false;
  }

  @Override
  public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
    return exact.verifyUpto(request);
  }

  @Override
  public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
    return exact.settleUpto(request);
  }
}
