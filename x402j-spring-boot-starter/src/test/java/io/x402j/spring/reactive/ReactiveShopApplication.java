package io.x402j.spring.reactive;

import io.x402j.spring.X402Price;
import io.x402j.spring.X402RoutePrice;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** A seller's WebFlux application: annotated controllers and functional routes. */
@SpringBootApplication
public class ReactiveShopApplication {
  /** Functional routes; two priced by attribute, one free. */
  @Bean
  RouterFunction<ServerResponse> functionalShop() {
    return RouterFunctions.route()
        .GET("/fn/quote", r -> ServerResponse.ok().bodyValue(Map.of("quote", "buy low")))
        .withAttribute(
            X402RoutePrice.ATTRIBUTE,
            X402RoutePrice.of("$0.02").description("A quote").mimeType("application/json"))
        .GET("/fn/tip", r -> ServerResponse.ok().bodyValue("a tip"))
        .withAttribute(X402RoutePrice.ATTRIBUTE, "$0.03")
        .GET("/fn/free", r -> ServerResponse.ok().bodyValue("free fn"))
        .build();
  }

  /** The annotated endpoints. */
  @RestController
  public static class Shop {
    @GetMapping("/weather")
    @X402Price(value = "$0.01", description = "Today's weather", mimeType = "application/json")
    public Mono<Map<String, Object>> weather() {
      return Mono.just(Map.of("weather", "sunny", "temperature", 21));
    }

    @GetMapping("/broken")
    @X402Price("$0.01")
    public Mono<ResponseEntity<String>> broken() {
      return Mono.just(ResponseEntity.status(500).body("backend failed"));
    }

    @GetMapping("/free")
    public String free() {
      return "free";
    }

    @GetMapping("/configured")
    public String configured() {
      return "priced in application properties";
    }
  }
}
