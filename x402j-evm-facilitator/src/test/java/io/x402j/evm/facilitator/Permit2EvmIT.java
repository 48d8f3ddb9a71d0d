package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.Permit2Fixture.ETH;
import static io.x402j.evm.facilitator.Permit2Fixture.PRICE;
import static io.x402j.evm.facilitator.Permit2Fixture.freshNonce;
import static io.x402j.evm.facilitator.Permit2Fixture.now;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Witness;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Permit2 on a real chain: anvil with Permit2 and the x402 exact and upto proxies at their
 * canonical addresses. Exact through the exact proxy beside EIP-3009, and upto through the upto
 * proxy, sharing ledger, lanes and signers.
 */
class Permit2EvmIT {
  static Devnet devnet;
  static Permit2Fixture fx;
  static DevnetInfo info;
  static PrivateKeySigner buyer;
  static PrivateKeySigner unapproved;
  static PrivateKeySigner poor;
  static EvmAddress seller;
  static PrivateKeySigner gasA;
  static PrivateKeySigner gasB;
  static PrivateKeySigner gasC;

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas-a", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("gas-b", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("gas-c", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("buyer", ETH, BigInteger.valueOf(1_000_000_000))
                .account("unapproved", ETH, BigInteger.valueOf(1_000_000_000))
                .account("poor", ETH, BigInteger.ZERO)
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    assertThat(info.permit2()).isPresent();
    buyer = info.requireAccount("buyer").signer();
    unapproved = info.requireAccount("unapproved").signer();
    poor = info.requireAccount("poor").signer();
    seller = info.requireAccount("seller").address();
    fx = new Permit2Fixture(info, seller);
    gasA = info.requireAccount("gas-a").signer();
    gasB = info.requireAccount("gas-b").signer();
    gasC = info.requireAccount("gas-c").signer();
    devnet.approvePermit2(buyer.address(), info.token());
    devnet.approvePermit2(poor.address(), info.token());
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static SchemeRequest exactRequest(Signer owner, BigInteger nonce, String attempt) {
    return fx.request(
        "exact", PRICE, fx.signed(owner, fx.exactPermit(owner, PRICE, nonce)), attempt);
  }

  static String senderOf(String hash) {
    return fx.rpc().call("eth_getTransactionByHash", hash).join().path("from").asText();
  }

  static long count(Signer signer) {
    return devnet.transactionCount(signer.address());
  }

  static String attempt() {
    return "permit2-it-" + UUID.randomUUID();
  }

  // ------------------------------------------------------------------------------------ exact

  @Test
  void anExactPermit2PaymentVerifiesAndSettlesThroughTheProxy() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      SchemeRequest request = exactRequest(buyer, freshNonce(), attempt());
      BigInteger sellerBefore = devnet.tokenBalance(seller);
      BigInteger buyerBefore = devnet.tokenBalance(buyer.address());

      VerifyResponse verdict = exact.verify(request).join();
      SettleResponse settled = exact.settle(request).join();

