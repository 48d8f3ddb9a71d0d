package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementFilter;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import io.x402j.settlement.Transfer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link SettlementLedger} must do; run against each implementation. */
abstract class SettlementLedgerContract {
  static final SecureRandom RANDOM = new SecureRandom();
  static final Network NETWORK = Network.evm(84532);
  static final String ASSET =
      EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e").toLowerHex();
  static final Duration LEASE = Duration.ofMinutes(2);
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  /** The ledger under test; fresh data is not required, every test uses new keys. */
  abstract SettlementLedger ledger();

  static String address() {
    return PrivateKeySigner.generate(RANDOM).address().toLowerHex();
  }

  /**
   * A new exact-scheme EVM payment of {@code payer}: its id is {@code <asset>:<payer>:<nonce>}, so
   * that {@link #request} can tell what it moves.
   */
  static SettlementKey key(String payer) {
    return key(NETWORK, ASSET, payer);
  }

  static SettlementKey key(Network network, String asset, String payer) {
    return new SettlementKey(network, "exact", asset + ":" + payer + ":" + Bytes32.random(RANDOM));
  }

  static SettlementRequest request(SettlementKey key, String fingerprint) {
    return request(key, fingerprint, null);
  }

  static SettlementRequest request(SettlementKey key, String fingerprint, String settlementId) {
    String[] id = key.paymentId().split(":");
    return new SettlementRequest(
        key,
        fingerprint,
        new Transfer(id[0], id[1], address(), TokenAmount.of(10_000)),
        Map.of("nonce", id[2]),
        settlementId);
  }

  static Submission submission() {
    return new Submission("0x" + "ab".repeat(32), address(), 7L, "0x02f8");
  }

  @Test
  void aNewPaymentIsClaimedByItsFirstClaimer() {
    SettlementRequest request = request(key(address()), "fp");

    SettlementLedger.Claim claim = ledger().claim(request, T0, LEASE);

    assertThat(claim.owned()).isTrue();
    SettlementRecord record = claim.record();
    assertThat(record.key()).isEqualTo(request.key());
    assertThat(record.state()).isEqualTo(SettlementState.CLAIMED);
    assertThat(record.transfer()).isEqualTo(request.transfer());
    assertThat(record.details()).isEqualTo(request.details());
    assertThat(record.amount()).isEqualTo(TokenAmount.of(10_000));
    assertThat(record.submission()).isNull();
    assertThat(record.createdAt()).isEqualTo(T0);
    assertThat(ledger().find(request.key())).hasValue(record);
  }

  @Test
  void aLiveClaimIsNotTakenOver() {
    SettlementRequest request = request(key(address()), "fp");
    ledger().claim(request, T0, LEASE);

    SettlementLedger.Claim again = ledger().claim(request, T0.plusSeconds(30), LEASE);

    assertThat(again.owned()).isFalse();
    assertThat(again.record().state()).isEqualTo(SettlementState.CLAIMED);
  }

  @Test
  void aStaleClaimIsTakenOverKeepingItsCreationTime() {
    SettlementRequest request = request(key(address()), "fp");
    ledger().claim(request, T0, LEASE);

    SettlementLedger.Claim again = ledger().claim(request, T0.plus(LEASE).plusSeconds(1), LEASE);

    assertThat(again.owned()).isTrue();
    assertThat(again.record().createdAt()).isEqualTo(T0);
  }

  @Test
  void aDifferentPaymentWithTheSameKeyIsNeverTakenOver() {
    SettlementKey key = key(address());
    ledger().claim(request(key, "first"), T0, LEASE);
    ledger().outcome(key, OutcomeFence.ofClaim(T0), SettlementState.FAILED, failure(), T0);

    SettlementLedger.Claim other =
        ledger().claim(request(key, "second"), T0.plus(Duration.ofDays(1)), LEASE);

    assertThat(other.owned()).isFalse();
    assertThat(other.record().fingerprint()).isEqualTo("first");
  }

