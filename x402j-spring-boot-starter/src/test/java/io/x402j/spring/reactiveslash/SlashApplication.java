package io.x402j.spring.reactiveslash;

import io.x402j.spring.X402Price;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.reactive.UrlHandlerFilter;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * A reactive application with a filter of default order that strips a trailing slash by rewriting
 * the request: it runs after the payment filter.
 */
@SpringBootApplication
public class SlashApplication {
  @Bean
  WebFilter trailingSlash() {
    return UrlHandlerFilter.trailingSlashHandler("/**").mutateRequest().build();
  }

  /** One paid handler. */
  @RestController
  public static class Controller {
    @GetMapping("/paid")
    @X402Price("$0.01")
    public Mono<String> paid() {
      return Mono.just("paid annotated content");
    }
  }
}
