package io.x402j.svm.facilitator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.testing.ScriptedServer;
import io.x402j.core.testing.ScriptedServer.Answer;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.svm.AccountMeta;
import io.x402j.svm.Instruction;
import io.x402j.svm.MessageCompiler;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.SolanaMessage;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.SolanaTransaction;
import io.x402j.svm.SvmInstructions;
import io.x402j.svm.TokenAccounts;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Keys, a payment built like the official client's, and a scripted Solana JSON-RPC node on real
 * HTTP that answers per method (by default: simulation succeeds).
 */
final class SvmFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Network DEVNET = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");

  final SolanaKeypair feePayer = SolanaKeypair.generate();
  final SolanaKeypair feePayer2 = SolanaKeypair.generate();
  final SolanaKeypair buyer = SolanaKeypair.generate();
  final SolanaAddress payTo = SolanaKeypair.generate().address();
  final SolanaAddress mint = SolanaKeypair.generate().address();
  final byte[] blockhash = SolanaKeypair.generate().address().bytes();

  final ScriptedServer node;
  final SolanaRpcClient rpc;
  final Map<String, Function<JsonNode, String>> methods = new ConcurrentHashMap<>();
  final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

  SvmFixture() throws Exception {
    node = new ScriptedServer();
    node.respond(
        "/rpc",
        body -> {
          try {
            JsonNode request = JSON.readTree(body);
            String method = request.get("method").asText();
            calls.add(method);
            Function<JsonNode, String> answer = methods.get(method);
            if (answer == null) {
              return Answer.json(
                  200,
                  "{\"jsonrpc\":\"2.0\",\"id\":"
                      + request.get("id")
                      + ",\"error\":{\"code\":-32601,\"message\":\"no "
                      + method
                      + "\"}}");
            }
            String result = answer.apply(request);
            if (result.startsWith("!")) {
              return Answer.json(
                  200,
                  "{\"jsonrpc\":\"2.0\",\"id\":"
                      + request.get("id")
                      + ",\"error\":"
                      + result.substring(1)
                      + "}");
            }
            return Answer.json(
                200,
                "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + result + "}");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    rpc =
        SolanaRpcClient.of(
            SolanaRpcClient.builder(node.url() + "/rpc")
                .backoff(Duration.ofMillis(1))
                .readCoalescing(0, 1)
                .build());
    methods.put(
        "simulateTransaction",
        r ->
            "{\"context\":{\"slot\":1},\"value\":{\"err\":null,\"logs\":[],\"unitsConsumed\":900}}");
  }

  SvmNetworkConfig.Builder config() {
    return SvmNetworkConfig.builder(DEVNET, rpc).feePayer(feePayer).feePayer(feePayer2);
  }

  PaymentRequirements requirements(long amount, Map<String, Object> extra) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("feePayer", feePayer.address().toString());
    all.putAll(extra);
    return PaymentRequirements.builder()
        .scheme("exact")
        .network(DEVNET)
        .amount(TokenAmount.of(amount))
        .asset(mint.toString())
        .payTo(payTo.toString())
        .maxTimeoutSeconds(60)
        .extra(all)
        .build();
  }

  PaymentRequirements requirements() {
    return requirements(1000, Map.of());
  }

  /** The official client's instructions: limit, price, TransferChecked, memo. */
  List<Instruction> instructions(long amount) {
    List<Instruction> ixs = new ArrayList<>();
    ixs.add(SvmInstructions.setComputeUnitLimit(20_000));
    ixs.add(SvmInstructions.setComputeUnitPrice(1));
    ixs.add(transfer(SolanaPrograms.TOKEN, mint, payTo, buyer.address(), amount));
    ixs.add(SvmInstructions.memo("0123456789abcdef0123456789abcdef"));
    return ixs;
  }

  Instruction transfer(
      SolanaAddress program,
      SolanaAddress mint,
      SolanaAddress owner,
      SolanaAddress authority,
      long amount) {
    return SvmInstructions.transferChecked(
        program,
        TokenAccounts.associated(buyer.address(), mint, program),
        mint,
        TokenAccounts.associated(owner, mint, program),
        authority,
        amount,
        6);
  }

  /** A v0 transaction paid by {@code feePayer} (unsigned) and signed by {@code signers}. */
  SolanaTransaction transaction(
      SolanaAddress feePayerAddress, List<Instruction> ixs, SolanaKeypair... signers) {
    SolanaMessage message = MessageCompiler.compileV0(feePayerAddress, ixs, blockhash);
    SolanaTransaction tx = SolanaTransaction.unsigned(message);
    for (SolanaKeypair signer : signers) {
      tx = tx.signedBy(signer);
    }
    return tx;
  }

  SolanaTransaction valid() {
    return transaction(feePayer.address(), instructions(1000), buyer);
  }

  static String base64(SolanaTransaction tx) {
    return Base64.getEncoder().encodeToString(tx.encode());
  }

  static SchemeRequest request(int version, PaymentRequirements req, String transaction) {
    Map<String, Object> payload = new HashMap<>();
    payload.put("transaction", transaction);
    return new SchemeRequest(version, PaymentPayload.of(null, req, payload), req);
  }

  SchemeRequest request(SolanaTransaction tx) {
    return request(2, requirements(), base64(tx));
  }

  static AccountMeta readonly(SolanaAddress address) {
    return AccountMeta.readonly(address);
  }

  @Override
  public void close() {
    node.close();
  }
}
