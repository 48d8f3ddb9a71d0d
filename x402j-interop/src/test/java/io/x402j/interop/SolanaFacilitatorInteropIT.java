package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.support.Base58;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.facilitator.FacilitatorApp;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official client's payment ({@code @x402/svm} exact, v2) sent over HTTP to x402j's facilitator
 * {@code /verify} and {@code /settle}; and hostile variants of it — each the official transaction
 * decoded with {@code @solana/kit}, changed in one place and re-signed by the buyer — sent to both
 * the official facilitator and x402j's, which must refuse them for the same reason. Both
 * facilitators manage the same fee payer on the same local Solana devnet.
 */
class SolanaFacilitatorInteropIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);

  /** Mainnet USDC: a real mint, but not the one required. */
  static final String OTHER_MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

  static SolanaDevnet devnet;
  static FacilitatorApp x402j;
  static Service official;
  static String seller;
  static ObjectNode requirements;
  static JsonNode payload;
  static JsonNode hostile;

  @BeforeAll
  static void start() throws Exception {
    devnet = SolanaDevnet.start();
    seller = SolanaStack.account(devnet, "seller").address();
    x402j = SolanaStack.x402jFacilitator(devnet, "facilitator", SolanaStack.tempDir());
    official = SolanaStack.officialFacilitator(devnet, "facilitator");
    requirements = SolanaStack.JSON.createObjectNode();
    requirements.put("scheme", "exact");
    requirements.put("network", SolanaDevnet.NETWORK);
    requirements.put("amount", PRICE.toString());
    requirements.put("asset", devnet.info().token().address());
    requirements.put("payTo", seller);
    requirements.put("maxTimeoutSeconds", 60);
    requirements
        .putObject("extra")
        .put("feePayer", SolanaStack.account(devnet, "facilitator").address());
    Map<String, String> env = new HashMap<>(SolanaStack.buyerEnv(devnet));
    env.put("X402J_REQUIREMENTS", SolanaStack.JSON.writeValueAsString(requirements));
    JsonNode built =
        Node.project()
            .run(
                "svm-payload.mjs",
                env,
                Duration.ofSeconds(60),
                SolanaStack.account(devnet, "buyer2").address(),
                OTHER_MINT);
    payload = built.path("payload");
    hostile = built.path("hostile");
  }

  @AfterAll
  static void stop() {
    if (official != null) {
      official.close();
    }
    if (x402j != null) {
      x402j.close();
    }
    if (devnet != null) {
      devnet.close();
    }
  }

  static ObjectNode request(JsonNode paymentPayload) {
    ObjectNode body = SolanaStack.JSON.createObjectNode();
    body.put("x402Version", 2);
    body.set("paymentPayload", paymentPayload);
    body.set("paymentRequirements", requirements);
    return body;
  }

  static JsonNode verify(String facilitatorUrl, JsonNode paymentPayload) throws Exception {
    return SolanaStack.post(facilitatorUrl, "/verify", request(paymentPayload));
  }

  static JsonNode settle(String facilitatorUrl, JsonNode paymentPayload) throws Exception {
    return SolanaStack.post(facilitatorUrl, "/settle", request(paymentPayload));
  }

  @Test
  void x402jVerifiesAndSettlesTheOfficialClientsPaymentOnce() throws Exception {
    String buyer = SolanaStack.account(devnet, "buyer").address();
    BigInteger before = SolanaStack.balance(devnet, seller);
    assertThat(verify(official.url(), payload).path("isValid").asBoolean()).isTrue();

    JsonNode verified = verify(x402j.url(), payload);
    assertThat(verified.path("isValid").asBoolean()).as(verified.toString()).isTrue();
    assertThat(verified.path("payer").asText()).isEqualTo(buyer);

    JsonNode settled = settle(x402j.url(), payload);
    assertThat(settled.path("success").asBoolean()).as(settled.toString()).isTrue();
    assertThat(settled.path("network").asText()).isEqualTo(SolanaDevnet.NETWORK);
    assertThat(settled.path("payer").asText()).isEqualTo(buyer);
    String signature = settled.path("transaction").asText();
    assertThat(Base58.decode(signature)).hasSize(64);
    JsonNode status = devnet.controls().signatureStatus(signature);
    assertThat(status).isNotNull();
    assertThat(status.path("err").isNull()).as(status.toString()).isTrue();
    assertThat(SolanaStack.balance(devnet, seller)).isEqualTo(before.add(PRICE));

    JsonNode again = settle(x402j.url(), payload);
    assertThat(again.path("success").asBoolean()).as(again.toString()).isFalse();
    assertThat(again.path("errorReason").asText()).isEqualTo("duplicate_settlement");
    assertThat(SolanaStack.balance(devnet, seller)).isEqualTo(before.add(PRICE));
  }

  @Test
  void hostileTransactionsAreRefusedForTheSameReasonsAsByTheOfficialFacilitator() throws Exception {
    BigInteger before = SolanaStack.balance(devnet, seller);
    // What the official facilitator answers, pinned so that a mutation that stops reaching its
    // check is noticed; x402j must answer the same.
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("amount", "invalid_exact_svm_payload_amount_mismatch");
    cases.put("recipient", "invalid_exact_svm_payload_recipient_mismatch");
    cases.put("mint", "invalid_exact_svm_payload_mint_mismatch");
    cases.put("extraInstruction", "invalid_exact_svm_payload_unknown_fifth_instruction");
    cases.put(
        "feePayerAsAuthority",
        "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds");
    cases.put(
        "computePriceTooHigh",
        "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high");
    SoftAssertions soft = new SoftAssertions();
    for (String name : cases.keySet()) {
      JsonNode tampered = hostile.path(name);
      assertThat(tampered.isObject()).as("hostile payload %s", name).isTrue();
      JsonNode theirs = verify(official.url(), tampered);
      JsonNode ours = verify(x402j.url(), tampered);
      soft.assertThat(theirs.path("isValid").asBoolean()).as("official, %s", name).isFalse();
      soft.assertThat(ours.path("isValid").asBoolean()).as("x402j, %s: %s", name, ours).isFalse();
      soft.assertThat(theirs.path("invalidReason").asText())
          .as("official reason, %s", name)
          .isEqualTo(cases.get(name));
      soft.assertThat(ours.path("invalidReason").asText())
          .as("%s: x402j %s, official %s", name, ours, theirs)
          .isEqualTo(theirs.path("invalidReason").asText());

      JsonNode theirSettle = settle(official.url(), tampered);
      JsonNode ourSettle = settle(x402j.url(), tampered);
      soft.assertThat(ourSettle.path("success").asBoolean()).as("x402j settle, %s", name).isFalse();
      soft.assertThat(ourSettle.path("errorReason").asText())
          .as("settle %s: x402j %s, official %s", name, ourSettle, theirSettle)
          .isEqualTo(theirSettle.path("errorReason").asText());
    }
    soft.assertAll();
    assertThat(SolanaStack.balance(devnet, seller)).isEqualTo(before);
  }

  /**
   * The one deliberate difference: the official 2.27.0 facilitator's static path does not scan
   * instruction account lists for the fee payer, so it accepts a transaction naming the fee payer
   * as an account of its memo; the spec (§2.1) forbids the fee payer in any instruction's accounts
   * and x402j refuses it.
   */
  @Test
  void theFeePayerInAnAccountListIsRefusedByX402jThoughTheOfficialFacilitatorAcceptsIt()
      throws Exception {
    JsonNode tampered = hostile.path("feePayerInAccountList");

    JsonNode theirs = verify(official.url(), tampered);
    JsonNode ours = verify(x402j.url(), tampered);
    JsonNode ourSettle = settle(x402j.url(), tampered);

    assertThat(theirs.path("isValid").asBoolean()).as(theirs.toString()).isTrue();
    assertThat(ours.path("isValid").asBoolean()).as(ours.toString()).isFalse();
    assertThat(ours.path("invalidReason").asText())
        .isEqualTo("invalid_exact_svm_payload_transaction_fee_payer_transferring_funds");
    assertThat(ourSettle.path("success").asBoolean()).isFalse();
    assertThat(ourSettle.path("errorReason").asText())
        .isEqualTo("invalid_exact_svm_payload_transaction_fee_payer_transferring_funds");
  }
}
