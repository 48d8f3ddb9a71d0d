package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.testing.SignInShop;
import io.x402j.core.Network;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.GateResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The payer signs in instead of paying, against x402j's gate on a real HTTP server: opted in, it
 * pays the first time and signs in the next (nothing settled, nothing spent); opted out, it pays
 * every time; and it never signs a challenge for a domain other than the host that answered.
 */
class SignInPayerIT {
  static final Network NET = Network.evm(84532);
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "44".repeat(32));

  SignInShop shop;

  @BeforeEach
  void start() throws IOException {
    shop = SignInShop.start(BUYER.address());
  }

  @AfterEach
  void stop() {
    shop.close();
  }

  String url() {
    return shop.url();
  }

  X402Client client(SignInChoice choice) {
    return X402Client.builder(
            Payer.builder()
                .signer(BUYER)
                .spendControls(SpendControls.unlimited())
                .signIn(choice)
                .build())
        .build();
  }

  String get(X402Client client) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url() + "/weather")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void aPayerThatPaidSignsInTheNextTimeAndSpendsNothing() throws Exception {
    X402Client client = client(SignInChoice.whenPaidWithin(Duration.ofDays(1)));

    assertThat(get(client)).isEqualTo("paid");
    assertThat(shop.signInHeaders).as("nothing paid before: no sign-in").isEmpty();
    assertThat(get(client)).isEqualTo("signed in");
    assertThat(get(client)).isEqualTo("signed in");

    assertThat(shop.settled()).isEqualTo(1);
    assertThat(client.payer().spendLog().spends()).hasSize(1);
    assertThat(shop.signInHeaders).hasSize(2);
  }

  @Test
  void aPayerNotAdmittedPaysAfterSigningIn() throws Exception {
    X402Client client = client(SignInChoice.always());

    assertThat(get(client)).isEqualTo("paid"); // signed in, refused (never paid), then paid
    assertThat(shop.signInHeaders).hasSize(1);
    assertThat(shop.settled()).isEqualTo(1);
  }

  @Test
  void byDefaultAPayerNeverSignsIn() throws Exception {
    X402Client client = client(SignInChoice.never());

    assertThat(get(client)).isEqualTo("paid");
    assertThat(get(client)).isEqualTo("paid");
    assertThat(shop.signInHeaders).isEmpty();
    assertThat(shop.settled()).isEqualTo(2);
  }

  @Test
  void aChallengeForAnotherDomainIsNeverSigned() {
    Payer payer =
        Payer.builder()
            .signer(BUYER)
            .spendControls(SpendControls.unlimited())
            .signIn(SignInChoice.always())
            .build();
    GateResponse unpaid =
        ((GateDecision.Respond)
                shop.gate()
                    .check(GateRequest.of("GET", "/weather", url() + "/weather", Map.of()))
                    .join())
            .response();
    String header = unpaid.header("PAYMENT-REQUIRED");

    // The 402 as sent by this server: signed.
    assertThat(payer.signIn(challenge(url() + "/weather", header))).isPresent();
    // The same 402 relayed by another host (or one that names another domain): never signed.
    for (String other :
        List.of(
            "http://localhost:" + URI.create(url()).getPort() + "/weather",
            "http://127.0.0.1:1/weather",
            "https://127.0.0.1:" + URI.create(url()).getPort() + "/weather")) {
      assertThat(payer.signIn(challenge(other, header))).as(other).isEmpty();
    }
    PaymentRequired required = HeaderCodec.standard().decodePaymentRequired(header);
    assertThat(required.extensions()).containsKey(SignInWithX.KEY);
  }

  static PaymentChallenge challenge(String url, String header) {
    return new PaymentChallenge(
        URI.create(url),
        Map.of("PAYMENT-REQUIRED", List.of(header)),
        "{}".getBytes(StandardCharsets.UTF_8));
  }
}
