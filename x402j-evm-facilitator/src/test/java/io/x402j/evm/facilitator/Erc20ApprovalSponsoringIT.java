package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.Permit2Fixture.ETH;
import static io.x402j.evm.facilitator.Permit2Fixture.PRICE;
import static io.x402j.evm.facilitator.Permit2Fixture.freshNonce;
import static io.x402j.evm.facilitator.Permit2Fixture.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.Erc20ApprovalGasSponsoring;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.internal.Permit2LedgerKey;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementFilter;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code erc20ApprovalGasSponsoring} on anvil with the devnet's plain token (no EIP-2612, no
 * EIP-3009): a payer without ETH and without a Permit2 allowance pays with its signed {@code
 * approve(Permit2)}; the facilitator funds the gas shortfall once, broadcasts the approval, then
 * settles, and never repeats a step after a crash, a retry or at a second facilitator.
 */
class Erc20ApprovalSponsoringIT {
  static final BigInteger MAX_FEE = BigInteger.valueOf(10_000_000_000L);
  static final BigInteger TIP = BigInteger.valueOf(1_000_000_000L);

  static Devnet devnet;
  static Permit2Fixture fx;
  static DevnetInfo info;
  static EvmAddress plain;
  static EvmAddress seller;
  static PrivateKeySigner gas;
  static PrivateKeySigner gas2;

