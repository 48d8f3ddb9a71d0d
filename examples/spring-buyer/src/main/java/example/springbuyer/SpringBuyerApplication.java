package example.springbuyer;

import io.x402j.client.PaymentRefusedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * Buys {@code buy.url} (env {@code BUY_URL}) once with the auto-configured paying {@link
 * RestClient}, prints the answer and the settlement receipt, and exits. The key is in {@code
 * X402J_PRIVATE_KEY}; the limits are in {@code application.yml}.
 */
@SpringBootApplication
public class SpringBuyerApplication {
  /** Runs the buyer. */
  public static void main(String[] args) {
    SpringApplication.run(SpringBuyerApplication.class, args);
  }

  /** The auto-configured builder pays 402 answers; this client is built from it. */
  @Bean
  RestClient weatherClient(RestClient.Builder paying) {
    return paying.build();
  }

  /** Buys once at start. A refused payment (over a limit) stops the start, naming why. */
  @Bean
  ApplicationRunner buyOnce(RestClient weatherClient, @Value("${buy.url}") String url) {
    return args -> {
      try {
        ResponseEntity<String> answer =
            weatherClient.get().uri(url).retrieve().toEntity(String.class);
        System.out.println(answer.getBody());
        System.out.println("receipt: " + answer.getHeaders().getFirst("PAYMENT-RESPONSE"));
      } catch (PaymentRefusedException e) {
        System.err.println("nothing was paid: " + String.join("; ", e.reasons()));
        throw e;
      }
    };
  }
}
