package io.x402j.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.scheme.SchemeRequest;
import java.nio.charset.StandardCharsets;

/**
 * Any body sent to {@code POST /verify} or {@code /settle} is read the way the facilitator reads
 * it: decoded, or refused with {@link MalformedMessageException}; a v1 body then translated to the
 * v2 form, or refused with an {@link IllegalArgumentException} (an unknown network name); and the
 * result handed to a scheme as a {@link SchemeRequest}. Nothing else may escape, and what decodes
 * reads back the same after encoding.
 *
 * <p>An input is the body as UTF-8. Committed inputs are in {@code
 * src/test/resources/io/x402j/core/wire/FacilitatorRequestFuzzTestInputs}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class FacilitatorRequestFuzzTest {
  private static final WireCodec WIRE = WireCodec.standard();
  private static final V1Translation V1 = new V1Translation(NetworkRegistry.defaults());

  @FuzzTest
  void everyBodyIsReadOrRefusedWithAReason(byte[] input) {
    String body = new String(input, StandardCharsets.UTF_8);
    FacilitatorRequest request;
    try {
      request = WIRE.decodeFacilitatorRequest(body);
    } catch (MalformedMessageException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(WIRE.decodeFacilitatorRequest(WIRE.toJson(request))).isEqualTo(request);
    assertThat(request.x402Version()).isIn(1, 2);
    SchemeRequest handed;
    if (request instanceof VerifyRequestV1 old) {
      VerifyRequest translated;
      try {
        translated = V1.request(old);
      } catch (IllegalArgumentException unknownNetwork) {
        assertThat(unknownNetwork.getMessage()).contains("network");
        return;
      }
      assertThat(translated.paymentRequirements().amount())
          .isEqualTo(old.paymentRequirements().maxAmountRequired());
      assertThat(translated.paymentRequirements().payTo())
          .isEqualTo(old.paymentRequirements().payTo());
      handed = new SchemeRequest(1, translated.paymentPayload(), translated.paymentRequirements());
    } else {
      VerifyRequest current = (VerifyRequest) request;
      handed = new SchemeRequest(2, current.paymentPayload(), current.paymentRequirements());
    }
    assertThat(handed.requirements().scheme()).isEqualTo(request.scheme());
  }
}