  @BeforeAll
  static void startChain() throws Exception {
    DevnetOptions.Builder options =
        DevnetOptions.builder()
            .account("gas", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
            .account("gas2", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
            .account("seller", BigInteger.ZERO, BigInteger.ZERO);
    for (String name :
        List.of("happy", "crash", "shared", "reverts", "refused", "capped", "upto", "twice")) {
      options.account(name, BigInteger.ZERO, BigInteger.valueOf(1_000_000));
    }
    devnet = Devnet.start(options.build());
    info = devnet.info();
    plain = EvmAddress.parse(info.plainToken().address());
    seller = info.requireAccount("seller").address();
    fx =
        new Permit2Fixture(
            info, seller, plain, DevnetInfo.PLAIN_TOKEN_NAME, DevnetInfo.PLAIN_TOKEN_VERSION);
    gas = info.requireAccount("gas").signer();
    gas2 = info.requireAccount("gas2").signer();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static PrivateKeySigner account(String name) {
    return info.requireAccount(name).signer();
  }

  static ExactEvmFacilitator.Builder builder(
      Signer signer, SettlementLedger ledger, BigInteger cap) {
    return ExactEvmFacilitator.builder()
        .network(
            EvmNetworkConfig.builder(info.networkInfo(), fx.rpc())
                .signer(signer)
                .asset(plain)
                .approvalFundingCap(cap)
                .build())
        .ledger(ledger);
  }

  static ExactEvmFacilitator facilitator(SettlementLedger ledger) {
    return builder(gas, ledger, EvmNetworkConfig.DEFAULT_APPROVAL_FUNDING_CAP).build();
  }

  /** {@code owner}'s signed {@code approve(spender, amount)} of the plain token. */
  static String approveTx(
      Signer owner, long nonce, long gasLimit, EvmAddress spender, BigInteger amount) {
    Eip1559Transaction tx =
        new Eip1559Transaction(
            info.chainId(),
            nonce,
            TIP,
            MAX_FEE,
            gasLimit,
            plain,
            BigInteger.ZERO,
            Permit2Calls.erc20Approve(spender, amount));
    return Hex.encode(tx.encodeSigned(owner.sign(tx.signingHash())));
  }

  static Map<String, Object> approvalInfo(Signer owner, long nonce, long gasLimit) {
    BigInteger amount = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
    return new Erc20ApprovalGasSponsoring(
            owner.address(),
            plain,
            Permit2.ADDRESS,
            amount,
            approveTx(owner, nonce, gasLimit, Permit2.ADDRESS, amount),
            "1")
        .toMap();
  }

  static SchemeRequest request(Signer owner, Map<String, Object> approval) {
    Map<String, Object> extensions =
        approval == null ? null : Map.of(Erc20ApprovalGasSponsoring.KEY, Map.of("info", approval));
    return Permit2Fixture.request(
        fx.requirements("exact", PRICE),
        fx.signed(owner, fx.exactPermit(owner, PRICE, freshNonce())),
        extensions,
        "approval-it-" + UUID.randomUUID());
  }

  @Test
  void aPayerWithoutEthOrAllowancePaysThePlainTokenThroughItsSignedApproval() {
    PrivateKeySigner payer = account("happy");
    assertThat(devnet.balance(payer.address())).isZero();
    assertThat(fx.permit2Allowance(payer.address())).isZero();
    try (ExactEvmFacilitator facilitator = facilitator(new InMemorySettlementLedger())) {
      assertThat(facilitator.extensions()).contains(Erc20ApprovalGasSponsoring.KEY);
      assertThat(facilitator.verify(request(payer, null)).join().reason())
          .hasValue(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED);

      SchemeRequest request = request(payer, approvalInfo(payer, 0, 60_000));
      VerifyResponse verdict = facilitator.verify(request).join();
      assertThat(verdict.isValid()).as(verdict.toString()).isTrue();
      BigInteger before = devnet.tokenBalance(plain, seller);
      long sent = devnet.transactionCount(gas.address());
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(devnet.tokenBalance(plain, seller)).isEqualTo(before.add(PRICE));
      assertThat(devnet.transactionCount(payer.address())).as("the approval landed").isEqualTo(1);
      assertThat(devnet.transactionCount(gas.address()))
          .as("one funding, one settlement")
          .isEqualTo(sent + 2);
      assertThat(devnet.balance(payer.address()))
          .as("the funding never exceeds the approval's most cost")
          .isLessThan(BigInteger.valueOf(60_000).multiply(MAX_FEE));
      assertThat(fx.permit2Allowance(payer.address())).isPositive();
    }
  }

  @Test
  void faultsOfTheApprovalAreRefusedWithTheirOfficialReasonsAndNothingIsSent() {
    PrivateKeySigner payer = account("refused");
    long sent = devnet.transactionCount(gas.address());
    try (ExactEvmFacilitator facilitator = facilitator(new InMemorySettlementLedger())) {
      BigInteger max = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
      Map<String, Object> wrongSpender =
          new java.util.LinkedHashMap<>(approvalInfo(payer, 0, 60_000));
      wrongSpender.put("signedTransaction", approveTx(payer, 0, 60_000, Permit2.EXACT_PROXY, max));
      assertRefused(facilitator, payer, wrongSpender, ErrorReason.ERC20_APPROVAL_TX_WRONG_SPENDER);

      Map<String, Object> otherSigner =
          new java.util.LinkedHashMap<>(approvalInfo(payer, 0, 60_000));
      otherSigner.put(
          "signedTransaction", approveTx(account("capped"), 0, 60_000, Permit2.ADDRESS, max));
      assertRefused(facilitator, payer, otherSigner, ErrorReason.ERC20_APPROVAL_TX_SIGNER_MISMATCH);

      assertRefused(
          facilitator,
          payer,
          approvalInfo(payer, 7, 60_000),
          ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED);
    }
    try (ExactEvmFacilitator unfunded =
        builder(gas, new InMemorySettlementLedger(), BigInteger.ZERO).build()) {
      assertRefused(
          unfunded,
          account("capped"),
          approvalInfo(account("capped"), 0, 60_000),
          ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED);
    }
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(sent);
    assertThat(devnet.transactionCount(payer.address())).isZero();
  }

  private static void assertRefused(
      ExactEvmFacilitator facilitator,
      Signer payer,
      Map<String, Object> approval,
      ErrorReason reason) {
    SchemeRequest request = request(payer, approval);
    VerifyResponse verdict = facilitator.verify(request).join();
    assertThat(verdict.reason()).as(verdict.toString()).hasValue(reason);
    SettleResponse settled = facilitator.settle(request).join();
    assertThat(settled.success()).isFalse();
    assertThat(settled.reason()).as(settled.toString()).hasValue(reason);
  }

  @Test
  void anApprovalThatRevertsOnChainIsErc20ApprovalTxFailedAndThePayerIsNeverFundedTwice() {
    PrivateKeySigner payer = account("reverts");
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    try (ExactEvmFacilitator facilitator = facilitator(ledger)) {
      // Enough gas to be accepted (its intrinsic and calldata floor), too little to store the
      // allowance: it reverts when mined.
      SchemeRequest starved = request(payer, approvalInfo(payer, 0, 30_000));
      assertThat(facilitator.verify(starved).join().reason())
          .hasValue(ErrorReason.ERC20_APPROVAL_TX_FAILED);
      long sent = devnet.transactionCount(gas.address());
      SettleResponse settled = facilitator.settle(starved).join();
      assertThat(settled.reason())
          .as(settled.toString())
          .hasValue(ErrorReason.ERC20_APPROVAL_TX_FAILED);
      assertThat(devnet.transactionCount(payer.address())).isEqualTo(1);
      assertThat(devnet.transactionCount(gas.address())).as("funded once").isEqualTo(sent + 1);

      // The payer spent the funding; a new payment with a good approval is not funded again.
      SchemeRequest again = request(payer, approvalInfo(payer, 1, 60_000));
      SettleResponse refused = facilitator.settle(again).join();
      assertThat(refused.reason())
          .as(refused.toString())
          .hasValue(ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED);
      assertThat(devnet.transactionCount(gas.address())).isEqualTo(sent + 1);
    }
  }

  @Test
  void aRetryAfterACrashBetweenApprovalAndSettlementFundsOnceApprovesOnceSettlesOnce() {
    PrivateKeySigner payer = account("crash");
    InMemorySettlementLedger durable = new InMemorySettlementLedger();
    CrashingLedger crashing = new CrashingLedger(durable);
    SchemeRequest request = request(payer, approvalInfo(payer, 0, 60_000));
    BigInteger before = devnet.tokenBalance(plain, seller);
    long sent = devnet.transactionCount(gas.address());
    try (ExactEvmFacilitator first = facilitator(crashing)) {
      CompletableFuture<SettleResponse> dying = first.settle(request);
      dying.handle((r, e) -> null).join();
    }
    assertThat(crashing.crashed.get()).as("died before recording the settlement").isTrue();
    assertThat(devnet.transactionCount(payer.address())).as("the approval landed").isEqualTo(1);
    assertThat(devnet.tokenBalance(plain, seller)).isEqualTo(before);
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(sent + 1);

    // A new instance, after the dead one's claim lease, settles the retried payment.
    try (ExactEvmFacilitator second =
        builder(gas, durable, EvmNetworkConfig.DEFAULT_APPROVAL_FUNDING_CAP)
            .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)))
            .build()) {
      SettleResponse settled = second.settle(request).join();
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(second.settle(request).join().transaction()).isEqualTo(settled.transaction());
    }
    assertThat(devnet.tokenBalance(plain, seller)).isEqualTo(before.add(PRICE));
    assertThat(devnet.transactionCount(payer.address())).isEqualTo(1);
    assertThat(devnet.transactionCount(gas.address()))
        .as("one funding, one settlement")
        .isEqualTo(sent + 2);
  }

