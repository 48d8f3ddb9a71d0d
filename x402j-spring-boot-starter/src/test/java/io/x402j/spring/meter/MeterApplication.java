package io.x402j.spring.meter;

import io.x402j.server.SettlementOverride;
import io.x402j.spring.X402Price;
import io.x402j.spring.X402Settlement;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A usage-billed Spring application: each endpoint charges what it used, up to its ceiling. */
@SpringBootApplication
public class MeterApplication {
  /** The endpoints. */
  @RestController
  public static class Meter {
    @PostMapping("/infer")
    @X402Price(value = "100000", scheme = "upto")
    public Map<String, Object> infer(@RequestParam("tokens") long tokens) {
      X402Settlement.charge(tokens * 10);
      return Map.of("tokens", tokens, "ceiling", X402Settlement.ceiling().orElseThrow().toString());
    }

    @PostMapping("/header")
    @X402Price(value = "$0.10", scheme = "upto")
    public ResponseEntity<String> header(@RequestParam("amount") String amount) {
      return ResponseEntity.ok()
          .header(SettlementOverride.HEADER, "{\"amount\":\"" + amount + "\"}")
          .body("done");
    }
  }
}
