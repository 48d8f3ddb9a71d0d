package io.x402j.core.extensions.siwx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SIGN-IN-WITH-X header: round trip, and clear refusals of what is not a proof. */
class SiwxProofTest {
  static final SiwxChallenge CHALLENGE =
      new SiwxChallenge(
          "api.example.com",
          "https://api.example.com/x",
          "1",
          "a1b2c3d4e5f67890a1b2c3d4e5f67890",
          "2024-01-15T10:30:00.000Z",
          "2024-01-15T10:35:00.000Z",
          null,
          "Sign in",
          null,
          List.of("https://api.example.com/x"));

  static String b64(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aProofSurvivesTheHeader() {
    SiwxProof proof =
        new SiwxProof(
            CHALLENGE,
            "0x857b06519E91e3A54538791bDbb0E22373e36b66",
            "eip155:8453",
            "eip191",
            null,
            "0x" + "11".repeat(65));

    assertThat(SiwxProof.parseHeader(proof.toHeader())).isEqualTo(proof);
  }

  @Test
  void whatIsNotAProofIsRefusedNamingWhy() {
    assertThatThrownBy(() -> SiwxProof.parseHeader("not base64!"))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> SiwxProof.parseHeader(b64("{\"domain\":")))
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> SiwxProof.parseHeader(b64("{\"a\":1,\"a\":2}")))
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> SiwxProof.parseHeader(b64("{}")))
        .hasMessageContaining("domain is missing");
    assertThatThrownBy(() -> SiwxProof.parseHeader(b64("{\"domain\":null}")))
        .hasMessageContaining("domain must be a string");
    String json =
        new String(
            Base64.getDecoder()
                .decode(new SiwxProof(CHALLENGE, "a", "eip155:1", "eip191", null, "s").toHeader()),
            StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                SiwxProof.parseHeader(
                    b64(json.replace("\"Sign in\"", "\"Sign in\\nURI: https://evil\""))))
        .hasMessageContaining("statement")
        .hasMessageContaining("line-break");
    assertThatThrownBy(() -> SiwxProof.parseHeader(b64(json.replace("\"eip191\"", "\"rsa\""))))
        .hasMessageContaining("type must be eip191 or ed25519");
  }
}