  @Test
  void theSamePaymentAtTwoFacilitatorsSharingALedgerFundsApprovesAndSettlesOnce() {
    PrivateKeySigner payer = account("shared");
    InMemorySettlementLedger shared = new InMemorySettlementLedger();
    SchemeRequest request = request(payer, approvalInfo(payer, 0, 60_000));
    BigInteger before = devnet.tokenBalance(plain, seller);
    long sentA = devnet.transactionCount(gas.address());
    long sentB = devnet.transactionCount(gas2.address());
    try (ExactEvmFacilitator a = facilitator(shared);
        ExactEvmFacilitator b =
            builder(gas2, shared, EvmNetworkConfig.DEFAULT_APPROVAL_FUNDING_CAP).build()) {
      CompletableFuture<SettleResponse> atA = a.settle(request);
      CompletableFuture<SettleResponse> atB = b.settle(request);
      SettleResponse ra = atA.join();
      SettleResponse rb = atB.join();
      assertThat(ra.success() || rb.success()).as(ra + " / " + rb).isTrue();
      // Whichever answered first, a retry at either gives the one settlement.
      SettleResponse again = b.settle(request).join();
      assertThat(again.success()).as(again.toString()).isTrue();
    }
    assertThat(devnet.tokenBalance(plain, seller)).isEqualTo(before.add(PRICE));
    assertThat(devnet.transactionCount(payer.address())).isEqualTo(1);
    assertThat(
            devnet.transactionCount(gas.address())
                - sentA
                + devnet.transactionCount(gas2.address())
                - sentB)
        .as("one funding and one settlement between both")
        .isEqualTo(2);
  }

