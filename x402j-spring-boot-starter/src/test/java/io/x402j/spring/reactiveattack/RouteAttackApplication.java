package io.x402j.spring.reactiveattack;

import io.x402j.spring.X402Price;
import io.x402j.spring.X402RoutePrice;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * A seller's WebFlux application written the ways sellers write them: functional routes with a
 * builder filter (logging, auth), an annotated controller that also answers a path a functional
 * route prices, and free routes beside priced ones.
 */
@SpringBootApplication
public class RouteAttackApplication {
  /** How often each paid handler ran; a paid handler that runs unpaid is a break. */
  public static final AtomicInteger filteredRuns = new AtomicInteger();

  /** How often the priced functional handler shadowing an annotated one ran. */
  public static final AtomicInteger shadowingRuns = new AtomicInteger();

  /** Priced routes behind a builder filter, as a logging or authentication filter is added. */
  @Bean
  RouterFunction<ServerResponse> filteredRoutes() {
    return RouterFunctions.route()
        .GET(
            "/fn/filtered",
            r -> {
              filteredRuns.incrementAndGet();
              return ServerResponse.ok().bodyValue("paid filtered content");
            })
        .withAttribute(X402RoutePrice.ATTRIBUTE, "$0.02")
        .GET("/fn/open", r -> ServerResponse.ok().bodyValue("free fn"))
        .before(request -> request)
        .filter((request, next) -> next.handle(request))
        .build();
  }

  /** A priced functional route on a path an unpriced controller method also maps. */
  @Bean
  RouterFunction<ServerResponse> shadowingRoutes() {
    return RouterFunctions.route()
        .GET(
            "/report",
            r -> {
              shadowingRuns.incrementAndGet();
              return ServerResponse.ok().bodyValue("paid functional report");
            })
        .withAttribute(X402RoutePrice.ATTRIBUTE, "$0.03")
        .build();
  }

  /** Annotated endpoints: one priced, one free on the path a functional route prices. */
  @RestController
  public static class Controller {
    @GetMapping("/paid")
    @X402Price("$0.01")
    public Mono<String> paid() {
      return Mono.just("paid annotated content");
    }

    /** A legacy mapping, never dispatched: WebFlux asks functional routes first. */
    @GetMapping("/report")
    public Mono<String> legacyReport() {
      return Mono.just("legacy free report");
    }
  }
}
