package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.facilitator.internal.EvmLedgerKey;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementState;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A settlement whose own attempt is claimed by another settlement (another facilitator sharing the
 * ledger, say) follows that claim: it looks again every poll interval, on the injected scheduler
 * and by the injected clock, until the claim is decided. No chain is needed: its RPC address is
 * unreachable and never asked.
 */
class FollowClaimTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final PrivateKeySigner PAYER = PrivateKeySigner.fromHex("0x" + "42".repeat(32));
  static final EvmAddress USDC = EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e");
  static final EvmAddress SELLER = EvmAddress.parse("0x209693Bc6afc0C5328bA36FaF03C514EF312287C");
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final Bytes32 NONCE = Bytes32.parse("0x" + "0123456789abcdef".repeat(4));
  static final Duration POLL = Duration.ofSeconds(2);
  static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(60);
  static final Duration LEASE = Duration.ofSeconds(30);
  static final String ATTEMPT = "attempt-0123456789abcdef";

  final MovableClock clock = new MovableClock();
  final ManualScheduler scheduler = new ManualScheduler();
  final ExecutorService blocking = Executors.newCachedThreadPool();
  final SettlementLedger ledger = new InMemorySettlementLedger();
  final ExactEvmFacilitator facilitator =
      ExactEvmFacilitator.builder()
          .network(network())
          .ledger(ledger)
          .clock(clock)
          .claimLease(LEASE)
          .executors(blocking, scheduler)
          .build();

  /** The network, served by a node that is never reached. */
  static EvmNetworkConfig network() {
    return EvmNetworkConfig.builder(
            BASE_SEPOLIA, JsonRpcClient.builder("http://127.0.0.1:9").build())
        .asset(USDC)
        .signer(PrivateKeySigner.fromHex("0x" + "11".repeat(32)))
        .pollInterval(POLL)
        .receiptTimeout(RECEIPT_TIMEOUT)
        .build();
  }

  @AfterEach
  void stop() {
    facilitator.close();
    blocking.shutdownNow();
  }

  @Test
  void aClaimedAttemptIsFollowedOnTheInjectedScheduler() throws Exception {
    Instant claimedAt = claimElsewhere(NOW);

    CompletableFuture<SettleResponse> settling = facilitator.settle(request());

    ManualScheduler.Task look = scheduler.next();
    assertThat(look.delay()).isEqualTo(POLL);
    assertThat(settling).isNotDone();
    SettleResponse theirs = SettleResponse.success("0x" + "ab".repeat(32), "eip155:84532", null);
    assertThat(
            ledger.outcome(
                key(), OutcomeFence.ofClaim(claimedAt), SettlementState.CONFIRMED, theirs, NOW))
        .isTrue();
    clock.advance(POLL);
    look.run();

    assertThat(settling.get(10, TimeUnit.SECONDS)).isEqualTo(theirs);
    assertThat(scheduler.hasScheduled()).isFalse();
  }

  @Test
  void aClaimThatDoesNotProgressIsAnsweredStalled() throws Exception {
    // Held by a facilitator whose clock runs ten minutes ahead: here its claim never looks expired.
    Instant claimedAt = claimElsewhere(NOW.plus(Duration.ofMinutes(10)));
    CompletableFuture<SettleResponse> settling = facilitator.settle(request());
    ManualScheduler.Task look = scheduler.next();

    clock.advance(LEASE.plus(RECEIPT_TIMEOUT).plusSeconds(1));
    look.run();

    SettleResponse answer = settling.get(10, TimeUnit.SECONDS);
    assertThat(answer.success()).isFalse();
    assertThat(answer.reason()).hasValue(ErrorReason.SETTLEMENT_STALLED);
    assertThat(answer.errorReason()).isEqualTo("settlement_stalled");
    assertThat(answer.errorMessage())
        .isEqualTo("another settlement of this payment has not progressed");
    assertThat(answer.transaction()).isEmpty();
    assertThat(scheduler.hasScheduled()).isFalse();
    // The claim is the other settlement's, untouched.
    assertThat(ledger.find(key()).orElseThrow())
        .extracting(r -> r.state(), r -> r.updatedAt())
        .containsExactly(SettlementState.CLAIMED, claimedAt);
  }

  @Test
  void closingTheFacilitatorEndsTheWaitOfASettlementFollowingAClaim() throws Exception {
    claimElsewhere(NOW);
    CompletableFuture<SettleResponse> settling = facilitator.settle(request());
    scheduler.next(); // waiting to look again

    facilitator.close();

    SettleResponse answer = settling.get(10, TimeUnit.SECONDS);
    assertThat(answer.reason()).hasValue(ErrorReason.UNEXPECTED_SETTLE_ERROR);
    assertThat(answer.errorMessage()).contains("the facilitator was closed");
    assertThat(answer.transaction()).isEmpty();
  }

  /** The payment as the resource server settles it, naming {@link #ATTEMPT}. */
  static SchemeRequest request() {
    PaymentRequirements required =
        PaymentRequirements.builder()
            .scheme("exact")
            .network(BASE_SEPOLIA)
            .amount(TokenAmount.of(10_000))
            .asset(USDC.toString())
            .payTo(SELLER.toString())
            .maxTimeoutSeconds(60)
            .extra(Map.of("name", "USDC", "version", "2"))
            .build();
    return new SchemeRequest(
        2, PaymentPayload.of(null, required, payload().toMap()), required, ATTEMPT);
  }

  static ExactEvmPayload payload() {
    Eip3009Authorization a =
        new Eip3009Authorization(
            PAYER.address(),
            SELLER,
            TokenAmount.of(10_000),
            BigInteger.ZERO,
            BigInteger.valueOf(NOW.plusSeconds(600).getEpochSecond()),
            NONCE);
    Bytes32 domain = Eip3009.domainSeparator("USDC", "2", 84532, USDC);
    return new ExactEvmPayload(PAYER.sign(Eip3009.digest(domain, a)).toString(), a);
  }

  static SettlementKey key() {
    return evmKey().ledgerKey();
  }

  static EvmLedgerKey evmKey() {
    return new EvmLedgerKey(BASE_SEPOLIA, USDC, PAYER.address(), NONCE);
  }

  /** Another settlement of the same attempt claims the payment at {@code at}; returns its claim. */
  Instant claimElsewhere(Instant at) {
    SettlementLedger.Claim claim =
        ledger.claim(
            evmKey()
                .request(
                    ExactEvmFacilitator.fingerprint(payload()),
                    SELLER,
                    TokenAmount.of(10_000),
                    ATTEMPT),
            at,
            LEASE);
    assertThat(claim.owned()).isTrue();
    return claim.record().updatedAt();
  }

  static final class MovableClock extends Clock {
    private volatile Instant now = NOW;

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
