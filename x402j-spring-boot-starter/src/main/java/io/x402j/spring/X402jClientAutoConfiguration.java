package io.x402j.spring;

import io.x402j.client.Payer;
import io.x402j.client.RequirementSelector;
import io.x402j.client.SpendControls;
import io.x402j.client.SpendLog;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.Text;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.spring.client.X402ClientHttpRequestInterceptor;
import io.x402j.spring.client.X402ExchangeFilterFunction;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientBuilderConfigurer;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorSettings;
import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The buyer side of the starter, on with {@code x402j.client.enabled=true}: a {@link Payer} from
 * the {@code x402j.client.*} properties (key from an environment variable or a keystore, limits,
 * budgets, spend log, networks) and a paying {@link RestClient.Builder} bean, plus a paying {@link
 * WebClient.Builder} when WebFlux is present. Both builders send requests through transports that
 * do not follow redirects (Spring Boot's would), so a payment never follows one to another server.
 * Define your own {@link Payer} or {@link Signer} bean to replace the defaults.
 */
@AutoConfiguration(
    after = HttpClientAutoConfiguration.class,
    before = {RestClientAutoConfiguration.class, WebClientAutoConfiguration.class})
@ConditionalOnClass({RestClient.class, X402ClientHttpRequestInterceptor.class})
@ConditionalOnProperty(prefix = "x402j.client", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(X402jClientProperties.class)
public class X402jClientAutoConfiguration {

  /** The payer's EVM key, from the environment variable or keystore the properties name. */
  @Bean
  @ConditionalOnMissingBean
  public Signer x402jClientSigner(X402jClientProperties properties, Environment environment)
      throws IOException {
    if (properties.getKeystore() != null) {
      String passwordEnv = properties.getPasswordEnv();
      if (passwordEnv == null || passwordEnv.isBlank()) {
        throw new IllegalStateException(
            "x402j.client.keystore needs x402j.client.password-env, the environment variable"
                + " holding its password");
      }
      String password = environment.getProperty(passwordEnv.strip());
      if (password == null) {
        throw new IllegalStateException(
            "x402j.client.password-env names " + passwordEnv + ", which is not set");
      }
      return PrivateKeySigner.fromKeystore(properties.getKeystore(), password.toCharArray());
    }
    String name = properties.getKeyEnv();
    String hex = name == null ? null : environment.getProperty(name.strip());
    if (hex == null || hex.isBlank()) {
      throw new IllegalStateException(
          "x402j.client: no key: set the environment variable "
              + name
              + " (x402j.client.key-env) to a hex private key, or give x402j.client.keystore");
    }
    try {
      return PrivateKeySigner.fromHex(hex.strip());
    } catch (IllegalArgumentException e) {
      // The key's own message never repeats it.
      throw new IllegalStateException(name + " does not hold a usable key: " + e.getMessage());
    }
  }

  /**
   * The record of payments: the {@code x402j.client.spend-log} file (locked while the application
   * runs, closed with it), else in memory.
   */
  @Bean
  @ConditionalOnMissingBean
  public SpendLog x402jClientSpendLog(X402jClientProperties properties) {
    return properties.getSpendLog() == null
        ? SpendLog.inMemory()
        : SpendLog.open(properties.getSpendLog());
  }

  /** The payer, with the limits, budgets, spend log and networks of the properties. */
  @Bean
  @ConditionalOnMissingBean
  public Payer x402jClientPayer(X402jClientProperties properties, Signer signer, SpendLog log) {
    NetworkRegistry.Builder registry = NetworkRegistry.defaults().toBuilder();
    Map<Network, String> nodes = new LinkedHashMap<>();
    NetworkRegistry known = NetworkRegistry.defaults();
    for (int i = 0; i < properties.getNetworks().size(); i++) {
      X402jClientProperties.NetworkEntry e = properties.getNetworks().get(i);
      String at = "x402j.client.networks[" + i + "]";
      if (e.getNetwork() == null || e.getNetwork().isBlank()) {
        throw new IllegalStateException(at + ".network is not set (CAIP-2, e.g. eip155:8453)");
      }
      Network network;
      try {
        network = Network.parse(e.getNetwork().strip());
      } catch (IllegalArgumentException ex) {
        throw new IllegalStateException(at + ".network: " + ex.getMessage());
      }
      if (e.getRpcUrl() != null && !e.getRpcUrl().isBlank()) {
        URI uri;
        try {
          uri = new URI(e.getRpcUrl().strip());
        } catch (URISyntaxException ex) {
          // Not repeated (the URI's message quotes it whole): it may hold a provider's key.
          throw new IllegalStateException(
              at + ".rpc-url is not a URL (bad character at index " + ex.getIndex() + ")");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          // Not repeated: it may hold a provider's key.
          throw new IllegalStateException(at + ".rpc-url must be an http:// or https:// URL");
        }
        nodes.put(network, uri.toString());
      }
      if (e.getAssets().isEmpty() && known.find(network).isPresent()) {
        continue; // a known network given only a node
      }
      // A known network keeps what is known of it; the tokens listed come first.
      java.util.Optional<NetworkInfo> knownInfo = known.find(network);
      NetworkInfo.Builder info =
          knownInfo
              .map(k -> k.toBuilder().clearAssets())
              .orElseGet(() -> NetworkInfo.builder(network).displayName(network.toString()));
      if (e.getName() != null && !e.getName().isBlank()) {
        info.displayName(e.getName().strip());
      }
      if (knownInfo.isEmpty() || e.isTestnet()) {
        info.testnet(e.isTestnet());
      }
      if (e.getV1Name() != null && !e.getV1Name().isBlank()) {
        info.v1Name(e.getV1Name().strip());
      }
      java.util.List<Asset> listed = new java.util.ArrayList<>();
      for (int j = 0; j < e.getAssets().size(); j++) {
        X402jClientProperties.AssetEntry a = e.getAssets().get(j);
        try {
          listed.add(
              new Asset(
                  a.getAddress(),
                  a.getSymbol(),
                  a.getDecimals(),
                  a.getEip712Name(),
                  a.getEip712Version(),
                  a.isUsdStablecoin()));
        } catch (IllegalArgumentException | NullPointerException ex) {
          throw new IllegalStateException(at + ".assets[" + j + "]: " + ex.getMessage());
        }
      }
      listed.forEach(info::asset);
      knownInfo.ifPresent(
          k ->
              k.assets().stream()
                  .filter(
                      old ->
                          listed.stream()
                              .noneMatch(a -> a.address().equalsIgnoreCase(old.address())))
                  .forEach(info::asset));
      registry.network(info.build());
    }
    NetworkRegistry networks = registry.build();
    SpendControls.Builder controls = SpendControls.builder();
    String max = properties.getMaxPerPayment() == null ? "" : properties.getMaxPerPayment().strip();
    try {
      if (max.startsWith("$")) {
        controls.maxPerPaymentUsd(max);
      } else if (!max.equals("unlimited")) {
        controls.maxPerPayment(TokenAmount.parse(max));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "x402j.client.max-per-payment must be $DOLLARS, a whole number of atomic units or"
              + " unlimited, got "
              + Text.quote(max));
    }
    if (!properties.getOnlyNetworks().isEmpty()) {
      controls.allowNetworks(
          properties.getOnlyNetworks().stream().map(networks::resolve).toArray(Network[]::new));
    }
    if (properties.getBudget() != null && !properties.getBudget().isBlank()) {
      if (properties.getSpendLog() == null) {
        throw new IllegalStateException(
            "x402j.client.budget needs x402j.client.spend-log, to remember what was spent");
      }
      controls.budgetUsd(properties.getBudget().strip(), properties.getBudgetWindow());
    }
    for (X402jClientProperties.HostBudget h : properties.getHostBudgets()) {
      if (h.getHost() == null || h.getBudget() == null) {
        throw new IllegalStateException("x402j.client.host-budgets need a host and a budget");
      }
      controls.hostBudgetUsd(h.getHost().strip(), h.getBudget().strip(), h.getWindow());
    }
    Payer.Builder payer =
        Payer.builder()
            .signer(signer)
            .networks(networks)
            .spendControls(controls.build())
            .spendLog(log)
            .maxAuthorizationLifetime(properties.getMaxAuthorizationLifetime());
    if (!properties.getPreferNetworks().isEmpty()) {
      payer.selector(
          RequirementSelector.preferNetworks(
              properties.getPreferNetworks().stream()
                  .map(networks::resolve)
                  .toArray(Network[]::new)));
    }
    nodes.forEach(payer::evmRpcUrl);
    return payer.build();
  }

  /**
   * A paying {@link RestClient.Builder}, configured as Spring Boot's (message converters,
   * customizers, {@code spring.http.client.*} settings) but following no redirect.
   */
  @Bean
  @Scope("prototype")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(
      prefix = "x402j.client",
      name = "paying-builders",
      havingValue = "true",
      matchIfMissing = true)
  public RestClient.Builder x402jRestClientBuilder(
      Payer payer,
      X402jClientProperties properties,
      ObjectProvider<RestClientBuilderConfigurer> configurer,
      ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factoryBuilder,
      ObjectProvider<ClientHttpRequestFactorySettings> settings) {
    RestClientBuilderConfigurer c = configurer.getIfAvailable();
    RestClient.Builder builder =
        c == null ? RestClient.builder() : c.configure(RestClient.builder());
    ClientHttpRequestFactory factory =
        factoryBuilder
            .getIfAvailable(ClientHttpRequestFactoryBuilder::detect)
            .build(
                settings
                    .getIfAvailable(ClientHttpRequestFactorySettings::defaults)
                    .withRedirects(ClientHttpRequestFactorySettings.Redirects.DONT_FOLLOW));
    return builder
        .requestFactory(factory)
        .requestInterceptor(
            X402ClientHttpRequestInterceptor.builder(payer)
                .paidRequestFactory(factory)
                .maxRequestBytes(properties.getMaxRequestBytes())
                .build());
  }

  /** The paying {@link WebClient.Builder}, when WebFlux is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({WebClient.class, X402ExchangeFilterFunction.class})
  static class Reactive {
    /**
     * A paying {@link WebClient.Builder}, with Spring Boot's customizers (codecs, connector) but a
     * connector that follows no redirect.
     */
    @Bean
    @Scope("prototype")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(
        prefix = "x402j.client",
        name = "paying-builders",
        havingValue = "true",
        matchIfMissing = true)
    public WebClient.Builder x402jWebClientBuilder(
        Payer payer,
        X402jClientProperties properties,
        ObjectProvider<WebClientCustomizer> customizers,
        ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
        ObjectProvider<ClientHttpConnectorSettings> settings) {
      WebClient.Builder builder = WebClient.builder();
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      ClientHttpConnector connector =
          connectorBuilder
              .getIfAvailable(ClientHttpConnectorBuilder::detect)
              .build(
                  settings
                      .getIfAvailable(ClientHttpConnectorSettings::defaults)
                      .withRedirects(HttpRedirects.DONT_FOLLOW));
      return builder
          .clientConnector(connector)
          .filter(
              X402ExchangeFilterFunction.builder(payer)
                  .paidConnector(connector)
                  .maxRequestBytes(properties.getMaxRequestBytes())
                  .build());
    }
  }
}
