package io.x402j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.Payer;
import io.x402j.client.SignInChoice;
import io.x402j.client.SpendControls;
import io.x402j.client.testing.SignInShop;
import io.x402j.core.Network;
import io.x402j.evm.PrivateKeySigner;
import java.io.IOException;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OkHttp interceptor signs in with sign-in-with-x like X402Client, against x402j's gate on a
 * real HTTP server: a wallet that paid signs in the next time (nothing settled again), one the
 * server does not admit pays after the refused sign-in, and by default it never signs in.
 */
class X402InterceptorSignInIT {
  static final Network NET = Network.evm(84532);
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "45".repeat(32));

  SignInShop shop;

  @BeforeEach
  void start() throws IOException {
    shop = SignInShop.start(BUYER.address());
  }

  @AfterEach
  void stop() {
    shop.close();
  }

  OkHttpClient http(SignInChoice choice) {
    Payer payer =
        Payer.builder()
            .signer(BUYER)
            .spendControls(SpendControls.unlimited())
            .signIn(choice)
            .build();
    return X402Interceptor.of(payer).addTo(new OkHttpClient.Builder()).build();
  }

  String get(OkHttpClient http) throws IOException {
    try (Response r =
        http.newCall(new Request.Builder().url(shop.url() + "/weather").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  @Test
  void aWalletThatPaidSignsInTheNextTimeAndNothingIsSettledAgain() throws Exception {
    OkHttpClient http = http(SignInChoice.whenPaidWithin(Duration.ofDays(1)));

    assertThat(get(http)).isEqualTo("paid");
    assertThat(shop.signInHeaders).as("nothing paid before: no sign-in").isEmpty();
    assertThat(get(http)).isEqualTo("signed in");
    assertThat(get(http)).isEqualTo("signed in");

    assertThat(shop.settled()).isEqualTo(1);
    assertThat(shop.signInHeaders).hasSize(2);
  }

  @Test
  void aWalletNotAdmittedPaysAfterItsSignInIsRefused() throws Exception {
    OkHttpClient http = http(SignInChoice.always());

    assertThat(get(http)).isEqualTo("paid"); // signed in, refused (never paid), then paid
    assertThat(shop.signInHeaders).hasSize(1);
    assertThat(shop.settled()).isEqualTo(1);
  }

  @Test
  void byDefaultItNeverSignsIn() throws Exception {
    OkHttpClient http = http(SignInChoice.never());

    assertThat(get(http)).isEqualTo("paid");
    assertThat(get(http)).isEqualTo("paid");
    assertThat(shop.signInHeaders).isEmpty();
    assertThat(shop.settled()).isEqualTo(2);
  }
}
