package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.testing.ScriptedServer;
import io.x402j.core.testing.ScriptedServer.Answer;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.ExactEvmFacilitator.ReconcileReport;
import io.x402j.evm.facilitator.internal.EvmLedgerKey;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a restarted facilitator finds in its ledger, resolved against a real chain: transactions
 * that were signed and recorded but never broadcast, mined while it was down, whose gas nonce was
 * taken, or whose authorization was used by somebody else.
 */
class ReconcileIT {
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final TokenAmount PRICE = TokenAmount.of(10_000);
  static final ObjectMapper JSON = new ObjectMapper();

  static Devnet devnet;
  static DevnetInfo info;
  static PrivateKeySigner buyer;
  static EvmAddress seller;

  @BeforeAll
  static void startChain() throws Exception {
    DevnetOptions.Builder options =
        DevnetOptions.builder()
            .account("buyer", ETH, BigInteger.valueOf(1_000_000_000))
            .account("seller", BigInteger.ZERO, BigInteger.ZERO);
    for (int i = 1; i <= 7; i++) {
      options.account("gas-" + i, ETH, BigInteger.ZERO);
    }
    devnet = Devnet.start(options.build());
    info = devnet.info();
    buyer = info.requireAccount("buyer").signer();
    seller = info.requireAccount("seller").address();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static PrivateKeySigner gas(int i) {
    return info.requireAccount("gas-" + i).signer();
  }

  static ExactEvmFacilitator facilitator(String rpcUrl, SettlementLedger ledger, Signer gas) {
    return ExactEvmFacilitator.builder()
        .network(
            EvmNetworkConfig.builder(info.networkInfo(), JsonRpcClient.builder(rpcUrl).build())
                .signer(gas)
                .build())
        .ledger(ledger)
        .build();
  }

  /** A payment, with the transaction a crashed facilitator signed and recorded for it. */
  record Recorded(SchemeRequest request, EvmLedgerKey key, Submission submission, byte[] raw) {}

  /** A new payment from the buyer to the seller, as a facilitator receives it. */
  static SchemeRequest payment() {
    PaymentRequirements required =
        PaymentRequirements.builder()
            .network(info.network())
            .amount(PRICE)
            .asset(info.token().toString())
            .payTo(seller.toString())
            .maxTimeoutSeconds(600)
            .extra("name", info.tokenName())
            .extra("version", info.tokenVersion())
            .build();
    Map<String, Object> signed = ExactEvmClient.of(buyer).createPayload(2, required);
    // Named like a gate's attempt: settling it again (after a restart, say) follows the record.
    return new SchemeRequest(
        2,
        PaymentPayload.of(null, required, signed),
        required,
        "reconcile-it-" + UUID.randomUUID());
  }

  static Recorded recordUnbroadcast(SettlementLedger ledger, Signer gas, long gasNonce) {
    SchemeRequest request = payment();
    ExactEvmPayload payload = ExactEvmPayload.fromMap(request.payload().payload());
    EvmLedgerKey key =
        new EvmLedgerKey(
            info.network(), info.token(), buyer.address(), payload.authorization().nonce());
    byte[] raw =
        signedTransaction(
            gas, gasNonce, info.token(), 200_000, Eip3009Calls.transferWithAuthorization(payload));
    Submission submission =
        EvmLedgerKey.submission(
            Eip1559Transaction.hash(raw).toString(), gas.address(), gasNonce, Hex.encode(raw));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    SettlementLedger.Claim claim =
        ledger.claim(
            key.request(
                ExactEvmFacilitator.fingerprint(payload),
                seller,
                payload.authorization().value(),
                request.settlementId()),
            now,
            Duration.ofSeconds(30));
    assertThat(ledger.submitted(key.ledgerKey(), submission, claim.record().updatedAt(), now))
        .isTrue();
    return new Recorded(request, key, submission, raw);
  }

  /** A signed EIP-1559 transaction paying 1 gwei tip, at most 20 gwei per gas. */
  static byte[] signedTransaction(Signer from, long nonce, EvmAddress to, long gas, byte[] data) {
    Eip1559Transaction tx =
        new Eip1559Transaction(
            info.chainId(),
            nonce,
            BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(20_000_000_000L),
            gas,
            to,
            BigInteger.ZERO,
            data);
    return tx.encodeSigned(from.sign(tx.signingHash()));
  }

  static long pendingNonce(EvmAddress account) {

    return devnet.pendingTransactionCount(account);
  }

  static String broadcast(byte[] raw) throws Exception {
    String hash = devnet.rpc().call("eth_sendRawTransaction", Hex.encode(raw)).join().asText();
    devnet.awaitReceipt(hash);
    return hash;
  }

  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Passes a JSON-RPC body on to the devnet and returns its answer. */
  static String forward(String body) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(info.rpcUrl()))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static SettlementRecord stored(SettlementLedger ledger, EvmLedgerKey key) {
    return ledger.find(key.ledgerKey()).orElseThrow();
  }

