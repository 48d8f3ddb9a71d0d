package io.x402j.spring.shop;

import io.x402j.spring.X402Price;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A seller's Spring Boot application; payments are only annotations and properties. */
@SpringBootApplication
public class ShopApplication {
  /** The shop's endpoints. */
  @RestController
  public static class Shop {
    @GetMapping("/weather")
    @X402Price(value = "$0.01", description = "Today's weather", mimeType = "application/json")
    public Map<String, Object> weather() {
      return Map.of("weather", "sunny", "temperature", 21);
    }

    @GetMapping("/users/{id}/report")
    @X402Price("$0.02")
    public String report(@PathVariable("id") String id) {
      return "report for " + id;
    }

    @PostMapping("/translate")
    @X402Price(value = "$0.03", settleBeforeHandler = true)
    public String translate(@RequestBody String text) {
      return text.toUpperCase(java.util.Locale.ROOT);
    }

    @GetMapping("/broken")
    @X402Price("$0.01")
    public ResponseEntity<String> broken() {
      return ResponseEntity.status(500).body("backend failed");
    }

    @GetMapping("/configured")
    public String configured() {
      return "priced in application properties";
    }

    @GetMapping("/free")
    public String free() {
      return "free";
    }

    /** Priced in application properties as {@code GET /files/*}. */
    @GetMapping("/files/**")
    public String file() {
      return "a priced file";
    }
  }
}
