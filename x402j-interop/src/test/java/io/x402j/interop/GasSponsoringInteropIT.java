package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.client.Payer;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.SpendControls;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.Eip2612;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gas sponsoring across implementations: a payer without a Permit2 allowance pays a Permit2 offer
 * that declares {@code eip2612GasSponsoring} (a token with EIP-2612) or {@code
 * erc20ApprovalGasSponsoring} (a token without it). The x402j client's extensions are verified and
 * settled by the official facilitator; the official client's EIP-2612 extension by x402j's. The
 * official facilitator's erc20 approval sponsoring needs an extension signer the SDK leaves to the
 * operator; {@code facilitator.mjs} makes one with viem (fund the payer's gas, broadcast the
 * approval, then settle).
 */
class GasSponsoringInteropIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final WireCodec WIRE = WireCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final String EIP2612 = "eip2612GasSponsoring";
  static final String ERC20 = "erc20ApprovalGasSponsoring";

  static TestMarket market;
  static Service official;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    official = OfficialStack.facilitator(market);
  }

  @AfterAll
  static void stop() {
    if (official != null) {
      official.close();
    }
    market.close();
  }

  static PaymentRequirements requirements(String asset, boolean eip712) {
    PaymentRequirements.Builder b =
        PaymentRequirements.builder()
            .network(market.network())
            .amount(TokenAmount.of(PRICE))
            .asset(asset)
            .payTo(market.seller().toString())
            .maxTimeoutSeconds(60);
    if (eip712) {
      b.extra("name", market.info().tokenName()).extra("version", market.info().tokenVersion());
    }
    return b.extra("assetTransferMethod", "permit2").build();
  }

  /** A 402 offering {@code requirements} and declaring the extension {@code key}, as servers do. */
  static PaymentRequired offer(PaymentRequirements requirements, String key) {
    return new PaymentRequired(
        null,
        ResourceInfo.of("http://127.0.0.1/sponsored"),
        List.of(requirements),
        Map.of(key, Map.of("info", Map.of("description", "gas sponsored", "version", "1"))),
        Map.of());
  }

  /** The x402j client's payment for {@code offer}, reading the chain for its allowance. */
  static PaymentPayload x402jPays(PrivateKeySigner signer, PaymentRequired offer) throws Exception {
    Payer payer =
        Payer.builder()
            .signer(signer)
            .networks(market.networks())
            .evmRpcUrl(market.network(), market.info().rpcUrl())
            .spendControls(SpendControls.unlimited())
            .build();
    String header = HeaderCodec.standard().encodePaymentRequired(offer);
    PaymentAuthorization authorization =
        payer.authorize(
            new PaymentChallenge(
                URI.create("http://127.0.0.1/sponsored"),
                Map.of("PAYMENT-REQUIRED", List.of(header)),
                new byte[0]));
    return HeaderCodec.standard().decodePaymentSignature(authorization.headerValue());
  }

  static ObjectNode request(PaymentPayload payload, PaymentRequirements requirements)
      throws Exception {
    return (ObjectNode) JSON.readTree(WIRE.toJson(FacilitatorRequest.of(payload, requirements)));
  }

  static JsonNode post(String url, String path, JsonNode body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  static void assertVerifiesAndSettles(
      String facilitator, JsonNode body, EvmAddress payer, EvmAddress token) throws Exception {
    BigInteger payerBefore = market.devnet().tokenBalance(token, payer);
    BigInteger sellerBefore = market.devnet().tokenBalance(token, market.seller());

    JsonNode verified = post(facilitator, "/verify", body);
    assertThat(verified.path("isValid").asBoolean()).as(verified.toString()).isTrue();
    JsonNode settled = post(facilitator, "/settle", body);
    assertThat(settled.path("success").asBoolean()).as(settled.toString()).isTrue();

    assertThat(
            market
                .devnet()
                .awaitReceipt(settled.path("transaction").asText())
                .path("status")
                .asText())
        .isEqualTo("0x1");
    assertThat(market.devnet().tokenBalance(token, payer)).isEqualTo(payerBefore.subtract(PRICE));
    assertThat(market.devnet().tokenBalance(token, market.seller()))
        .isEqualTo(sellerBefore.add(PRICE));
  }

  /** A payer holding tokens but no ETH and no Permit2 allowance. */
  static PrivateKeySigner freshPayer() throws Exception {
    PrivateKeySigner fresh = PrivateKeySigner.generate(new SecureRandom());
    market.devnet().mint(fresh.address(), BigInteger.valueOf(1_000_000));
    return fresh;
  }

  @Test
  void theOfficialFacilitatorSettlesTheX402jClientsEip2612Permit() throws Exception {
    PrivateKeySigner payer = freshPayer();
    PaymentRequirements requirements = requirements(market.info().token().toString(), true);

    PaymentPayload payment = x402jPays(payer, offer(requirements, EIP2612));

    assertThat(payment.extensions()).containsKey(EIP2612);
    assertVerifiesAndSettles(
        official.url(), request(payment, requirements), payer.address(), market.info().token());
  }

  @Test
  void theOfficialFacilitatorSettlesTheX402jClientsSignedErc20Approval() throws Exception {
    // The buyer holds the plain token (no EIP-2612) and never let Permit2 move it.
    PrivateKeySigner payer = market.buyer();
    EvmAddress plain = EvmAddress.parse(market.info().plainToken().address());
    PaymentRequirements requirements = requirements(plain.toString(), false);

    PaymentPayload payment = x402jPays(payer, offer(requirements, ERC20));

    assertThat(payment.extensions()).containsKey(ERC20);
    assertVerifiesAndSettles(
        official.url(), request(payment, requirements), payer.address(), plain);
  }

  @Test
  void theX402jFacilitatorSettlesTheOfficialClientsEip2612Permit() throws Exception {
    PrivateKeySigner payer = freshPayer();
    PaymentRequirements requirements = requirements(market.info().token().toString(), true);

    JsonNode payment =
        Node.project()
            .run(
                "official-payload.mjs",
                Map.of(
                    "X402J_TEST_KEY",
                    payer.exportPrivateKeyHex(),
                    "X402J_TEST_RPC",
                    market.info().rpcUrl(),
                    "X402J_PAYMENT_REQUIRED",
                    WIRE.toJson(offer(requirements, EIP2612))),
                Duration.ofSeconds(60));

    assertThat(payment.path("extensions").has(EIP2612)).as(payment.toString()).isTrue();
    ObjectNode body = JSON.createObjectNode();
    body.put("x402Version", 2);
    body.set("paymentPayload", payment);
    body.set("paymentRequirements", JSON.readTree(WIRE.toJson(requirements)));
    assertVerifiesAndSettles(market.facilitatorUrl(), body, payer.address(), market.info().token());
  }

  @Test
  void theX402jFacilitatorSettlesTheOfficialClientsSignedErc20Approval() throws Exception {
    // A payer with plain tokens (no EIP-2612), no ETH and no Permit2 allowance.
    PrivateKeySigner payer = PrivateKeySigner.generate(new SecureRandom());
    EvmAddress plain = EvmAddress.parse(market.info().plainToken().address());
    market
        .devnet()
        .sendAs(
            market.buyer().address(),
            plain,
            io.x402j.evm.Abi.call("transfer(address,uint256)")
                .address(payer.address())
                .uint(BigInteger.valueOf(1_000_000))
                .encode());
    PaymentRequirements requirements = requirements(plain.toString(), false);

    JsonNode payment =
        Node.project()
            .run(
                "official-payload.mjs",
                Map.of(
                    "X402J_TEST_KEY",
                    payer.exportPrivateKeyHex(),
                    "X402J_TEST_RPC",
                    market.info().rpcUrl(),
                    "X402J_PAYMENT_REQUIRED",
                    WIRE.toJson(offer(requirements, ERC20))),
                Duration.ofSeconds(60));

    assertThat(payment.path("extensions").has(ERC20)).as(payment.toString()).isTrue();
    ObjectNode body = JSON.createObjectNode();
    body.put("x402Version", 2);
    body.set("paymentPayload", payment);
    body.set("paymentRequirements", JSON.readTree(WIRE.toJson(requirements)));
    assertVerifiesAndSettles(market.facilitatorUrl(), body, payer.address(), plain);
  }

  /** One bad EIP-2612 extension and what each facilitator answered to /verify. */
  record Outcome(String name, String official, String x402j) {}

  static String verdict(String facilitator, JsonNode body) throws Exception {
    JsonNode answer = post(facilitator, "/verify", body);
    return answer.path("isValid").asBoolean() ? "valid" : answer.path("invalidReason").asText();
  }

  @Test
  void bothFacilitatorsRefuseABadEip2612ExtensionWithTheSameReason() throws Exception {
    PrivateKeySigner payer = freshPayer();
    PaymentRequirements requirements = requirements(market.info().token().toString(), true);
    ObjectNode good = request(x402jPays(payer, offer(requirements, EIP2612)), requirements);
    long now = System.currentTimeMillis() / 1000;
    String other = "0x000000000000000000000000000000000000dEaD";
    Map<String, java.util.function.Consumer<ObjectNode>> cases = new java.util.LinkedHashMap<>();
    cases.put("untouched", info -> {});
    cases.put("from another owner", info -> info.put("from", other));
    cases.put("another asset", info -> info.put("asset", other));
    cases.put("spender not Permit2", info -> info.put("spender", other));
    cases.put("deadline passed", info -> info.put("deadline", Long.toString(now - 10)));
    cases.put("amount not a number", info -> info.put("amount", "ten"));
    cases.put("signature not hex", info -> info.put("signature", "0xzz"));

    List<Outcome> outcomes = new java.util.ArrayList<>();
    for (Map.Entry<String, java.util.function.Consumer<ObjectNode>> c : cases.entrySet()) {
      ObjectNode body = good.deepCopy();
      c.getValue()
          .accept(
              (ObjectNode)
                  body.path("paymentPayload").path("extensions").path(EIP2612).path("info"));
      outcomes.add(
          new Outcome(
              c.getKey(), verdict(official.url(), body), verdict(market.facilitatorUrl(), body)));
    }

    StringBuilder table = new StringBuilder();
    for (Outcome o : outcomes) {
      table.append(
          String.format("%-25s official=%-40s x402j=%s%n", o.name(), o.official(), o.x402j()));
    }
    System.out.println(table);
    // Both must give the reason the case is about, not merely the same answer.
    Map<String, String> expected =
        Map.of(
            "untouched", "valid",
            "from another owner", "eip2612_from_mismatch",
            "another asset", "eip2612_asset_mismatch",
            "spender not Permit2", "eip2612_spender_not_permit2",
            "deadline passed", "eip2612_deadline_expired",
            "amount not a number", "invalid_eip2612_extension_format",
            "signature not hex", "invalid_eip2612_extension_format");
    assertThat(outcomes)
        .as("\n" + table)
        .allSatisfy(
            o -> {
              String reason = expected.get(o.name());
              assertThat(o).as(o.name()).isEqualTo(new Outcome(o.name(), reason, reason));
            })
        .hasSize(expected.size());
  }

  /**
   * The smallest x coordinate with no secp256k1 point ({@code x^3 + 7} not a square mod p): a
   * signature r no public key can be recovered from.
   */
  static BigInteger noCurvePoint() {
    BigInteger p =
        new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", 16);
    BigInteger half = p.subtract(BigInteger.ONE).shiftRight(1);
    BigInteger x = BigInteger.ONE;
    while (x.pow(3).add(BigInteger.valueOf(7)).modPow(half, p).equals(BigInteger.ONE)) {
      x = x.add(BigInteger.ONE);
    }
    return x;
  }

  /** {@code tx} with {@code change} applied, signed by {@code signer}, as 0x hex. */
  static String resign(
      Eip1559Transaction tx, UnaryOperator<Eip1559Transaction> change, PrivateKeySigner signer) {
    Eip1559Transaction changed = change.apply(tx);
    return Hex.encode(changed.encodeSigned(signer.sign(changed.signingHash())));
  }

  static Eip1559Transaction withTarget(Eip1559Transaction t, EvmAddress to, byte[] data) {
    return new Eip1559Transaction(
        t.chainId(),
        t.nonce(),
        t.maxPriorityFeePerGas(),
        t.maxFeePerGas(),
        t.gasLimit(),
        to,
        t.value(),
        data);
  }

  /**
   * The same bad erc20ApprovalGasSponsoring extension (the x402j client's good one with one thing
   * changed; approve transactions re-signed as the official client signs them with viem: type 2,
   * the payer's nonce, its fees, gas, to = token, data = approve(Permit2, amount)) sent to both
   * facilitators' /verify: the same official reason, and nothing broadcast.
   */
  @Test
  void bothFacilitatorsRefuseABadErc20ApprovalExtensionWithTheSameReason() throws Exception {
    PrivateKeySigner payer = PrivateKeySigner.generate(new SecureRandom());
    PrivateKeySigner stranger = PrivateKeySigner.generate(new SecureRandom());
    EvmAddress plain = EvmAddress.parse(market.info().plainToken().address());
    market
        .devnet()
        .sendAs(
            market.buyer().address(),
            plain,
            Abi.call("transfer(address,uint256)")
                .address(payer.address())
                .uint(BigInteger.valueOf(1_000_000))
                .encode());
    PaymentRequirements requirements = requirements(plain.toString(), false);
    ObjectNode good = request(x402jPays(payer, offer(requirements, ERC20)), requirements);
    ObjectNode goodInfo =
        (ObjectNode) good.path("paymentPayload").path("extensions").path(ERC20).path("info");
    Eip1559Transaction approve =
        Eip1559Transaction.decodeSigned(Hex.decode(goodInfo.path("signedTransaction").asText()))
            .transaction();
    BigInteger amount = new BigInteger(goodInfo.path("amount").asText());
    EvmAddress other = EvmAddress.parse("0x000000000000000000000000000000000000dEaD");
    String tx = "signedTransaction";

    Map<String, Consumer<ObjectNode>> cases = new LinkedHashMap<>();
    cases.put("untouched", info -> {});
    cases.put("amount not a number", info -> info.put("amount", "ten"));
    cases.put("from another owner", info -> info.put("from", other.toString()));
    cases.put("another asset", info -> info.put("asset", other.toString()));
    cases.put("spender not Permit2", info -> info.put("spender", other.toString()));
    cases.put(
        "tx calls another contract",
        info -> info.put(tx, resign(approve, t -> withTarget(t, other, t.data()), payer)));
    cases.put(
        "tx calls transfer, not approve",
        info ->
            info.put(
                tx,
                resign(
                    approve,
                    t ->
                        withTarget(
                            t,
                            t.to(),
                            Abi.call("transfer(address,uint256)")
                                .address(Permit2.ADDRESS)
                                .uint(amount)
                                .encode()),
                    payer)));
    cases.put(
        "tx approves another spender",
        info ->
            info.put(
                tx,
                resign(
                    approve,
                    t -> withTarget(t, t.to(), Permit2Calls.erc20Approve(other, amount)),
                    payer)));
    cases.put("tx signed by someone else", info -> info.put(tx, resign(approve, t -> t, stranger)));
    cases.put("tx not a transaction", info -> info.put(tx, "0x1234"));
    cases.put(
        "tx approve calldata cut short",
        info ->
            info.put(
                tx,
                resign(
                    approve, t -> withTarget(t, t.to(), Arrays.copyOf(t.data(), 4 + 32)), payer)));
    cases.put(
        "tx signature r is no curve point",
        info ->
            info.put(
                tx,
                Hex.encode(approve.encodeSigned(Signature.of(noCurvePoint(), BigInteger.ONE, 0)))));
    // Where x402j is deliberately stricter than the official facilitator (the official one checks
    // only target, selector, spender and signer of the approval, and lets the chain sort out the
    // rest): it sponsors gas only for an approval that can land on this chain for the amount the
    // extension states, within its gas cap. Asserted below as explicit differences.
    cases.put(
        "tx for another chain",
        info ->
            info.put(
                tx,
                resign(
                    approve,
                    t ->
                        new Eip1559Transaction(
                            1,
                            t.nonce(),
                            t.maxPriorityFeePerGas(),
                            t.maxFeePerGas(),
                            t.gasLimit(),
                            t.to(),
                            t.value(),
                            t.data()),
                    payer)));
    cases.put(
        "tx approves another amount",
        info ->
            info.put(
                tx,
                resign(
                    approve,
                    t ->
                        withTarget(
                            t,
                            t.to(),
                            Permit2Calls.erc20Approve(
                                Permit2.ADDRESS, amount.subtract(BigInteger.ONE))),
                    payer)));
    cases.put(
        "tx with a huge gas limit",
        info ->
            info.put(
                tx,
                resign(
                    approve,
                    t ->
                        new Eip1559Transaction(
                            t.chainId(),
                            t.nonce(),
                            t.maxPriorityFeePerGas(),
                            t.maxFeePerGas(),
                            10_000_000,
                            t.to(),
                            t.value(),
                            t.data()),
                    payer)));

    List<Outcome> outcomes = new java.util.ArrayList<>();
    for (Map.Entry<String, Consumer<ObjectNode>> c : cases.entrySet()) {
      ObjectNode body = good.deepCopy();
      c.getValue()
          .accept(
              (ObjectNode) body.path("paymentPayload").path("extensions").path(ERC20).path("info"));
      outcomes.add(
          new Outcome(
              c.getKey(), verdict(official.url(), body), verdict(market.facilitatorUrl(), body)));
    }

    StringBuilder table = new StringBuilder();
    for (Outcome o : outcomes) {
      table.append(
          String.format("%-35s official=%-40s x402j=%s%n", o.name(), o.official(), o.x402j()));
    }
    System.out.println(table);
    // The official facilitator accepts these at /verify (its settle would fund the payer's gas and
    // broadcast: another chain's transaction fails there, a huge gas limit makes the facilitator
    // fund up to gas x maxFee, another amount approves what the extension did not say). x402j
    // refuses them before spending anything: the wrong chain as erc20_approval_tx_parse_failed
    // (the transaction cannot be used here), the gas cap and the amount as
    // erc20_approval_tx_invalid_calldata (the official list has no closer reason).
    Map<String, Outcome> differences =
        Map.of(
            "tx for another chain",
            new Outcome("tx for another chain", "valid", "erc20_approval_tx_parse_failed"),
            "tx approves another amount",
            new Outcome(
                "tx approves another amount", "valid", "erc20_approval_tx_invalid_calldata"),
            "tx with a huge gas limit",
            new Outcome("tx with a huge gas limit", "valid", "erc20_approval_tx_invalid_calldata"));
    assertThat(outcomes)
        .as("\n" + table)
        .filteredOn(o -> differences.containsKey(o.name()))
        .allSatisfy(o -> assertThat(o).isEqualTo(differences.get(o.name())))
        .hasSize(differences.size());
    // Elsewhere both must give the reason the case is about, not merely the same answer.
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("untouched", "valid"),
            Map.entry("amount not a number", "invalid_erc20_approval_extension_format"),
            Map.entry("from another owner", "erc20_approval_from_mismatch"),
            Map.entry("another asset", "erc20_approval_asset_mismatch"),
            Map.entry("spender not Permit2", "erc20_approval_spender_not_permit2"),
            Map.entry("tx calls another contract", "erc20_approval_tx_wrong_target"),
            Map.entry("tx calls transfer, not approve", "erc20_approval_tx_wrong_selector"),
            Map.entry("tx approves another spender", "erc20_approval_tx_wrong_spender"),
            Map.entry("tx signed by someone else", "erc20_approval_tx_signer_mismatch"),
            Map.entry("tx not a transaction", "erc20_approval_tx_parse_failed"),
            Map.entry("tx approve calldata cut short", "erc20_approval_tx_invalid_calldata"),
            Map.entry("tx signature r is no curve point", "erc20_approval_tx_invalid_signature"));
    assertThat(outcomes)
        .as("\n" + table)
        .filteredOn(o -> !differences.containsKey(o.name()))
        .allSatisfy(
            o -> {
              String reason = expected.get(o.name());
              assertThat(o).as(o.name()).isEqualTo(new Outcome(o.name(), reason, reason));
            })
        .hasSize(expected.size());
    // Verify only reads: the approval was never broadcast, nothing moved.
    assertThat(market.devnet().transactionCount(payer.address())).isZero();
    assertThat(market.devnet().tokenBalance(plain, payer.address()))
        .isEqualTo(BigInteger.valueOf(1_000_000));
  }

  /**
   * An EIP-2612 permit, correctly signed, for one unit more than the Permit2 authorization permits
   * (the proxy reverts {@code Permit2612AmountMismatch} on such a pair): both facilitators' /verify
   * and /settle answers, and nothing moved.
   */
  @Test
  void anEip2612PermitForAnotherAmountIsRefusedByBoth() throws Exception {
    PrivateKeySigner payer = freshPayer();
    EvmAddress token = market.info().token();
    PaymentRequirements requirements = requirements(token.toString(), true);
    ObjectNode body = request(x402jPays(payer, offer(requirements, EIP2612)), requirements);
    ObjectNode info =
        (ObjectNode) body.path("paymentPayload").path("extensions").path(EIP2612).path("info");
    BigInteger more = PRICE.add(BigInteger.ONE);
    info.put("amount", more.toString());
    info.put(
        "signature",
        payer
            .sign(
                Eip2612.digest(
                    Eip2612.domainSeparator(
                        market.info().tokenName(),
                        market.info().tokenVersion(),
                        market.info().chainId(),
                        token),
                    payer.address(),
                    Permit2.ADDRESS,
                    more,
                    new BigInteger(info.path("nonce").asText()),
                    new BigInteger(info.path("deadline").asText())))
            .toString());
    BigInteger before = market.devnet().tokenBalance(token, payer.address());

    String officialVerify = verdict(official.url(), body);
    String x402jVerify = verdict(market.facilitatorUrl(), body);
    JsonNode officialSettle = post(official.url(), "/settle", body);
    JsonNode x402jSettle = post(market.facilitatorUrl(), "/settle", body);
    String table =
        String.format(
            "verify official=%s x402j=%s%nsettle official=%s x402j=%s%n",
            officialVerify, x402jVerify, officialSettle, x402jSettle);
    System.out.println(table);

    // At /settle both name the proxy's revert. At /verify the official facilitator only sees its
    // settleWithPermit simulation fail and diagnoses the payer's missing Permit2 allowance; x402j
    // compares the two amounts before simulating and names the mismatch already.
    assertThat(officialSettle.path("success").asBoolean()).as(table).isFalse();
    assertThat(x402jSettle.path("success").asBoolean()).as(table).isFalse();
    assertThat(x402jSettle.path("errorReason").asText())
        .as(table)
        .isEqualTo(officialSettle.path("errorReason").asText())
        .isEqualTo("permit2_2612_amount_mismatch");
    assertThat(officialVerify).as(table).isEqualTo("permit2_allowance_required");
    assertThat(x402jVerify).as(table).isEqualTo("permit2_2612_amount_mismatch");
    assertThat(market.devnet().tokenBalance(token, payer.address())).isEqualTo(before);
  }
}