  @Test
  void aTransactionThatNeverLeftIsBroadcastFromTheLedgerThenConfirmed() throws Exception {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    Signer gas = gas(1);
    Recorded recorded = recordUnbroadcast(ledger, gas, pendingNonce(gas.address()));
    BigInteger before = devnet.tokenBalance(seller);

    try (ExactEvmFacilitator facilitator = facilitator(info.rpcUrl(), ledger, gas)) {
      ReconcileReport first = facilitator.reconcile().join();
      devnet.awaitReceipt(recorded.submission().transaction());
      ReconcileReport second = facilitator.reconcile().join();
      SettleResponse again = facilitator.settle(recorded.request()).join();

      assertThat(first).isEqualTo(new ReconcileReport(0, 0, 1, 0));
      assertThat(second).isEqualTo(new ReconcileReport(1, 0, 0, 0));
      assertThat(stored(ledger, recorded.key()).state()).isEqualTo(SettlementState.CONFIRMED);
      assertThat(again.success()).isTrue();
      assertThat(again.transaction()).isEqualTo(recorded.submission().transaction());
    }
    assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(PRICE.value()));
    assertThat(pendingNonce(gas.address())).isEqualTo(recorded.submission().sequence() + 1);
  }

  @Test
  void aTransactionMinedWhileDownIsConfirmed() throws Exception {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    Signer gas = gas(2);
    Recorded recorded = recordUnbroadcast(ledger, gas, pendingNonce(gas.address()));
    broadcast(recorded.raw());

    try (ExactEvmFacilitator facilitator = facilitator(info.rpcUrl(), ledger, gas)) {
      assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(1, 0, 0, 0));
      assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(0, 0, 0, 0));
    }
    SettlementRecord record = stored(ledger, recorded.key());
    assertThat(record.state()).isEqualTo(SettlementState.CONFIRMED);
    assertThat(record.outcome().transaction()).isEqualTo(recorded.submission().transaction());
  }

  @Test
  void aTakenGasNonceFailsTheRecordAndThePaymentCanSettleAgain() throws Exception {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    Signer gas = gas(3);
    long nonce = pendingNonce(gas.address());
    Recorded recorded = recordUnbroadcast(ledger, gas, nonce);
    // Another transaction of the same signer takes the nonce (say, an operator's top-up).
    broadcast(signedTransaction(gas, nonce, gas.address(), 21_000, new byte[0]));

    try (ExactEvmFacilitator facilitator = facilitator(info.rpcUrl(), ledger, gas)) {
      assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(0, 1, 0, 0));
      SettlementRecord failed = stored(ledger, recorded.key());
      assertThat(failed.state()).isEqualTo(SettlementState.FAILED);
      assertThat(failed.outcome().errorMessage()).contains("nonce was taken");

      // No money moved, so the same payment settles with a new transaction.
      SettleResponse settled = facilitator.settle(recorded.request()).join();
      assertThat(settled.success()).as("%s", settled).isTrue();
      assertThat(settled.transaction()).isNotEqualTo(recorded.submission().transaction());
    }
    assertThat(devnet.authorizationUsed(buyer.address(), recorded.key().nonce())).isTrue();
  }

  /**
   * Somebody else submitted the same authorization first, from another account: it paid the seller
   * exactly as signed, so the payment is settled — by that transaction — and our record says so.
   * (It failed the record before, and a gate following the attempt was told the payment failed.)
   */
  @Test
  void anAuthorizationCarriedOutByAnotherTransactionConfirmsTheRecord() throws Exception {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    Signer gas = gas(4);
    Recorded recorded = recordUnbroadcast(ledger, gas, pendingNonce(gas.address()));
    PrivateKeySigner rival = gas(5);
    String rivals =
        broadcast(
            signedTransaction(
                rival,
                pendingNonce(rival.address()),
                info.token(),
                200_000,
                Eip3009Calls.transferWithAuthorization(
                    ExactEvmPayload.fromMap(recorded.request().payload().payload()))));

    try (ExactEvmFacilitator facilitator = facilitator(info.rpcUrl(), ledger, gas)) {
      assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(1, 0, 0, 0));
      SettleResponse followed = facilitator.settle(recorded.request()).join();
      assertThat(followed.success()).as("%s", followed).isTrue();
      assertThat(followed.transaction()).isEqualTo(rivals);
    }
    SettlementRecord record = stored(ledger, recorded.key());
    assertThat(record.state()).isEqualTo(SettlementState.CONFIRMED);
    assertThat(record.outcome().transaction()).isEqualTo(rivals);
    assertThat(pendingNonce(gas.address()))
        .as("our transaction was never sent")
        .isEqualTo(recorded.submission().sequence());
  }

  /**
   * The transaction is mined between reconcile's first look (no receipt, not in the pool) and its
   * rebroadcast, which the node then refuses as "nonce too low": it must be confirmed, not failed.
   */
  @Test
  void aTransactionMinedDuringTheRebroadcastIsConfirmedNotFailed() throws Exception {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    Signer gas = gas(1);
    Recorded recorded = recordUnbroadcast(ledger, gas, pendingNonce(gas.address()));
    broadcast(recorded.raw());
    try (ScriptedServer staleNode = new ScriptedServer()) {
      // The first look (a batch) comes from a node that has not seen the block yet.
      staleNode.respond(
          "/",
          body -> {
            try {
              String answer = forward(body);
              JsonNode request = JSON.readTree(body);
              if (!request.isArray()) {
                return Answer.json(200, answer);
              }
              ArrayNode answers = (ArrayNode) JSON.readTree(answer);
              for (int i = 0; i < request.size(); i++) {
                String method = request.get(i).path("method").asText();
                if (method.equals("eth_getTransactionReceipt")
                    || method.equals("eth_getTransactionByHash")) {
                  for (JsonNode a : answers) {
                    if (a.get("id").equals(request.get(i).get("id"))) {
                      ((ObjectNode) a).putNull("result");
                    }
                  }
                }
                if (method.equals("eth_call")) {
                  for (JsonNode a : answers) {
                    if (a.get("id").equals(request.get(i).get("id"))) {
                      ((ObjectNode) a).put("result", "0x" + "0".repeat(64)); // unused, then
                    }
                  }
                }
              }
              return Answer.json(200, JSON.writeValueAsString(answers));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      try (ExactEvmFacilitator facilitator = facilitator(staleNode.url(), ledger, gas)) {
        assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(1, 0, 0, 0));
      }
    }
    assertThat(stored(ledger, recorded.key()).state()).isEqualTo(SettlementState.CONFIRMED);
  }

  /**
   * After a restart the ledger holds a transaction waiting in the node's pool behind a nonce gap,
   * which the node's pending count leaves out. New settlements fill the gap and then skip that
   * transaction's nonce instead of colliding with it.
   */
  @Test
  void aRecordedTransactionWaitingInThePoolKeepsItsNonce() throws Exception {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    Signer gas = gas(6);
    long gap = pendingNonce(gas.address());
    Recorded recorded = recordUnbroadcast(ledger, gas, gap + 1);
    devnet.rpc().call("eth_sendRawTransaction", Hex.encode(recorded.raw())).join();
    java.util.concurrent.atomic.AtomicInteger broadcasts =
        new java.util.concurrent.atomic.AtomicInteger();

    try (ScriptedServer node = new ScriptedServer()) {
      node.respond(
          "/",
          body -> {
            if (body.contains("eth_sendRawTransaction")) {
              broadcasts.incrementAndGet();
            }
            return Answer.json(200, forward(body));
          });
      try (ExactEvmFacilitator facilitator = facilitator(node.url(), ledger, gas)) {
        assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(0, 0, 0, 1));
        SettleResponse first = facilitator.settle(payment()).join();
        SettleResponse second = facilitator.settle(payment()).join();

        assertThat(first.success()).as("%s", first).isTrue();
        assertThat(second.success()).as("%s", second).isTrue();
        assertThat(broadcasts)
            .as("one broadcast each: none refused for colliding with the recorded transaction")
            .hasValue(2);
        devnet.awaitReceipt(recorded.submission().transaction());
        assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(1, 0, 0, 0));
      }
    }
    assertThat(pendingNonce(gas.address())).isEqualTo(gap + 3);
  }

  /**
   * A recorded transaction the node refuses to take again (its fee cap is below the base fee, say)
   * is not in the pool, so its nonce must not be set aside: a new settlement uses it, instead of
   * leaving a gap that every later transaction would wait behind.
   */
  @Test
  void aRecordedTransactionTheNodeRefusesLeavesNoGap() throws Exception {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    Signer gas = gas(7);
    long nonce = pendingNonce(gas.address());
    Recorded recorded = recordUnbroadcast(ledger, gas, nonce);
    String refusedRaw = Hex.encode(recorded.raw()).substring(2);
    java.util.concurrent.atomic.AtomicBoolean refusedOnce =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (ScriptedServer node = new ScriptedServer()) {
      node.respond(
          "/",
          body -> {
            if (body.contains(refusedRaw) && refusedOnce.compareAndSet(false, true)) {
              String id = body.replaceAll("(?s).*\"id\"\\s*:\\s*(\\d+).*", "$1");
              return Answer.json(
                  200,
                  "{\"jsonrpc\":\"2.0\",\"id\":"
                      + id
                      + ",\"error\":{\"code\":-32000,"
                      + "\"message\":\"max fee per gas less than block base fee\"}}");
            }
            return Answer.json(200, forward(body));
          });
      try (ExactEvmFacilitator facilitator = facilitator(node.url(), ledger, gas)) {
        assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(0, 0, 0, 1));

        SettleResponse settled = facilitator.settle(payment()).join();

        assertThat(settled.success()).as("%s", settled).isTrue();
        assertThat(pendingNonce(gas.address()))
            .as("the refused nonce was used")
            .isEqualTo(nonce + 1);
        assertThat(facilitator.reconcile().join()).isEqualTo(new ReconcileReport(0, 1, 0, 0));
      }
    }
    assertThat(stored(ledger, recorded.key()).outcome().errorMessage()).contains("nonce was taken");
  }
}
