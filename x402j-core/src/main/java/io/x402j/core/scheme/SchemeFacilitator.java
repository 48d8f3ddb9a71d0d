package io.x402j.core.scheme;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The facilitator side of a payment scheme: verifies payments and settles them on chain.
 * Thread-safe; methods return without blocking on I/O.
 *
 * <p>An invalid payment completes normally with a {@link VerifyResponse} or {@link SettleResponse}
 * that carries the reason. So does a chain that cannot be reached: {@code unexpected_verify_error}
 * or {@code unexpected_settle_error} before anything was broadcast, {@code settlement_pending} with
 * the transaction hash after. Exceptional completion is reserved for bugs.
 */
public interface SchemeFacilitator {
  /** The scheme implemented, e.g. {@code exact}. */
  String scheme();

  /**
   * The family of networks whose signers {@link #signers} reports, e.g. {@code eip155:*}; used as
   * the key of {@code signers} in {@code /supported}.
   */
  NetworkPattern family();

  /** The networks this instance verifies and settles on. */
  List<Network> networks();

  /** Extra data for the {@code /supported} kind of {@code network}, or {@code null}. */
  default Map<String, Object> supportedExtra(Network network) {
    return null;
  }

  /**
   * The payment extensions this implementation acts on (e.g. {@code eip2612GasSponsoring}), listed
   * in {@code /supported}'s {@code extensions}; none by default.
   */
  default List<String> extensions() {
    return List.of();
  }

  /**
   * Whether the scheme exists in protocol v1 too. {@code exact} does; a scheme introduced with v2
   * (such as {@code upto}) does not, and is then neither listed nor served under v1 names.
   */
  default boolean servesV1() {
    return true;
  }

  /**
   * The identity of the payment {@code request} carries, from its parsed values, so that every
   * spelling of one payment (letter case of hex, key order) is one payment. A facilitator binds a
   * {@code payment-identifier} id to it: the same id with another identity is a conflict. The
   * default is {@link PaymentIdentity#ofJson}, a digest of the payload's canonical JSON (strings as
   * sent); a scheme that can parse its payload should override it with the identity its resource
   * server side ({@link SchemeServer#identify}) gives.
   *
   * @throws IllegalArgumentException naming the field, when the payload is malformed for the scheme
   */
  default PaymentIdentity identify(SchemeRequest request) {
    return PaymentIdentity.ofJson(
        request.requirements().scheme(),
        request.requirements().network(),
        request.payload().payload());
  }

  /** The addresses that broadcast settlements on {@code network}. */
  List<String> signers(Network network);

  /** Checks that the payment would settle, without changing chain state. */
  CompletableFuture<VerifyResponse> verify(SchemeRequest request);

  /**
   * Settles the payment. An outcome not known in time is {@code settlement_pending} with the
   * transaction hash, never a failure.
   */
  CompletableFuture<SettleResponse> settle(SchemeRequest request);
}
