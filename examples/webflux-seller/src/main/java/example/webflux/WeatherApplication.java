package example.webflux;

import io.x402j.spring.X402RoutePrice;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A reactive API that sells {@code GET /weather}. The payment rule is one route attribute and a few
 * lines of application.yml; everything else is an ordinary Spring WebFlux application.
 */
@SpringBootApplication
public class WeatherApplication {
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(WeatherApplication.class);
    // The token, when it is not the network's USDC: only the variables that are set.
    Map<String, Object> token = new HashMap<>();
    env("ASSET", "x402j.asset", token);
    env("ASSET_NAME", "x402j.asset-name", token);
    env("ASSET_VERSION", "x402j.asset-version", token);
    app.setDefaultProperties(token);
    app.run(args);
  }

  private static void env(String variable, String property, Map<String, Object> into) {
    String value = System.getenv(variable);
    if (value != null && !value.isBlank()) {
      into.put(property, value.strip());
    }
  }

  @Bean
  RouterFunction<ServerResponse> weatherRoutes(@Value("${weather.price}") String price) {
    return RouterFunctions.route()
        .GET(
            "/weather",
            request ->
                ServerResponse.ok()
                    .bodyValue(Map.of("city", "Lisbon", "sky", "sunny", "celsius", 21)))
        .withAttribute(
            X402RoutePrice.ATTRIBUTE,
            X402RoutePrice.of(price).description("Today's weather").mimeType("application/json"))
        .GET("/health", request -> ServerResponse.ok().bodyValue(Map.of("ok", true))) // free
        .build();
  }
}
