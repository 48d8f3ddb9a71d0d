package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.support.Text;
import io.x402j.core.testing.Spellings;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.V1Translation;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyRequestV1;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.Eip3009;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmServer;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.rpc.JsonRpcClient;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The EIP-712 verification entry point, fed any {@code /verify} body: the local checks of an
 * exact-scheme payment ({@link PaymentCheck#run}) either refuse it with a reason or accept it, and
 * nothing else escapes. A payment they accept with a signature that recovered to the payer pays
 * exactly what was required: the recipient, the amount, the token, the network, within its validity
 * window, under the digest the payer signed. Every field of an accepted payment is ASCII (a hex or
 * decimal digit written as '１' or '١' is refused), and its identity at the gate is that of its
 * canonical spelling, whatever spelling it came in. The chain is never asked; its RPC address is
 * unreachable.
 *
 * <p>An input is the body as UTF-8. The committed inputs (in {@code
 * src/test/resources/io/x402j/evm/internal/VerifyFuzzTestInputs}) include payments signed with a
 * fixed test key at {@link #NOW}, so the fuzzer starts from accepted payments and mutates them;
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class VerifyFuzzTest {
  /** The clock of the check; the committed signed payments are valid at this instant. */
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  /** The token the chain accepts: USDC on Base Sepolia. */
  static final EvmAddress USDC = EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e");

  static final Network BASE_SEPOLIA = Network.evm(84532);

  private static final WireCodec WIRE = WireCodec.standard();
  private static final ExactEvmServer SERVER = new ExactEvmServer(NetworkRegistry.defaults());
  private static final V1Translation V1 = new V1Translation(NetworkRegistry.defaults());
  private static final ScheduledExecutorService SCHEDULER =
      Executors.newSingleThreadScheduledExecutor();
  private static final EvmChain CHAIN =
      new EvmChain(
          EvmNetworkConfig.builder(
                  BASE_SEPOLIA, JsonRpcClient.builder("http://127.0.0.1:9").build())
              .asset(USDC)
              .signer(PrivateKeySigner.fromHex("0x" + "11".repeat(32))) // never used: no chain
              .build(),
          SCHEDULER);

  @AfterAll
  static void stop() {
    SCHEDULER.shutdownNow();
  }

  @FuzzTest
  void anAcceptedPaymentPaysExactlyWhatWasRequired(byte[] input) {
    SchemeRequest request = read(new String(input, StandardCharsets.UTF_8));
    if (request == null) {
      return;
    }
    PaymentCheck.Result result =
        PaymentCheck.run(request, n -> n.equals(BASE_SEPOLIA) ? CHAIN : null, NOW);
    if (result.failed()) {
      assertThat(result.reason()).isNotNull();
      return;
    }
    PaymentRequirements required = request.requirements();
    Eip3009Authorization a = result.payload().authorization();
    Map<String, Object> sent = request.payload().payload();
    assertAscii(sent.get("signature"));
    for (String field : List.of("from", "to", "value", "validAfter", "validBefore", "nonce")) {
      assertAscii(((Map<?, ?>) sent.get("authorization")).get(field));
    }
    assertAscii(required.asset());
    assertAscii(required.payTo());
    assertAscii(required.network().toString());
    PaymentIdentity identity =
        SERVER.identify(request.x402Version(), required, request.payload().payload());
    Map<String, Object> canonical = result.payload().toMap();
    assertThat(SERVER.identify(request.x402Version(), required, canonical)).isEqualTo(identity);
    assertThat(
            SERVER.identify(
                request.x402Version(),
                required,
                Spellings.authorization(
                    Spellings.signature(canonical, Spellings::upperHex),
                    "nonce",
                    Spellings::upperHex)))
        .isEqualTo(identity);
    assertThat(identity.validBefore())
        .isEqualTo(
            a.validBefore().compareTo(BigInteger.valueOf(Instant.MAX.getEpochSecond())) > 0
                ? Instant.MAX
                : Instant.ofEpochSecond(a.validBefore().longValueExact()));
    assertThat(request.payload().accepted().network()).isEqualTo(required.network());
    assertThat(required.network()).isEqualTo(BASE_SEPOLIA);
    assertThat(result.asset()).isEqualTo(EvmAddress.parse(required.asset())).isEqualTo(USDC);
    assertThat(result.digest())
        .isEqualTo(
            Eip3009.digest(
                Eip3009.domainSeparator(
                    result.domainName(), result.domainVersion(), 84532, result.asset()),
                a));
    if (result.needsContractSignatureCheck()) {
      return; // a smart wallet's signature: the remaining checks wait for ERC-1271 on chain
    }
    assertThat(result.deferredFailure()).isEmpty();
    assertThat(a.to()).isEqualTo(EvmAddress.parse(required.payTo()));
    assertThat(a.value()).isEqualTo(required.amount());
    assertThat(a.validBefore())
        .isGreaterThanOrEqualTo(
            BigInteger.valueOf(NOW.getEpochSecond() + PaymentCheck.VALID_BEFORE_MARGIN_SECONDS));
    assertThat(a.validAfter()).isLessThanOrEqualTo(BigInteger.valueOf(NOW.getEpochSecond()));
  }

  /**
   * The committed signed payments are what the fuzzer starts from; this keeps them honest: the
   * untouched ones pass every local check, and each tampered one fails the check it was made for.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "v2-signed, ",
    "v1-signed, ",
    "v2-contract-signature, ",
    "v2-signed-dearer-requirement, EXACT_EVM_VALUE_MISMATCH",
    "v2-signed-other-recipient, EXACT_EVM_RECIPIENT_MISMATCH",
    "v2-signed-other-network, INVALID_NETWORK",
    "v2-signed-other-asset, UNSUPPORTED_ASSET",
    "v2-signed-no-domain, EXACT_EVM_MISSING_EIP712_DOMAIN",
    "v2-expired, EXACT_EVM_VALID_BEFORE",
    "v2-high-s, EXACT_EVM_SIGNATURE",
    "v2-erc6492, EXACT_EVM_SIGNATURE",
    "v2-signed-respelled, ",
    "v2-signed-nonce-full-width, INVALID_PAYLOAD",
    "v2-signed-nonce-arabic-indic, INVALID_PAYLOAD",
    "v2-signed-from-full-width, INVALID_PAYLOAD",
    "v2-signed-to-devanagari, INVALID_PAYLOAD",
    "v2-signed-signature-full-width, INVALID_PAYLOAD",
    "v2-signed-value-arabic-indic, INVALID_PAYLOAD",
    "v2-signed-valid-before-full-width, INVALID_PAYLOAD",
    "v1-signed-nonce-full-width, INVALID_PAYLOAD",
    "v2-signed-asset-full-width, INVALID_PAYMENT_REQUIREMENTS",
    "v2-signed-pay-to-arabic-indic, INVALID_PAYMENT_REQUIREMENTS",
  })
  void theCommittedPaymentsMeetOrFailTheirCheck(String seed, ErrorReason expected)
      throws IOException {
    String resource = "VerifyFuzzTestInputs/anAcceptedPaymentPaysExactlyWhatWasRequired/" + seed;
    String body;
    try (InputStream in = VerifyFuzzTest.class.getResourceAsStream(resource)) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    PaymentCheck.Result result =
        PaymentCheck.run(read(body), n -> n.equals(BASE_SEPOLIA) ? CHAIN : null, NOW);
    assertThat(result.reason()).isEqualTo(expected);
    if (expected == ErrorReason.INVALID_PAYLOAD) {
      assertThat(result.message()).contains("non-ASCII character");
    }
    if (expected == null) {
      assertThat(result.needsContractSignatureCheck()).isEqualTo(seed.contains("contract"));
    }
    anAcceptedPaymentPaysExactlyWhatWasRequired(body.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertAscii(Object text) {
    assertThat(text).isInstanceOf(String.class);
    assertThat(Text.nonAscii((String) text)).as((String) text).isNull();
  }

  /** The body as the facilitator hands it to a scheme, or null when it is refused before that. */
  static SchemeRequest read(String body) {
    FacilitatorRequest request;
    try {
      request = WIRE.decodeFacilitatorRequest(body);
    } catch (MalformedMessageException refused) {
      return null;
    }
    if (request instanceof VerifyRequestV1 old) {
      try {
        VerifyRequest translated = V1.request(old);
        return new SchemeRequest(1, translated.paymentPayload(), translated.paymentRequirements());
      } catch (IllegalArgumentException unknownNetwork) {
        return null;
      }
    }
    VerifyRequest current = (VerifyRequest) request;
    return new SchemeRequest(2, current.paymentPayload(), current.paymentRequirements());
  }
}
