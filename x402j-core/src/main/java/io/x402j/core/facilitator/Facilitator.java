package io.x402j.core.facilitator;

import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import java.util.concurrent.CompletableFuture;

/**
 * A facilitator as a resource server uses it: remote ({@link HttpFacilitatorClient}) or in the same
 * process. Thread-safe; calls do not block.
 *
 * <p>An invalid or failed payment completes normally with the facilitator's answer. A future
 * completes exceptionally (with a {@link FacilitatorException} for remote facilitators) only when
 * no answer could be had.
 */
public interface Facilitator {
  /** Asks whether the payment would settle. */
  CompletableFuture<VerifyResponse> verify(FacilitatorRequest request);

  /** Settles the payment. */
  CompletableFuture<SettleResponse> settle(FacilitatorRequest request);

  /** The payment kinds, extensions and signers the facilitator supports. */
  CompletableFuture<SupportedResponse> supported();
}