  @Test
  void reconcileSendsARecordedButUnsentApprovalAndTheRetriedSettleFollowsIt() throws Exception {
    PrivateKeySigner payer = account("twice");
    fx.rpc().call("anvil_setBalance", payer.address().toLowerHex(), Hex.quantity(ETH)).join();
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    Map<String, Object> approval = approvalInfo(payer, 0, 60_000);
    SchemeRequest request = request(payer, approval);
    // A facilitator recorded the approval, then died before broadcasting it.
    Permit2LedgerKey payment =
        new Permit2LedgerKey(
            info.network(),
            payer.address(),
            Permit2Payload.fromMap(request.payload().payload()).authorization().nonce());
    String raw = (String) approval.get("signedTransaction");
    String hash = Eip1559Transaction.hash(Hex.decode(raw)).toString();
    SettlementKey key = new SettlementKey(info.network(), "erc20-approval", payment.paymentId());
    Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    SettlementLedger.Claim claim =
        ledger.claim(
            new SettlementRequest(
                key,
                hash.toLowerCase(java.util.Locale.ROOT),
                new io.x402j.settlement.Transfer(
                    plain.toLowerHex(),
                    payer.address().toLowerHex(),
                    Permit2.ADDRESS.toLowerHex(),
                    TokenAmount.of(PRICE)),
                Map.of(),
                null),
            at,
            Duration.ofSeconds(30));
    assertThat(claim.owned()).isTrue();
    assertThat(
            ledger.submitted(
                key,
                new Submission(hash, payer.address().toLowerHex(), 0L, raw),
                claim.record().updatedAt(),
                at))
        .isTrue();
    long sent = devnet.transactionCount(gas.address());
    try (ExactEvmFacilitator restarted = facilitator(ledger)) {
      assertThat(restarted.reconcile().join().rebroadcast()).isEqualTo(1);
      // Mined or still in the pool: anvil answers a broadcast a moment before its block exists.
      assertThat(devnet.pendingTransactionCount(payer.address()))
          .as("the same approval")
          .isEqualTo(1);
      SettleResponse settled = restarted.settle(request).join();
      assertThat(settled.success()).as(settled.toString()).isTrue();
    }
    assertThat(ledger.find(key).orElseThrow().state()).isEqualTo(SettlementState.CONFIRMED);
    assertThat(devnet.transactionCount(payer.address())).isEqualTo(1);
    assertThat(devnet.transactionCount(gas.address()))
        .as("no funding, one settlement")
        .isEqualTo(sent + 1);
  }

  /** A ledger whose process dies when it would record the Permit2 settlement transaction. */
  static final class CrashingLedger implements SettlementLedger {
    final SettlementLedger delegate;
    final AtomicBoolean crashed = new AtomicBoolean();

    CrashingLedger(SettlementLedger delegate) {
      this.delegate = delegate;
    }

    private void dieAt(SettlementKey key) {
      if ("permit2".equals(key.scheme())) {
        crashed.set(true);
        throw new IllegalStateException("simulated crash");
      }
    }

    @Override
    public Claim claim(SettlementRequest request, Instant now, Duration lease) {
      return delegate.claim(request, now, lease);
    }

    @Override
    public boolean submitted(
        SettlementKey key, Submission submission, Instant claimedAt, Instant now) {
      dieAt(key);
      return delegate.submitted(key, submission, claimedAt, now);
    }

    @Override
    public boolean notBroadcast(SettlementKey key, String transaction, Instant now) {
      dieAt(key);
      return delegate.notBroadcast(key, transaction, now);
    }

    @Override
    public boolean outcome(
        SettlementKey key,
        io.x402j.settlement.OutcomeFence fence,
        SettlementState state,
        SettleResponse response,
        Instant now) {
      if (crashed.get()) {
        dieAt(key);
      }
      return delegate.outcome(key, fence, state, response, now);
    }

    @Override
    public Optional<SettlementRecord> find(SettlementKey key) {
      return delegate.find(key);
    }

    @Override
    public List<SettlementRecord> unresolved() {
      return delegate.unresolved();
    }

    @Override
    public List<SettlementRecord> list(SettlementFilter filter, int offset, int limit) {
      return delegate.list(filter, offset, limit);
    }

    @Override
    public List<SettlementRecord> inFlight(Network network, String asset, String payer, int limit) {
      return delegate.inFlight(network, asset, payer, limit);
    }

    @Override
    public Map<SettlementState, Long> countByState() {
      return delegate.countByState();
    }
  }
}