  @Test
  void submittedRecordsCarryTheTransactionAndAreUnresolved() {
    SettlementKey key = key(address());
    ledger().claim(request(key, "fp"), T0, LEASE);
    Submission submission = submission();

    assertThat(ledger().submitted(key, submission, T0, T0.plusSeconds(1))).isTrue();

    SettlementRecord record = ledger().find(key).orElseThrow();
    assertThat(record.state()).isEqualTo(SettlementState.SUBMITTED);
    assertThat(record.submission()).isEqualTo(submission);
    assertThat(record.updatedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(ledger().unresolved()).extracting(SettlementRecord::key).contains(key);
    assertThat(ledger().claim(request(key, "fp"), T0.plus(Duration.ofDays(1)), LEASE).owned())
        .as("a submitted payment is followed, never taken over")
        .isFalse();
  }

  @Test
  void aTakenOverClaimCannotBeSubmittedByItsFormerOwner() {
    SettlementRequest request = request(key(address()), "fp");
    SettlementLedger.Claim first = ledger().claim(request, T0, LEASE);
    Instant later = T0.plus(LEASE).plusSeconds(1);
    SettlementLedger.Claim second = ledger().claim(request, later, LEASE);
    assertThat(second.owned()).isTrue();

    boolean stale =
        ledger().submitted(request.key(), submission(), first.record().updatedAt(), later);
    boolean current =
        ledger().submitted(request.key(), submission(), second.record().updatedAt(), later);

    assertThat(stale).as("the slow first owner is fenced off").isFalse();
    assertThat(current).isTrue();
    assertThat(ledger().submitted(request.key(), submission(), second.record().updatedAt(), later))
        .as("a submitted record is not submitted again")
        .isFalse();
  }

  @Test
  void notBroadcastReturnsToClaimed() {
    SettlementKey key = key(address());
    ledger().claim(request(key, "fp"), T0, LEASE);
    ledger().submitted(key, submission(), T0, T0);

    assertThat(ledger().notBroadcast(key, submission().transaction(), T0.plusSeconds(1))).isTrue();

    SettlementRecord record = ledger().find(key).orElseThrow();
    assertThat(record.state()).isEqualTo(SettlementState.CLAIMED);
    assertThat(record.submission()).isNull();
    assertThat(ledger().unresolved()).extracting(SettlementRecord::key).doesNotContain(key);
  }

  @Test
  void outcomesAreStoredAndFinalOnesLeaveTheUnresolvedList() {
    SettlementKey key = key(address());
    ledger().claim(request(key, "fp"), T0, LEASE);
    ledger().submitted(key, submission(), T0, T0);
    SettleResponse success =
        SettleResponse.success(
            "0x" + "ab".repeat(32), NETWORK.toString(), request(key, "fp").transfer().payer());

    ledger()
        .outcome(
            key,
            OutcomeFence.ofTransaction(submission().transaction()),
            SettlementState.PENDING,
            SettleResponse.failure(
                ErrorReason.SETTLEMENT_PENDING,
                null,
                "0x" + "ab".repeat(32),
                NETWORK.toString(),
                null),
            T0);
    assertThat(ledger().unresolved()).extracting(SettlementRecord::key).contains(key);
    ledger()
        .outcome(
            key,
            OutcomeFence.ofTransaction(submission().transaction()),
            SettlementState.CONFIRMED,
            success,
            T0.plusSeconds(2));

    SettlementRecord record = ledger().find(key).orElseThrow();
    assertThat(record.state()).isEqualTo(SettlementState.CONFIRMED);
    assertThat(record.outcome()).isEqualTo(success);
    assertThat(record.submission()).isNotNull();
    assertThat(ledger().unresolved()).extracting(SettlementRecord::key).doesNotContain(key);
    assertThat(ledger().claim(request(key, "fp"), T0.plus(Duration.ofDays(1)), LEASE).owned())
        .isFalse();
  }

  @Test
  void theClaimRecordsItsSettlementAttemptAndATakeOverRecordsTheNewOne() {
    SettlementKey key = key(address());
    SettlementRequest first = request(key, "fp", "gate-a-0123456789");
    SettlementRequest second = request(key, "fp", "gate-b-0123456789");

    assertThat(ledger().claim(first, T0, LEASE).record().settlementId())
        .isEqualTo("gate-a-0123456789");
    SettlementLedger.Claim live = ledger().claim(second, T0.plusSeconds(1), LEASE);
    assertThat(live.owned()).isFalse();
    assertThat(live.record().settlementId())
        .as("a live claim keeps its attempt")
        .isEqualTo("gate-a-0123456789");
    SettlementLedger.Claim taken = ledger().claim(second, T0.plus(LEASE).plusSeconds(1), LEASE);
    assertThat(taken.owned()).isTrue();
    assertThat(taken.record().settlementId()).isEqualTo("gate-b-0123456789");
    assertThat(ledger().find(key).orElseThrow().settlementId()).isEqualTo("gate-b-0123456789");
  }

  @Test
  void aFormerOwnersLateFailureCannotOverwriteTheNewOwnersConfirmation() {
    SettlementRequest request = request(key(address()), "fp");
    SettlementKey key = request.key();
    Instant firstClaim = ledger().claim(request, T0, LEASE).record().updatedAt();
    Instant later = T0.plus(LEASE).plusSeconds(1);
    Instant secondClaim = ledger().claim(request, later, LEASE).record().updatedAt();
    Submission submission = submission();
    assertThat(ledger().submitted(key, submission, secondClaim, later)).isTrue();
    SettleResponse success =
        SettleResponse.success(submission.transaction(), NETWORK.toString(), null);
    assertThat(
            ledger()
                .outcome(
                    key,
                    OutcomeFence.ofTransaction(submission.transaction()),
                    SettlementState.CONFIRMED,
                    success,
                    later.plusSeconds(1)))
        .isTrue();

    boolean stale =
        ledger()
            .outcome(
                key,
                OutcomeFence.ofClaim(firstClaim),
                SettlementState.FAILED,
                failure(),
                later.plusSeconds(2));
    boolean otherTransaction =
        ledger()
            .outcome(
                key,
                OutcomeFence.ofTransaction("0x" + "cd".repeat(32)),
                SettlementState.FAILED,
                failure(),
                later.plusSeconds(3));
    boolean sameTransactionAgain =
        ledger()
            .outcome(
                key,
                OutcomeFence.ofTransaction(submission.transaction()),
                SettlementState.FAILED,
                failure(),
                later.plusSeconds(4));

    assertThat(stale).as("a failure from before the take-over").isFalse();
    assertThat(otherTransaction).as("an outcome about another transaction").isFalse();
    assertThat(sameTransactionAgain).as("a confirmed settlement is final").isFalse();
    SettlementRecord record = ledger().find(key).orElseThrow();
    assertThat(record.state()).isEqualTo(SettlementState.CONFIRMED);
    assertThat(record.outcome()).isEqualTo(success);
  }

  @Test
  void aPreBroadcastFailureIsRecordedOnlyUnderTheClaimThatReachedIt() {
    SettlementRequest request = request(key(address()), "fp");
    SettlementKey key = request.key();
    ledger().claim(request, T0, LEASE);
    Instant later = T0.plus(LEASE).plusSeconds(1);
    Instant current = ledger().claim(request, later, LEASE).record().updatedAt();

    assertThat(
            ledger()
                .outcome(key, OutcomeFence.ofClaim(T0), SettlementState.FAILED, failure(), later))
        .isFalse();
    assertThat(ledger().find(key).orElseThrow().state()).isEqualTo(SettlementState.CLAIMED);
    assertThat(
            ledger()
                .outcome(
                    key, OutcomeFence.ofClaim(current), SettlementState.FAILED, failure(), later))
        .isTrue();
    assertThat(ledger().find(key).orElseThrow().state()).isEqualTo(SettlementState.FAILED);
  }

  @Test
  void notBroadcastOnlyReturnsTheTransactionItNames() {
    SettlementKey key = key(address());
    ledger().claim(request(key, "fp"), T0, LEASE);
    Submission submission = submission();
    ledger().submitted(key, submission, T0, T0);

    assertThat(ledger().notBroadcast(key, "0x" + "cd".repeat(32), T0.plusSeconds(1))).isFalse();
    assertThat(ledger().find(key).orElseThrow().submission()).isEqualTo(submission);
  }

  @Test
  void aFailedPaymentMayBeClaimedAgain() {
    SettlementKey key = key(address());
    ledger().claim(request(key, "fp"), T0, LEASE);
    ledger().outcome(key, OutcomeFence.ofClaim(T0), SettlementState.FAILED, failure(), T0);

    assertThat(ledger().claim(request(key, "fp"), T0.plusSeconds(1), LEASE).owned()).isTrue();
    assertThat(ledger().find(key).orElseThrow().outcome()).isNull();
  }

  @Test
  void concurrentClaimsHaveExactlyOneWinner() throws Exception {
    SettlementRequest request = request(key(address()), "fp");
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Boolean>> claims = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<Boolean> claim =
            () -> {
              start.await();
              return ledger().claim(request, T0, LEASE).owned();
            };
        claims.add(pool.submit(claim));
      }
      start.countDown();
      int owners = 0;
      for (Future<Boolean> claim : claims) {
        owners += claim.get() ? 1 : 0;
      }
      assertThat(owners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentTakeOversOfAStaleClaimHaveExactlyOneWinner() throws Exception {
    SettlementRequest request = request(key(address()), "fp");
    ledger().claim(request, T0, LEASE);
    Instant later = T0.plus(LEASE).plusSeconds(5);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> claims = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        claims.add(pool.submit(() -> ledger().claim(request, later, LEASE).owned()));
      }
      int owners = 0;
      for (Future<Boolean> claim : claims) {
        owners += claim.get() ? 1 : 0;
      }
      assertThat(owners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void listingFiltersAndPagesNewestFirst() {
    String payer = address();
    List<SettlementKey> keys = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SettlementKey key = key(payer);
      keys.add(key);
      ledger().claim(request(key, "fp" + i), T0.plus(i, ChronoUnit.MINUTES), LEASE);
    }
    ledger()
        .outcome(
            keys.get(4),
            OutcomeFence.ofClaim(T0.plus(4, ChronoUnit.MINUTES)),
            SettlementState.CONFIRMED,
            SettleResponse.success("0x1", NETWORK.toString(), null),
            T0);

    List<SettlementRecord> page1 =
        ledger().list(new SettlementFilter(null, payer, null, null), 0, 2);
    List<SettlementRecord> page2 =
        ledger().list(new SettlementFilter(NETWORK, payer, null, null), 2, 2);
    List<SettlementRecord> confirmed =
        ledger().list(new SettlementFilter(null, payer, null, SettlementState.CONFIRMED), 0, 10);
    SettlementRecord third = ledger().find(keys.get(2)).orElseThrow();
    List<SettlementRecord> byPayTo =
        ledger().list(new SettlementFilter(null, null, third.payTo(), null), 0, 10);

    assertThat(page1).extracting(SettlementRecord::key).containsExactly(keys.get(4), keys.get(3));
    assertThat(page2).extracting(SettlementRecord::key).containsExactly(keys.get(2), keys.get(1));
    assertThat(confirmed).extracting(SettlementRecord::key).containsExactly(keys.get(4));
    assertThat(byPayTo).extracting(SettlementRecord::key).containsExactly(keys.get(2));
    assertThat(ledger().list(new SettlementFilter(Network.evm(1), payer, null, null), 0, 10))
        .isEmpty();
  }

  static SettleResponse failure() {
    return SettleResponse.failure(
        ErrorReason.EXACT_EVM_SIMULATION_FAILED, null, "", NETWORK.toString(), null);
  }

  @Test
  void inFlightListsOnePayersUnfinishedSettlementsOfOneTokenOldestFirst() {
    String payer = address();
    SettlementKey claimed = key(payer);
    SettlementKey submitted = key(payer);
    SettlementKey pending = key(payer);
    SettlementKey confirmed = key(payer);
    SettlementKey failed = key(payer);
    SettlementKey otherToken = key(NETWORK, address(), payer);
    SettlementKey otherNetwork = key(Network.evm(8453), ASSET, payer);
    SettlementKey otherPayer = key(address());
    List<SettlementKey> all =
        List.of(
            claimed, submitted, pending, confirmed, failed, otherToken, otherNetwork, otherPayer);
    for (int i = 0; i < all.size(); i++) {
      ledger().claim(request(all.get(i), "fp"), T0.plusSeconds(i), LEASE);
    }
    ledger().submitted(submitted, submission(), T0.plusSeconds(1), T0.plusSeconds(10));
    ledger().submitted(pending, submission(), T0.plusSeconds(2), T0.plusSeconds(10));
    ledger()
        .outcome(
            pending,
            OutcomeFence.ofTransaction(submission().transaction()),
            SettlementState.PENDING,
            failure(),
            T0.plusSeconds(11));
    ledger()
        .outcome(
            confirmed,
            OutcomeFence.ofClaim(T0.plusSeconds(3)),
            SettlementState.CONFIRMED,
            failure(),
            T0.plusSeconds(11));
    ledger()
        .outcome(
            failed,
            OutcomeFence.ofClaim(T0.plusSeconds(4)),
            SettlementState.FAILED,
            failure(),
            T0.plusSeconds(11));

    List<SettlementRecord> inFlight = ledger().inFlight(NETWORK, ASSET, payer, 10);

    assertThat(inFlight)
        .extracting(SettlementRecord::key)
        .containsExactly(claimed, submitted, pending);
    assertThat(inFlight).extracting(SettlementRecord::amount).containsOnly(TokenAmount.of(10_000));
    assertThat(ledger().inFlight(NETWORK, ASSET, payer, 2)).hasSize(2);
  }

  // ------------------------------------------------------------ payments of other chains, schemes

  static final Network SOLANA = Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
  static final String USDC_MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"; // 44 characters
  static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  /** Random base58 text, such as a Solana signature (88) or address (32 to 44 characters). */
  static String base58(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(BASE58.charAt(RANDOM.nextInt(BASE58.length())));
    }
    return text.toString();
  }

  @Test
  void aSolanaPaymentKeyedByItsSignatureIsHeldWhole() {
    String signature = base58(88);
    String payer = base58(44);
    SettlementKey key = new SettlementKey(SOLANA, "exact", signature);
    SettlementRequest request =
        new SettlementRequest(
            key,
            "sha256:" + "0f".repeat(32),
            new Transfer(USDC_MINT, payer, base58(43), TokenAmount.of(1_000_000)),
            Map.of("feePayer", base58(44)),
            "gate-solana-0123456789");
    Submission submission =
        new Submission(
            signature,
            base58(44),
            null,
            "AQ" + "A".repeat(600) + "==",
            Map.of("lastValidBlockHeight", "312456789", "blockhash", base58(44)));

    assertThat(ledger().claim(request, T0, LEASE).owned()).isTrue();
    assertThat(ledger().submitted(key, submission, T0, T0.plusSeconds(1))).isTrue();

    SettlementRecord record = ledger().find(key).orElseThrow();
    assertThat(record.key()).isEqualTo(key);
    assertThat(record.transfer()).isEqualTo(request.transfer());
    assertThat(record.details()).isEqualTo(request.details());
    assertThat(record.settlementId()).isEqualTo("gate-solana-0123456789");
    assertThat(record.submission()).isEqualTo(submission);
    assertThat(record.submission().sequence()).isNull();
    assertThat(ledger().unresolved()).extracting(SettlementRecord::key).contains(key);
    assertThat(ledger().inFlight(SOLANA, USDC_MINT, payer, 10))
        .extracting(SettlementRecord::key)
        .containsExactly(key);
    assertThat(ledger().list(new SettlementFilter(SOLANA, "exact", payer, null, null), 0, 10))
        .containsExactly(record);

    SettleResponse success = SettleResponse.success(signature, SOLANA.toString(), payer);
    assertThat(
            ledger()
                .outcome(
                    key,
                    OutcomeFence.ofTransaction(signature),
                    SettlementState.CONFIRMED,
                    success,
                    T0.plusSeconds(2)))
        .isTrue();
    assertThat(ledger().find(key).orElseThrow().outcome()).isEqualTo(success);
    assertThat(ledger().inFlight(SOLANA, USDC_MINT, payer, 10)).isEmpty();
  }

  @Test
  void aPermit2PaymentWithTheLargestUint256NonceIsHeld() {
    String owner = address();
    String nonce = java.math.BigInteger.TWO.pow(256).subtract(java.math.BigInteger.ONE).toString();
    SettlementKey key = new SettlementKey(NETWORK, "exact", "permit2:" + owner + ":" + nonce);
    SettlementRequest request =
        new SettlementRequest(
            key,
            "fp",
            new Transfer(ASSET, owner, address(), TokenAmount.of(5)),
            Map.of("nonce", nonce, "transferMethod", "permit2"),
            null);

    assertThat(ledger().claim(request, T0, LEASE).owned()).isTrue();

    SettlementRecord record = ledger().find(key).orElseThrow();
    assertThat(record.key().paymentId()).endsWith(":" + nonce);
    assertThat(record.details()).containsEntry("nonce", nonce);
    assertThat(ledger().inFlight(NETWORK, ASSET, owner, 10))
        .as("a payer's balance is committed across transfer methods")
        .extracting(SettlementRecord::key)
        .containsExactly(key);
  }

  @Test
  void theLongestPaymentIdAndAddressesFit() {
    SettlementKey key =
        new SettlementKey(SOLANA, "upto", base58(SettlementKey.MAX_PAYMENT_ID_LENGTH));
    Transfer transfer =
        new Transfer(
            base58(Transfer.MAX_ADDRESS_LENGTH),
            base58(Transfer.MAX_ADDRESS_LENGTH),
            base58(Transfer.MAX_ADDRESS_LENGTH),
            TokenAmount.of(1));
    SettlementRequest request =
        new SettlementRequest(
            key,
            "f".repeat(SettlementRequest.MAX_FINGERPRINT_LENGTH),
            transfer,
            Map.of(),
            "s".repeat(SettlementRequest.MAX_SETTLEMENT_ID_LENGTH));
    Submission submission =
        new Submission(
            base58(Submission.MAX_TRANSACTION_LENGTH),
            base58(Transfer.MAX_ADDRESS_LENGTH),
            Long.MAX_VALUE,
            "0x02");

    assertThat(ledger().claim(request, T0, LEASE).owned()).isTrue();
    assertThat(ledger().submitted(key, submission, T0, T0)).isTrue();

    SettlementRecord record = ledger().find(key).orElseThrow();
    assertThat(record.transfer()).isEqualTo(transfer);
    assertThat(record.submission()).isEqualTo(submission);
  }

  @Test
  void oneIdUnderTwoSchemesOrNetworksIsTwoPayments() {
    String id = base58(88);
    SettlementKey exact = new SettlementKey(SOLANA, "exact", id);
    SettlementKey upto = new SettlementKey(SOLANA, "upto", id);
    SettlementKey devnet =
        new SettlementKey(Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"), "exact", id);
    Transfer transfer = new Transfer(USDC_MINT, base58(44), base58(44), TokenAmount.of(1));

    for (SettlementKey key : List.of(exact, upto, devnet)) {
      assertThat(ledger().claim(new SettlementRequest(key, "fp", transfer), T0, LEASE).owned())
          .as("%s", key)
          .isTrue();
    }
    assertThat(ledger().find(upto).orElseThrow().key().scheme()).isEqualTo("upto");
  }
}
