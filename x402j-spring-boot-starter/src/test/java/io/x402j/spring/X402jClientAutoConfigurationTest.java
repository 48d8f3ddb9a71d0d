package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.Payer;
import io.x402j.client.SpendLog;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/** The buyer auto-configuration: what it builds from x402j.client.*, and what it refuses. */
class X402jClientAutoConfigurationTest {
  static final String KEY =
      "0x" + "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  HttpClientAutoConfiguration.class,
                  RestClientAutoConfiguration.class,
                  WebClientAutoConfiguration.class,
                  X402jClientAutoConfiguration.class));

  @TempDir Path dir;

  @Test
  void offUnlessEnabled() {
    runner
        .withPropertyValues("X402J_PRIVATE_KEY=" + KEY)
        .run(context -> assertThat(context).doesNotHaveBean(Payer.class));
  }

  @Test
  void buildsAPayerAndPayingBuildersFromTheProperties() {
    Path log = dir.resolve("spend.log");
    runner
        .withPropertyValues(
            "x402j.client.enabled=true",
            "MY_KEY=" + KEY,
            "x402j.client.key-env=MY_KEY",
            "x402j.client.max-per-payment=$0.05",
            "x402j.client.budget=$1",
            "x402j.client.spend-log=" + log,
            "x402j.client.host-budgets[0].host=api.example.com",
            "x402j.client.host-budgets[0].budget=$0.50",
            "x402j.client.networks[0].network=eip155:31337",
            "x402j.client.networks[0].v1-name=x402j-devnet",
            "x402j.client.networks[0].rpc-url=http://127.0.0.1:8545",
            "x402j.client.networks[0].assets[0].address=0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "x402j.client.networks[0].assets[0].symbol=TUSD",
            "x402j.client.networks[0].assets[0].usd-stablecoin=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(Signer.class).address())
                  .isEqualTo(PrivateKeySigner.fromHex(KEY).address());
              assertThat(context.getBean(Payer.class).spendLog())
                  .isSameAs(context.getBean(SpendLog.class));
              assertThat(log).exists();
              // Spring Boot's own builders gave way to the paying ones.
              assertThat(context.getBeanNamesForType(RestClient.Builder.class))
                  .containsExactly("x402jRestClientBuilder");
              assertThat(context.getBeanNamesForType(WebClient.Builder.class))
                  .containsExactly("x402jWebClientBuilder");
              assertThat(context.getBean(RestClient.Builder.class).build()).isNotNull();
            });
  }

  @Test
  void withPayingBuildersOffSpringBootsBuildersStayAndOnlyThePayerIsConfigured() {
    runner
        .withPropertyValues(
            "x402j.client.enabled=true",
            "MY_KEY=" + KEY,
            "x402j.client.key-env=MY_KEY",
            "x402j.client.paying-builders=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(Payer.class);
              assertThat(context.getBeanNamesForType(RestClient.Builder.class))
                  .containsExactly("restClientBuilder");
              assertThat(context.getBeanNamesForType(WebClient.Builder.class))
                  .containsExactly("webClientBuilder");
              // Boot's builder carries no x402j interceptor: a 402 it meets is not paid.
              java.util.List<String> interceptors = new java.util.ArrayList<>();
              context
                  .getBean(RestClient.Builder.class)
                  .requestInterceptors(
                      list -> list.forEach(i -> interceptors.add(i.getClass().getName())));
              assertThat(interceptors).noneMatch(name -> name.contains("x402j"));
            });
  }

  @Test
  void aMissingOrBadKeyStopsTheStartNamingTheVariableNotTheKey() {
    runner
        .withPropertyValues("x402j.client.enabled=true", "x402j.client.key-env=NO_SUCH_KEY_VAR")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("NO_SUCH_KEY_VAR")
                    .hasMessageContaining("x402j.client.keystore"));
    String bad = "0x" + "zz".repeat(32);
    runner
        .withPropertyValues("x402j.client.enabled=true", "X402J_PRIVATE_KEY=" + bad)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("X402J_PRIVATE_KEY does not hold a usable key")
                    .hasMessageNotContaining("zzzz"));
  }

  @Test
  void badLimitsStopTheStartNamingTheProperty() {
    runner
        .withPropertyValues(
            "x402j.client.enabled=true",
            "X402J_PRIVATE_KEY=" + KEY,
            "x402j.client.max-per-payment=ten cents")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("x402j.client.max-per-payment"));
    runner
        .withPropertyValues(
            "x402j.client.enabled=true", "X402J_PRIVATE_KEY=" + KEY, "x402j.client.budget=$5")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("x402j.client.budget needs x402j.client.spend-log"));
  }

  @Test
  void aGivenSignerIsUsed() {
    PrivateKeySigner mine = PrivateKeySigner.generate(new SecureRandom());
    runner
        .withPropertyValues("x402j.client.enabled=true")
        .withBean(Signer.class, () -> mine)
        .run(context -> assertThat(context.getBean(Signer.class)).isSameAs(mine));
  }
}
