package example.seller;

import io.x402j.spring.X402Price;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * An API that charges per call. The payment rules are the annotations below and four lines of
 * application.yml; everything else is an ordinary Spring Boot application.
 */
@SpringBootApplication
public class SellerApplication {
  public static void main(String[] args) {
    SpringApplication.run(SellerApplication.class, args);
  }

  @RestController
  static class Api {
    @GetMapping("/weather")
    @X402Price(value = "$0.001", description = "Today's weather", mimeType = "application/json")
    Map<String, Object> weather() {
      return Map.of("city", "Lisbon", "sky", "sunny", "celsius", 21);
    }

    @GetMapping("/reports/{topic}")
    @X402Price(value = "$0.05", description = "A market report")
    Map<String, Object> report(@PathVariable("topic") String topic) {
      return Map.of("topic", topic, "pages", 12);
    }

    @GetMapping("/health")
    Map<String, Object> health() {
      return Map.of("ok", true); // free
    }
  }
}
