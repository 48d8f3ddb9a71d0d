package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.Permit2Fixture.ETH;
import static io.x402j.evm.facilitator.Permit2Fixture.PRICE;
import static io.x402j.evm.facilitator.Permit2Fixture.freshNonce;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.ExactEvmFacilitator.ReconcileReport;
import io.x402j.evm.facilitator.internal.EvmLedgerKey;
import io.x402j.evm.facilitator.internal.Permit2LedgerKey;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Permit2 settlements racing others on anvil: two permits of one owner over one balance, and a
 * permit someone else submitted to the proxy first (recognised as paid, in settle and reconcile).
 */
class Permit2RaceIT {
  static Devnet devnet;
  static Permit2Fixture fx;
  static DevnetInfo info;
  static PrivateKeySigner owner;
  static PrivateKeySigner tight;
  static EvmAddress seller;
  static EvmAddress stranger;
  static PrivateKeySigner gasA;
  static PrivateKeySigner gasB;

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas-a", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("gas-b", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("owner", ETH, BigInteger.valueOf(1_000_000_000))
                .account("tight", ETH, BigInteger.valueOf(15_000))
                .account("stranger", ETH, BigInteger.ZERO)
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    owner = info.requireAccount("owner").signer();
    tight = info.requireAccount("tight").signer();
    seller = info.requireAccount("seller").address();
    fx = new Permit2Fixture(info, seller);
    stranger = info.requireAccount("stranger").address();
    gasA = info.requireAccount("gas-a").signer();
    gasB = info.requireAccount("gas-b").signer();
    devnet.approvePermit2(owner.address(), info.token());
    devnet.approvePermit2(tight.address(), info.token());
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static ExactEvmFacilitator facilitator(
      SettlementLedger ledger, Duration receiptTimeout, Signer... signers) {
    EvmNetworkConfig.Builder network = fx.network(signers);
    if (receiptTimeout != null) {
      network.receiptTimeout(receiptTimeout);
    }
    return fx.facilitator(ledger, network);
  }

  static Permit2Payload permit(Signer from, BigInteger amount, BigInteger nonce) {
    return fx.sign(from, fx.exactPermit(from, amount, nonce));
  }

  static SchemeRequest request(Permit2Payload payload) {
    return fx.request(
        "exact", payload.authorization().amount(), payload.toMap(), "race-it-" + UUID.randomUUID());
  }

  static long count(Signer signer) {
    return devnet.transactionCount(signer.address());
  }

  // ------------------------------------------------------------------------ in-flight balance

