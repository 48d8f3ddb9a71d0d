package io.x402j.spring.client;

import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.evm.PrivateKeySigner;
import java.util.List;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The README's "Spring buyers" snippets, word for word, so that they compile; {@link #buy} runs in
 * {@link SpringPayersIT}.
 */
final class ReadmeSnippets {
  private ReadmeSnippets() {}

  static Payer payer() {
    Payer payer =
        Payer.builder()
            .signer(PrivateKeySigner.fromEnvironment("X402J_PRIVATE_KEY"))
            .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
            .build();
    return payer;
  }

  static List<String> buy(Payer payer, String url) {
    // RestClient: the interceptor pays a 402 and sends the request once more, body and all.
    RestClient restClient =
        RestClient.builder()
            .requestFactory(new JdkClientHttpRequestFactory())
            .requestInterceptor(X402ClientHttpRequestInterceptor.of(payer))
            .build();
    String fromRestClient = restClient.get().uri(url).retrieve().body(String.class);

    // RestTemplate: the same interceptor; give it a factory that does not follow redirects.
    RestTemplate restTemplate = new RestTemplate(new JdkClientHttpRequestFactory());
    restTemplate.getInterceptors().add(X402ClientHttpRequestInterceptor.of(payer));
    String fromRestTemplate = restTemplate.getForObject(url, String.class);

    // WebClient: a filter; signing and the spend log run off the event loop.
    WebClient webClient = WebClient.builder().filter(X402ExchangeFilterFunction.of(payer)).build();
    Mono<String> fromWebClient = webClient.get().uri(url).retrieve().bodyToMono(String.class);

    return List.of(fromRestClient, fromRestTemplate, fromWebClient.block());
  }
}
