package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The buyer auto-configuration never repeats a secret in the error that stops the start. */
class X402jClientSecretsTest {
  static final String KEY =
      "0x" + "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  HttpClientAutoConfiguration.class,
                  RestClientAutoConfiguration.class,
                  X402jClientAutoConfiguration.class))
          .withPropertyValues("x402j.client.enabled=true", "X402J_PRIVATE_KEY=" + KEY);

  @Test
  void aMalformedRpcUrlIsNamedButNotRepeated() {
    runner
        .withPropertyValues(
            "x402j.client.networks[0].network=eip155:8453",
            // A provider's key in the path, and a character a URI may not hold.
            "x402j.client.networks[0].rpc-url=https://base.rpc.example/v2/SECRET-PROVIDER-KEY |")
        .run(
            context -> {
              assertThat(context).hasFailed();
              List<String> messages = new ArrayList<>();
              for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.add(String.valueOf(t.getMessage()));
              }
              assertThat(String.join("\n", messages))
                  .contains("x402j.client.networks[0].rpc-url")
                  .doesNotContain("SECRET-PROVIDER-KEY");
            });
  }
}