  @Test
  void twoPermitsThatTogetherExceedTheBalanceAreNotBothSent() throws Exception {
    // tight holds 15000: each permit of 10000 fits alone, both together do not.
    Permit2Payload first = permit(tight, PRICE, freshNonce());
    Permit2Payload second = permit(tight, PRICE, freshNonce());
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    long sentBefore = count(gasA);
    try (ExactEvmFacilitator facilitator =
        facilitator(new InMemorySettlementLedger(), Duration.ofSeconds(1), gasA)) {
      devnet.setAutomine(false);
      SchemeRequest firstRequest = request(first);
      SettleResponse pending;
      SettleResponse refused;
      try {
        // The first is broadcast and not mined: in flight, the balance still shows 15000.
        pending = facilitator.settle(firstRequest).join();
        refused = facilitator.settle(request(second)).join();
      } finally {
        devnet.mine();
        devnet.setAutomine(true);
      }

      assertThat(pending.isPending()).as("%s", pending).isTrue();
      assertThat(refused.success()).as("%s", refused).isFalse();
      assertThat(refused.isPending()).as("%s", refused).isFalse();
      assertThat(refused.reason()).hasValue(ErrorReason.PERMIT2_INSUFFICIENT_BALANCE);
      assertThat(refused.errorMessage()).contains("in flight");
      // Only the first was ever signed and sent.
      assertThat(count(gasA)).isEqualTo(sentBefore + 1);
      SettleResponse followed = facilitator.settle(firstRequest).join();
      assertThat(followed.success()).as("%s", followed).isTrue();
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE));
    }
  }

  // ------------------------------------------------------------------------------- front-run

  /** Someone else calls the exact proxy with the permit first (anyone may). */
  static JsonNode frontRun(Permit2Payload payload) throws Exception {
    JsonNode receipt =
        devnet.sendAs(stranger, Permit2.EXACT_PROXY, Permit2Calls.exactSettle(payload));
    assertThat(receipt.path("status").asText()).isEqualTo("0x1");
    return receipt;
  }

  @Test
  void aPermitSettledFirstBySomeoneElseIsRecognisedAsPaid() throws Exception {
    Permit2Payload payload = permit(owner, PRICE, freshNonce());
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    JsonNode theirs = frontRun(payload);
    long sentBefore = count(gasA);
    try (ExactEvmFacilitator facilitator =
        facilitator(new InMemorySettlementLedger(), null, gasA)) {
      SchemeRequest request = request(payload);
      SettleResponse settled = facilitator.settle(request).join();

      assertThat(settled.success()).as("%s", settled).isTrue();
      assertThat(settled.transaction()).isEqualTo(theirs.path("transactionHash").asText());
      assertThat(settled.amount()).isEqualTo(TokenAmount.of(PRICE));
      assertThat(count(gasA)).isEqualTo(sentBefore);
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE));
      // Asked again: the same answer from the ledger.
      assertThat(facilitator.settle(request).join().transaction()).isEqualTo(settled.transaction());
    }
  }

  @Test
  void aNonceUsedByAnotherPaymentIsStillRefused() throws Exception {
    BigInteger nonce = freshNonce();
    // The owner's nonce went to another payment (another amount) first.
    frontRun(permit(owner, PRICE.add(BigInteger.ONE), nonce));
    try (ExactEvmFacilitator facilitator =
        facilitator(new InMemorySettlementLedger(), null, gasA)) {
      SettleResponse settled = facilitator.settle(request(permit(owner, PRICE, nonce))).join();

      assertThat(settled.success()).isFalse();
      assertThat(settled.reason()).hasValue(ErrorReason.PERMIT2_INVALID_NONCE);
    }
  }

  /** A settlement a crashed facilitator recorded as submitted: signed, never sent. */
  static void recordSubmitted(SettlementLedger ledger, Signer gas, Permit2Payload payload) {
    long gasNonce = count(gas);
    Eip1559Transaction tx =
        new Eip1559Transaction(
            info.chainId(),
            gasNonce,
            BigInteger.valueOf(1_000_000_000),
            BigInteger.valueOf(20_000_000_000L),
            300_000,
            Permit2.EXACT_PROXY,
            BigInteger.ZERO,
            Permit2Calls.exactSettle(payload));
    byte[] raw = tx.encodeSigned(gas.sign(tx.signingHash()));
    Submission submission =
        EvmLedgerKey.submission(
            Eip1559Transaction.hash(raw).toString(), gas.address(), gasNonce, Hex.encode(raw));
    Permit2LedgerKey key =
        new Permit2LedgerKey(
            info.network(), payload.authorization().from(), payload.authorization().nonce());
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    SettlementLedger.Claim claim =
        ledger.claim(
            key.request(
                "crashed-" + key.nonce(),
                "exact",
                info.token(),
                seller,
                TokenAmount.of(payload.authorization().amount()),
                "race-it-" + UUID.randomUUID()),
            at,
            Duration.ofSeconds(30));
    assertThat(ledger.submitted(key.ledgerKey(), submission, claim.record().updatedAt(), at))
        .isTrue();
  }

  @Test
  void reconcileRecognisesAPermitSomeoneElseSettledWhileWeWereDown() throws Exception {
    SettlementLedger ledger = new InMemorySettlementLedger();
    Permit2Payload payload = permit(owner, PRICE, freshNonce());
    recordSubmitted(ledger, gasB, payload);
    JsonNode theirs = frontRun(payload);
    try (ExactEvmFacilitator restarted = facilitator(ledger, null, gasB)) {
      assertThat(restarted.reconcile().join()).isEqualTo(new ReconcileReport(1, 0, 0, 0));
    }
    Permit2LedgerKey key =
        new Permit2LedgerKey(info.network(), owner.address(), payload.authorization().nonce());
    var record = ledger.find(key.ledgerKey()).orElseThrow();
    assertThat(record.state()).isEqualTo(SettlementState.CONFIRMED);
    assertThat(record.outcome().transaction()).isEqualTo(theirs.path("transactionHash").asText());
  }

  @Test
  void reconcileStillFailsARecordWhoseNonceAnotherPaymentUsed() throws Exception {
    SettlementLedger ledger = new InMemorySettlementLedger();
    BigInteger nonce = freshNonce();
    recordSubmitted(ledger, gasB, permit(owner, PRICE, nonce));
    frontRun(permit(owner, PRICE.add(BigInteger.ONE), nonce));
    try (ExactEvmFacilitator restarted = facilitator(ledger, null, gasB)) {
      assertThat(restarted.reconcile().join()).isEqualTo(new ReconcileReport(0, 1, 0, 0));
    }
  }
}
