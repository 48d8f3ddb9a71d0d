package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.facilitator.testing.AcceptingScheme;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code upto} exists in protocol v2 only: neither listed nor served under v1 network names. */
class UptoVersionTest {
  static final String SELLER = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";
  static final String PAYER = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB";

  /** An upto scheme that accepts everything and counts what reached it. */
  static final class Upto implements SchemeFacilitator {
    final AtomicInteger reached = new AtomicInteger();

    @Override
    public String scheme() {
      return "upto";
    }

    @Override
    public NetworkPattern family() {
      return NetworkPattern.namespace(Network.EIP155);
    }

    @Override
    public List<Network> networks() {
      return List.of(AcceptingScheme.NETWORK);
    }

    @Override
    public boolean servesV1() {
      return false;
    }

    @Override
    public List<String> signers(Network network) {
      return List.of();
    }

    @Override
    public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
      reached.incrementAndGet();
      return CompletableFuture.completedFuture(VerifyResponse.valid(PAYER));
    }

    @Override
    public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
      reached.incrementAndGet();
      return CompletableFuture.completedFuture(
          SettleResponse.success(
              "0x" + "ab".repeat(32), AcceptingScheme.NETWORK.toString(), PAYER));
    }
  }

  @Test
  void uptoIsListedForProtocolV2OnlyWhileExactIsListedForBoth() {
    FacilitatorService service =
        FacilitatorService.builder().scheme(new AcceptingScheme()).scheme(new Upto()).build();

    SupportedResponse supported = service.supportedNow();

    assertThat(supported.kinds())
        .filteredOn(k -> k.scheme().equals("upto"))
        .extracting(SupportedKind::x402Version, SupportedKind::network)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "eip155:84532"));
    assertThat(supported.kinds())
        .filteredOn(k -> k.scheme().equals("exact"))
        .extracting(SupportedKind::x402Version)
        .containsExactly(2, 1);
  }

  @Test
  void aV1UptoRequestIsRefusedAsAnUnsupportedSchemeAndNeverReachesTheScheme() {
    Upto upto = new Upto();
    FacilitatorService service =
        FacilitatorService.builder().scheme(new AcceptingScheme()).scheme(upto).build();
    String v1Name =
        service.supportedNow().kinds().stream()
            .filter(k -> k.x402Version() == 1)
            .findFirst()
            .orElseThrow()
            .network();
    PaymentRequirementsV1 requirements =
        PaymentRequirementsV1.builder()
            .scheme("upto")
            .network(v1Name)
            .maxAmountRequired(TokenAmount.of(10_000))
            .resource("http://127.0.0.1/weather")
            .description("weather")
            .mimeType("application/json")
            .payTo(SELLER)
            .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
            .build();
    Map<String, Object> payload =
        AcceptingScheme.payment(PAYER, AcceptingScheme.requirements(SELLER)).payload();
    FacilitatorRequest v1 =
        FacilitatorRequest.of(PaymentPayloadV1.of("upto", v1Name, payload), requirements);

    VerifyResponse verdict = service.verify(v1).join();
    SettleResponse settled = service.settle(v1).join();

    assertThat(verdict.isValid()).isFalse();
    assertThat(verdict.reason()).hasValue(ErrorReason.UNSUPPORTED_SCHEME);
    assertThat(verdict.invalidMessage()).contains("v2 only");
    assertThat(settled.success()).isFalse();
    assertThat(settled.reason()).hasValue(ErrorReason.UNSUPPORTED_SCHEME);
    assertThat(upto.reached).hasValue(0);

    // The same payment in protocol v2 reaches the scheme.
    PaymentRequirements v2 =
        AcceptingScheme.requirements(SELLER).toBuilder().scheme("upto").build();
    PaymentPayload v2Payload = PaymentPayload.of(null, v2, payload);
    assertThat(service.verify(FacilitatorRequest.of(v2Payload, v2)).join().isValid()).isTrue();
    assertThat(upto.reached).hasValue(1);
  }
}