      assertThat(verdict.isValid()).as(verdict.toString()).isTrue();
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(settled.amount()).isEqualTo(TokenAmount.of(PRICE));
      assertThat(settled.payer()).isEqualTo(buyer.address().toString());
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE));
      assertThat(devnet.tokenBalance(buyer.address())).isEqualTo(buyerBefore.subtract(PRICE));
      JsonNode tx = fx.rpc().call("eth_getTransactionByHash", settled.transaction()).join();
      assertThat(tx.path("to").asText()).isEqualToIgnoringCase(Permit2.EXACT_PROXY.toLowerHex());
    }
  }

  @Test
  void aRepeatedSettleAnswersLikeEip3009AndSendsNothing() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      Map<String, Object> payload = fx.signed(buyer, fx.exactPermit(buyer, PRICE, freshNonce()));
      String attempt = attempt();
      SettleResponse first = exact.settle(fx.request("exact", PRICE, payload, attempt)).join();
      long sent = count(gasA);

      SettleResponse sameAttempt =
          exact.settle(fx.request("exact", PRICE, payload, attempt)).join();
      SettleResponse otherRequest = exact.settle(fx.request("exact", PRICE, payload, null)).join();

      assertThat(first.success()).as(first.toString()).isTrue();
      assertThat(sameAttempt).isEqualTo(first);
      assertThat(otherRequest.reason()).hasValue(ErrorReason.DUPLICATE_SETTLEMENT);
      assertThat(count(gasA)).isEqualTo(sent);
    }
  }

  @Test
  void theSamePermitSettledConcurrentlyByTwoFacilitatorsIsOneTransaction() {
    SettlementLedger shared = new InMemorySettlementLedger();
    try (ExactEvmFacilitator one = fx.facilitator(shared, gasA);
        ExactEvmFacilitator two = fx.facilitator(shared, gasB)) {
      SchemeRequest request = exactRequest(buyer, freshNonce(), attempt());
      long before = count(gasA) + count(gasB);
      BigInteger sellerBefore = devnet.tokenBalance(seller);

      CompletableFuture<SettleResponse> a = one.settle(request);
      CompletableFuture<SettleResponse> b = two.settle(request);

      assertThat(a.join().success()).as(a.join().toString()).isTrue();
      assertThat(b.join()).isEqualTo(a.join());
      assertThat(count(gasA) + count(gasB)).isEqualTo(before + 1);
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE));
    }
  }

  @Test
  void aNonceUsedOnChainIsRefusedBeforeAnythingIsSent() {
    BigInteger nonce = freshNonce();
    try (ExactEvmFacilitator first = fx.facilitator(gasA)) {
      assertThat(first.settle(exactRequest(buyer, nonce, attempt())).join().success()).isTrue();
    }
    // Another facilitator (its own ledger) gets another permit with the same nonce, for another
    // amount (the same payment settled elsewhere is recognised as paid: Permit2RaceIT).
    try (ExactEvmFacilitator second = fx.facilitator(gasB)) {
      long before = count(gasB);
      BigInteger amount = PRICE.add(BigInteger.ONE);
      Permit2Authorization other = fx.exactPermit(buyer, amount, nonce);

      SettleResponse answer =
          second.settle(fx.request("exact", amount, fx.signed(buyer, other), attempt())).join();

      assertThat(answer.reason()).hasValue(ErrorReason.PERMIT2_INVALID_NONCE);
      assertThat(answer.transaction()).isEmpty();
      assertThat(count(gasB)).isEqualTo(before);
    }
  }

  @Test
  void shortBalanceAndMissingAllowanceAreDiagnosed() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      VerifyResponse broke = exact.verify(exactRequest(poor, freshNonce(), null)).join();
      VerifyResponse notApproved =
          exact.verify(exactRequest(unapproved, freshNonce(), null)).join();
      long before = count(gasA);
      SettleResponse notApprovedSettle =
          exact.settle(exactRequest(unapproved, freshNonce(), attempt())).join();

      assertThat(broke.reason()).hasValue(ErrorReason.PERMIT2_INSUFFICIENT_BALANCE);
      assertThat(notApproved.reason()).hasValue(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED);
      assertThat(notApprovedSettle.reason()).hasValue(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED);
      assertThat(count(gasA)).isEqualTo(before);
    }
  }

  @Test
  void aForgedSignatureIsRefused() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      Permit2Authorization a = fx.exactPermit(buyer, PRICE, freshNonce());
      // Signed by someone else: does not recover to the owner, and the owner is no contract.
      String forged = unapproved.sign(Permit2.digest(info.chainId(), a)).toString();

      VerifyResponse answer =
          exact
              .verify(fx.request("exact", PRICE, new Permit2Payload(forged, a).toMap(), null))
              .join();

      assertThat(answer.reason()).hasValue(ErrorReason.PERMIT2_INVALID_SIGNATURE);
    }
  }

  @Test
  void aSmartWalletOwnerSignsThroughErc1271() throws Exception {
    EvmAddress wallet = devnet.deploySmartWallet(buyer.address());
    devnet.mint(wallet, PRICE.multiply(BigInteger.TEN));
    fx.rpc().call("anvil_setBalance", wallet.toLowerHex(), Hex.quantity(ETH)).join();
    devnet.approvePermit2(wallet, info.token());
    Permit2Authorization a =
        new Permit2Authorization(
            info.token(),
            PRICE,
            wallet,
            Permit2.EXACT_PROXY,
            freshNonce(),
            BigInteger.valueOf(now() + 600),
            Permit2Witness.exact(seller, BigInteger.valueOf(now() - 600)));
    String byOwner = buyer.sign(Permit2.digest(info.chainId(), a)).toString();
    String byStranger = unapproved.sign(Permit2.digest(info.chainId(), a)).toString();
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      VerifyResponse forged =
          exact
              .verify(fx.request("exact", PRICE, new Permit2Payload(byStranger, a).toMap(), null))
              .join();
      SchemeRequest request =
          fx.request("exact", PRICE, new Permit2Payload(byOwner, a).toMap(), attempt());

      VerifyResponse verdict = exact.verify(request).join();
      SettleResponse settled = exact.settle(request).join();

      assertThat(forged.reason()).hasValue(ErrorReason.PERMIT2_INVALID_SIGNATURE);
      assertThat(verdict.isValid()).as(verdict.toString()).isTrue();
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE));
    }
  }

  @Test
  void withoutTheProxyCodeVerifyAnswersProxyNotDeployed() {
    String code =
        fx.rpc().call("eth_getCode", Permit2.UPTO_PROXY.toLowerHex(), "latest").join().asText();
    fx.rpc().call("anvil_setCode", Permit2.UPTO_PROXY.toLowerHex(), "0x").join();
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      Permit2Authorization a = fx.uptoPermit(buyer, PRICE, gasA.address(), freshNonce());

      VerifyResponse answer =
          exact.upto().verify(fx.request("upto", PRICE, fx.signed(buyer, a), null)).join();

      assertThat(answer.reason()).hasValue(ErrorReason.PERMIT2_PROXY_NOT_DEPLOYED);
    } finally {
      fx.rpc().call("anvil_setCode", Permit2.UPTO_PROXY.toLowerHex(), code).join();
    }
  }

  // ------------------------------------------------------------------------------------- upto

  @Test
  void uptoSettlesThePartialAmountFromTheNamedFacilitator() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA, gasB)) {
      UptoEvmFacilitator upto = exact.upto();
      // The witness names the second signer, not the advertised first one.
      Map<String, Object> payload =
          fx.signed(buyer, fx.uptoPermit(buyer, PRICE, gasB.address(), freshNonce()));
      BigInteger actual = BigInteger.valueOf(4_000);
      BigInteger sellerBefore = devnet.tokenBalance(seller);

      VerifyResponse verdict = upto.verify(fx.request("upto", PRICE, payload, null)).join();
      SettleResponse settled = upto.settle(fx.request("upto", actual, payload, attempt())).join();

      assertThat(verdict.isValid()).as(verdict.toString()).isTrue();
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(settled.amount()).isEqualTo(TokenAmount.of(actual));
      assertThat(senderOf(settled.transaction()))
          .isEqualToIgnoringCase(gasB.address().toLowerHex());
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(actual));
    }
  }

  @Test
  void uptoSettlesTheWholeCeiling() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      Map<String, Object> payload =
          fx.signed(buyer, fx.uptoPermit(buyer, PRICE, gasA.address(), freshNonce()));
      BigInteger sellerBefore = devnet.tokenBalance(seller);

      SettleResponse settled =
          exact.upto().settle(fx.request("upto", PRICE, payload, attempt())).join();

      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(settled.amount()).isEqualTo(TokenAmount.of(PRICE));
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE));
    }
  }

  @Test
  void uptoOfZeroSendsNothingAndSpendsThePermit() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      Map<String, Object> payload =
          fx.signed(buyer, fx.uptoPermit(buyer, PRICE, gasA.address(), freshNonce()));
      long before = count(gasA);
      BigInteger sellerBefore = devnet.tokenBalance(seller);

      SettleResponse zero =
          exact.upto().settle(fx.request("upto", BigInteger.ZERO, payload, attempt())).join();
      SettleResponse more =
          exact
              .upto()
              .settle(fx.request("upto", BigInteger.valueOf(5_000), payload, attempt()))
              .join();

      assertThat(zero.success()).as(zero.toString()).isTrue();
      assertThat(zero.transaction()).isEmpty();
      assertThat(zero.amount()).isEqualTo(TokenAmount.ZERO);
      assertThat(more.success()).isFalse();
      assertThat(more.reason()).hasValue(ErrorReason.PERMIT2_INVALID_NONCE);
      assertThat(count(gasA)).isEqualTo(before);
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore);
    }
  }

  @Test
  void anUptoPaymentSettledTwiceForDifferentAmountsMovesMoneyOnce() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      Map<String, Object> payload =
          fx.signed(buyer, fx.uptoPermit(buyer, PRICE, gasA.address(), freshNonce()));
      BigInteger sellerBefore = devnet.tokenBalance(seller);
      String attempt = attempt();

      SettleResponse first =
          exact
              .upto()
              .settle(fx.request("upto", BigInteger.valueOf(3_000), payload, attempt))
              .join();
      SettleResponse again =
          exact
              .upto()
              .settle(fx.request("upto", BigInteger.valueOf(3_000), payload, attempt))
              .join();
      SettleResponse second =
          exact
              .upto()
              .settle(fx.request("upto", BigInteger.valueOf(7_000), payload, attempt))
              .join();

      assertThat(first.success()).as(first.toString()).isTrue();
      assertThat(again).isEqualTo(first);
      assertThat(second.reason()).hasValue(ErrorReason.PERMIT2_INVALID_NONCE);
      assertThat(devnet.tokenBalance(seller))
          .isEqualTo(sellerBefore.add(BigInteger.valueOf(3_000)));
    }
  }

  @Test
  void exactAndUptoShareOneNonceSpace() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      BigInteger nonce = freshNonce();
      SettleResponse viaExact = exact.settle(exactRequest(buyer, nonce, attempt())).join();
      Map<String, Object> upto =
          fx.signed(buyer, fx.uptoPermit(buyer, PRICE, gasA.address(), nonce));

      SettleResponse viaUpto =
          exact.upto().settle(fx.request("upto", PRICE, upto, attempt())).join();

      assertThat(viaExact.success()).isTrue();
      assertThat(viaUpto.reason()).hasValue(ErrorReason.PERMIT2_INVALID_NONCE);
    }
  }

  @Test
  void spellingsOfOneNonceAreOnePayment() {
    try (ExactEvmFacilitator exact = fx.facilitator(gasA)) {
      BigInteger nonce = freshNonce();
      Map<String, Object> plain = fx.signed(buyer, fx.exactPermit(buyer, PRICE, nonce));
      Map<String, Object> padded = respellNonce(plain, "000" + nonce);

      SettleResponse first = exact.settle(fx.request("exact", PRICE, plain, null)).join();
      SettleResponse second = exact.settle(fx.request("exact", PRICE, padded, null)).join();

      assertThat(first.success()).isTrue();
      assertThat(second.reason()).hasValue(ErrorReason.DUPLICATE_SETTLEMENT);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> respellNonce(Map<String, Object> payload, String nonce) {
    Map<String, Object> copy = new LinkedHashMap<>(payload);
    Map<String, Object> a =
        new LinkedHashMap<>((Map<String, Object>) payload.get("permit2Authorization"));
    a.put("nonce", nonce);
    copy.put("permit2Authorization", a);
    return copy;
  }

  // -------------------------------------------------------------------------------- reconcile

  /** A settlement a crashed facilitator recorded as submitted: signed, perhaps never sent. */
  static Submission recordSubmitted(SettlementLedger ledger, Signer gas, BigInteger nonce) {
    Permit2Authorization a = fx.exactPermit(buyer, PRICE, nonce);
    Permit2Payload payload =
        new Permit2Payload(Permit2.sign(buyer, info.chainId(), a).toString(), a);
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
    Permit2LedgerKey key = new Permit2LedgerKey(info.network(), buyer.address(), nonce);
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    SettlementLedger.Claim claim =
        ledger.claim(
            key.request(
                "crashed-" + nonce,
                "exact",
                info.token(),
                seller,
                TokenAmount.of(PRICE),
                attempt()),
            at,
            Duration.ofSeconds(30));
    assertThat(ledger.submitted(key.ledgerKey(), submission, claim.record().updatedAt(), at))
        .isTrue();
    return submission;
  }

  @Test
  void aCrashBetweenRecordAndSendIsRebroadcastThenConfirmed() throws Exception {
    SettlementLedger ledger = new InMemorySettlementLedger();
    BigInteger nonce = freshNonce();
    Submission recorded = recordSubmitted(ledger, gasC, nonce);
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    try (ExactEvmFacilitator restarted = fx.facilitator(ledger, gasC)) {
      ReconcileReport first = restarted.reconcile().join();
      // Even with automine, anvil answers the rebroadcast a moment before the block exists; a
      // second pass in that moment finds the transaction in the pool (stillPending=1, seen once).
      devnet.awaitReceipt(recorded.transaction());
      ReconcileReport second = restarted.reconcile().join();

      assertThat(first).isEqualTo(new ReconcileReport(0, 0, 1, 0));
      assertThat(second).isEqualTo(new ReconcileReport(1, 0, 0, 0));
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE));
      assertThat(
              ledger
                  .find(
                      EvmSettlementEngine.permit2LedgerKey(info.network(), buyer.address(), nonce))
                  .orElseThrow()
                  .state())
          .isEqualTo(SettlementState.CONFIRMED);
    }
  }

  @Test
  void aCrashBetweenSendAndReceiptIsConfirmedAtStart() throws Exception {
    SettlementLedger ledger = new InMemorySettlementLedger();
    BigInteger nonce = freshNonce();
    Submission sent = recordSubmitted(ledger, gasC, nonce);
    fx.rpc().call("eth_sendRawTransaction", sent.raw()).join();
    devnet.awaitReceipt(sent.transaction()); // mined while the facilitator was down
    try (ExactEvmFacilitator restarted = fx.facilitator(ledger, gasC)) {
      assertThat(restarted.reconcile().join()).isEqualTo(new ReconcileReport(1, 0, 0, 0));
      assertThat(restarted.reconcile().join()).isEqualTo(new ReconcileReport(0, 0, 0, 0));
    }
  }

  @Test
  void aRecordWhoseNonceAnotherTransactionUsedIsFailed() {
    SettlementLedger ledger = new InMemorySettlementLedger();
    BigInteger nonce = freshNonce();
    recordSubmitted(ledger, gasC, nonce);
    // The same nonce spent by another payment (another amount) elsewhere before the restart; the
    // same payment settled elsewhere is recognised as paid instead (Permit2RaceIT).
    BigInteger other = PRICE.add(BigInteger.ONE);
    try (ExactEvmFacilitator elsewhere = fx.facilitator(gasA)) {
      SchemeRequest another =
          fx.request(
              "exact", other, fx.signed(buyer, fx.exactPermit(buyer, other, nonce)), attempt());
      assertThat(elsewhere.settle(another).join().success()).isTrue();
    }
    try (ExactEvmFacilitator restarted = fx.facilitator(ledger, gasC)) {
      assertThat(restarted.reconcile().join()).isEqualTo(new ReconcileReport(0, 1, 0, 0));
    }
  }
}
