package io.x402j.spring.shop;

import io.x402j.spring.X402Discoverable;
import io.x402j.spring.X402Price;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
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

    /** Discoverable: the route template, path and query parameters come from the signature. */
    @GetMapping("/forecast/{city}")
    @X402Price(value = "$0.01", description = "Forecast by city", mimeType = "application/json")
    @X402Discoverable(outputExample = "{\"temperature\": 21}", tags = "weather")
    public Map<String, Object> forecast(
        @PathVariable("city") String city,
        @RequestParam(name = "units", defaultValue = "metric") String units,
        @RequestParam(name = "days") int days) {
      return Map.of("city", city, "units", units, "days", days, "temperature", 21);
    }

    /** What {@link #order} takes. */
    public record Order(String item, int quantity, List<String> notes) {}

    /** Discoverable: the body's schema comes from the record. */
    @PostMapping("/orders")
    @X402Price(value = "$0.01", description = "Place an order")
    @X402Discoverable
    public String order(@RequestBody Order order) {
      return "ordered " + order.quantity() + " " + order.item();
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
