package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Witness;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad Permit2 payments, exact and upto, sent to both facilitators (the official TypeScript one and
 * x402j's) on the same devnet: each must be refused with the same official reason string. Each
 * payment is signed correctly for what it says (only what makes it bad differs), so the reason is
 * the check named, not a signature failure, unless the case is about the signature. For upto, the
 * witness names the facilitator being asked (each has its own address).
 */
class Permit2NegativeInteropIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final WireCodec WIRE = WireCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final EvmAddress OTHER = EvmAddress.parse("0x000000000000000000000000000000000000dEaD");
  static final BigInteger PRICE = BigInteger.valueOf(10_000);

  static final String NO_PROXY = "exact: the exact proxy has no code";
  static final String REVERTING_PROXY = "exact: the exact proxy always reverts";

  static TestMarket market;
  static Service official;
  static SecureRandom random = new SecureRandom();

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    market.devnet().approvePermit2(market.buyer().address(), market.info().token());
    official = OfficialStack.facilitator(market);
  }

  @AfterAll
  static void stop() {
    if (official != null) {
      official.close();
    }
    market.close();
  }

  /** One facilitator under test: its URL and the address it settles upto payments from. */
  record Target(String name, String url, EvmAddress facilitator) {}

  static List<Target> targets() {
    return List.of(
        new Target(
            "official",
            official.url(),
            market.info().requireAccount("other-facilitator").address()),
        new Target(
            "x402j",
            market.facilitatorUrl(),
            market.info().requireAccount("facilitator").address()));
  }

  static PaymentRequirements requirements(boolean upto, EvmAddress facilitator, BigInteger amount) {
    PaymentRequirements.Builder b =
        PaymentRequirements.builder()
            .scheme(upto ? "upto" : "exact")
            .network(market.network())
            .amount(TokenAmount.of(amount))
            .asset(market.info().token().toString())
            .payTo(market.seller().toString())
            .maxTimeoutSeconds(60)
            .extra("name", market.info().tokenName())
            .extra("version", market.info().tokenVersion())
            .extra("assetTransferMethod", "permit2");
    if (upto) {
      b.extra("facilitatorAddress", facilitator.toString());
    }
    return b.build();
  }

  /** A good authorization from the buyer for {@code requirements}. */
  static Permit2Authorization good(boolean upto, EvmAddress facilitator, BigInteger amount) {
    long now = System.currentTimeMillis() / 1000;
    return new Permit2Authorization(
        market.info().token(),
        amount,
        market.buyer().address(),
        upto ? Permit2.UPTO_PROXY : Permit2.EXACT_PROXY,
        new BigInteger(256, random),
        BigInteger.valueOf(now + 60),
        upto
            ? Permit2Witness.upto(market.seller(), facilitator, BigInteger.ZERO)
            : Permit2Witness.exact(market.seller(), BigInteger.ZERO));
  }

  static Permit2Authorization with(
      Permit2Authorization a,
      EvmAddress token,
      BigInteger amount,
      EvmAddress spender,
      BigInteger deadline,
      Permit2Witness witness) {
    return new Permit2Authorization(token, amount, a.from(), spender, a.nonce(), deadline, witness);
  }

  static ObjectNode body(
      PaymentRequirements requirements, Permit2Authorization a, PrivateKeySigner signer)
      throws Exception {
    String signature = signer.sign(Permit2.digest(market.info().chainId(), a)).toString();
    Permit2Payload payload = new Permit2Payload(signature, a);
    return (ObjectNode)
        JSON.readTree(
            WIRE.toJson(
                FacilitatorRequest.of(
                    PaymentPayload.of(
                        ResourceInfo.of("http://127.0.0.1/permit2"), requirements, payload.toMap()),
                    requirements)));
  }

  static JsonNode post(String url, String path, JsonNode body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      return JSON.createObjectNode().put("invalidReason", "HTTP " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  /** A bad payment for one facilitator (upto ones name it in the witness). */
  interface Case {
    ObjectNode body(EvmAddress facilitator) throws Exception;
  }

  record Outcome(String name, String official, String x402j) {}

  static Outcome verify(String name, Case c) throws Exception {
    List<String> answers = new ArrayList<>();
    for (Target t : targets()) {
      JsonNode answer = post(t.url(), "/verify", c.body(t.facilitator()));
      answers.add(
          answer.path("isValid").asBoolean() ? "valid" : answer.path("invalidReason").asText());
    }
    return new Outcome(name, answers.get(0), answers.get(1));
  }

  static Outcome settle(String name, Case c) throws Exception {
    List<String> answers = new ArrayList<>();
    for (Target t : targets()) {
      JsonNode answer = post(t.url(), "/settle", c.body(t.facilitator()));
      answers.add(
          answer.path("success").asBoolean() ? "settled" : answer.path("errorReason").asText());
    }
    return new Outcome(name, answers.get(0), answers.get(1));
  }

  /** An exact case: the authorization altered by {@code change}, signed by the buyer. */
  static Case exact(UnaryOperator<Permit2Authorization> change) {
    return f -> {
      PaymentRequirements r = requirements(false, f, PRICE);
      return body(r, change.apply(good(false, f, PRICE)), market.buyer());
    };
  }

  /** An upto case for the facilitator asked, the authorization altered by {@code change}. */
  static Case upto(
      BigInteger ceiling,
      BigInteger required,
      Function<EvmAddress, UnaryOperator<Permit2Authorization>> change) {
    return f -> {
      PaymentRequirements r = requirements(true, f, required);
      return body(r, change.apply(f).apply(good(true, f, ceiling)), market.buyer());
    };
  }

  /** {@code body} with one field of the payment's {@code accepted} requirements replaced. */
  static ObjectNode accepted(ObjectNode body, String field, String value) {
    ((ObjectNode) body.get("paymentPayload").get("accepted")).put(field, value);
    return body;
  }

  /**
   * A good exact payment while the exact proxy's code is {@code code} (replaced on the devnet, put
   * back afterwards).
   */
  static Outcome withExactProxyCode(String name, String code) throws Exception {
    String proxy = Permit2.EXACT_PROXY.toLowerHex();
    String original = market.devnet().rpc().call("eth_getCode", proxy, "latest").join().asText();
    assertThat(original).as("exact proxy code").hasSizeGreaterThan(2);
    market.devnet().rpc().call("anvil_setCode", proxy, code).join();
    try {
      return verify(name, exact(a -> a));
    } finally {
      market.devnet().rpc().call("anvil_setCode", proxy, original).join();
    }
  }

  @Test
  void bothFacilitatorsRefuseEachBadPermit2PaymentWithTheSameReason() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    EvmAddress plain = EvmAddress.parse(market.info().plainToken().address());
    PrivateKeySigner stranger = PrivateKeySigner.generate(random);
    PrivateKeySigner unapproved = PrivateKeySigner.generate(random);
    market.devnet().mint(unapproved.address(), BigInteger.valueOf(1_000_000));
    // A payer that let Permit2 move its tokens but holds fewer than the price: gas for its own
    // approve() first, then one token unit short.
    PrivateKeySigner poor = PrivateKeySigner.generate(random);
    market
        .devnet()
        .rpc()
        .call("anvil_setBalance", poor.address().toLowerHex(), "0xde0b6b3a7640000")
        .join();
    market.devnet().approvePermit2(poor.address(), market.info().token());
    market.devnet().mint(poor.address(), PRICE.subtract(BigInteger.ONE));

    List<Outcome> outcomes = new ArrayList<>();
    // First, before any good exact payment: the x402j facilitator remembers a contract once it has
    // seen its code (it never asks again), so the proxy is replaced before it has been seen.
    outcomes.add(withExactProxyCode(NO_PROXY, "0x"));
    // A proxy whose every call reverts (PUSH1 0 PUSH1 0 REVERT).
    outcomes.add(withExactProxyCode(REVERTING_PROXY, "0x60006000fd"));
    outcomes.add(verify("exact: untouched", exact(a -> a)));
    outcomes.add(
        verify(
            "exact: wrong spender (the upto proxy)",
            exact(
                a ->
                    with(
                        a, a.token(), a.amount(), Permit2.UPTO_PROXY, a.deadline(), a.witness()))));
    outcomes.add(
        verify(
            "exact: witness pays someone else",
            exact(
                a ->
                    with(
                        a,
                        a.token(),
                        a.amount(),
                        a.spender(),
                        a.deadline(),
                        Permit2Witness.exact(OTHER, BigInteger.ZERO)))));
    outcomes.add(
        verify(
            "exact: deadline expired",
            exact(
                a ->
                    with(
                        a,
                        a.token(),
                        a.amount(),
                        a.spender(),
                        BigInteger.valueOf(now - 10),
                        a.witness()))));
    outcomes.add(
        verify(
            "exact: not valid yet",
            exact(
                a ->
                    with(
                        a,
                        a.token(),
                        a.amount(),
                        a.spender(),
                        a.deadline(),
                        Permit2Witness.exact(a.witness().to(), BigInteger.valueOf(now + 3600))))));
    outcomes.add(
        verify(
            "exact: amount differs from the price",
            exact(
                a ->
                    with(
                        a,
                        a.token(),
                        PRICE.add(BigInteger.ONE),
                        a.spender(),
                        a.deadline(),
                        a.witness()))));
    outcomes.add(
        verify(
            "exact: another token",
            exact(a -> with(a, plain, a.amount(), a.spender(), a.deadline(), a.witness()))));
    outcomes.add(
        verify(
            "exact: signed by someone else",
            f -> body(requirements(false, f, PRICE), good(false, f, PRICE), stranger)));
    outcomes.add(
        verify(
            "exact: payer without a Permit2 allowance",
            f -> {
              Permit2Authorization a = good(false, f, PRICE);
              Permit2Authorization theirs =
                  new Permit2Authorization(
                      a.token(),
                      a.amount(),
                      unapproved.address(),
                      a.spender(),
                      a.nonce(),
                      a.deadline(),
                      a.witness());
              return body(requirements(false, f, PRICE), theirs, unapproved);
            }));
    outcomes.add(
        verify(
            "exact: payer holds less than the price",
            f -> {
              Permit2Authorization a = good(false, f, PRICE);
              Permit2Authorization theirs =
                  new Permit2Authorization(
                      a.token(),
                      a.amount(),
                      poor.address(),
                      a.spender(),
                      a.nonce(),
                      a.deadline(),
                      a.witness());
              return body(requirements(false, f, PRICE), theirs, poor);
            }));

    BigInteger ceiling = BigInteger.valueOf(100_000);
    outcomes.add(verify("upto: untouched", upto(ceiling, ceiling, f -> a -> a)));
    outcomes.add(
        verify(
            "upto: witness names another facilitator",
            upto(
                ceiling,
                ceiling,
                f ->
                    a ->
                        with(
                            a,
                            a.token(),
                            a.amount(),
                            a.spender(),
                            a.deadline(),
                            Permit2Witness.upto(a.witness().to(), OTHER, BigInteger.ZERO)))));
    outcomes.add(
        verify(
            "upto: wrong spender (the exact proxy)",
            upto(
                ceiling,
                ceiling,
                f ->
                    a ->
                        with(
                            a,
                            a.token(),
                            a.amount(),
                            Permit2.EXACT_PROXY,
                            a.deadline(),
                            a.witness()))));
    outcomes.add(
        verify(
            "upto: ceiling differs from the requirement at verify",
            upto(ceiling, ceiling.subtract(BigInteger.ONE), f -> a -> a)));
    outcomes.add(
        settle(
            "upto: settle above the ceiling",
            upto(ceiling, ceiling.add(BigInteger.ONE), f -> a -> a)));
    outcomes.add(
        verify(
            "upto: the payment accepted exact, the requirement is upto",
            f -> accepted(upto(ceiling, ceiling, g -> a -> a).body(f), "scheme", "exact")));
    outcomes.add(
        verify(
            "upto: the payment accepted another network",
            f -> accepted(upto(ceiling, ceiling, g -> a -> a).body(f), "network", "eip155:1")));

    StringBuilder table = new StringBuilder();
    for (Outcome o : outcomes) {
      table.append(
          String.format("%-55s official=%-45s x402j=%s%n", o.name(), o.official(), o.x402j()));
    }
    System.out.println(table);
    // Where they differ (both produce permit2_proxy_not_deployed, never for the same payment):
    // with no code at the proxy, the official facilitator's simulation passes (an eth_call to an
    // address without code succeeds, returning nothing), so it answers valid and would settle into
    // a call that moves nothing; it says permit2_proxy_not_deployed only when the simulation
    // reverts and the proxy's PERMIT2() read fails too. x402j asks for the code of Permit2 and the
    // proxy first (not deployed = no code); a proxy with code that reverts fails its simulation.
    Map<String, Outcome> differences =
        Map.of(
            NO_PROXY,
            new Outcome(NO_PROXY, "valid", "permit2_proxy_not_deployed"),
            REVERTING_PROXY,
            new Outcome(
                REVERTING_PROXY, "permit2_proxy_not_deployed", "permit2_simulation_failed"));
    assertThat(outcomes)
        .as("\n" + table)
        .filteredOn(o -> differences.containsKey(o.name()))
        .allSatisfy(o -> assertThat(o).isEqualTo(differences.get(o.name())))
        .hasSize(differences.size());
    // Both must give the reason the case is about: equal answers alone would also pass when both
    // refuse for another reason (an HTTP error, a malformed body, a signature failure).
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("exact: untouched", "valid"),
            Map.entry("exact: wrong spender (the upto proxy)", "invalid_permit2_spender"),
            Map.entry("exact: witness pays someone else", "invalid_permit2_recipient_mismatch"),
            Map.entry("exact: deadline expired", "permit2_deadline_expired"),
            Map.entry("exact: not valid yet", "permit2_not_yet_valid"),
            Map.entry("exact: amount differs from the price", "permit2_amount_mismatch"),
            Map.entry("exact: another token", "permit2_token_mismatch"),
            Map.entry("exact: signed by someone else", "invalid_permit2_signature"),
            Map.entry("exact: payer without a Permit2 allowance", "permit2_allowance_required"),
            Map.entry("exact: payer holds less than the price", "permit2_insufficient_balance"),
            Map.entry("upto: untouched", "valid"),
            Map.entry("upto: witness names another facilitator", "upto_facilitator_mismatch"),
            Map.entry("upto: wrong spender (the exact proxy)", "invalid_permit2_spender"),
            Map.entry(
                "upto: ceiling differs from the requirement at verify", "permit2_amount_mismatch"),
            Map.entry(
                "upto: settle above the ceiling",
                "invalid_upto_evm_payload_settlement_exceeds_amount"),
            Map.entry(
                "upto: the payment accepted exact, the requirement is upto",
                "invalid_upto_evm_scheme"),
            Map.entry(
                "upto: the payment accepted another network", "invalid_upto_evm_network_mismatch"));
    assertThat(outcomes)
        .as("\n" + table)
        .filteredOn(o -> !differences.containsKey(o.name()))
        .allSatisfy(
            o -> {
              String reason = expected.get(o.name());
              assertThat(o).as(o.name()).isEqualTo(new Outcome(o.name(), reason, reason));
            })
        .hasSize(expected.size());
    assertThat(market.devnet().tokenBalance(market.info().token(), poor.address()))
        .isEqualTo(PRICE.subtract(BigInteger.ONE));
  }
}
