package io.x402j.spring.servletslash;

import io.x402j.spring.X402Price;
import jakarta.servlet.Filter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.UrlHandlerFilter;

/**
 * A servlet application with a filter of default order that strips a trailing slash by wrapping the
 * request: it runs after the payment filter.
 */
@SpringBootApplication
public class ServletSlashApplication {
  @Bean
  Filter trailingSlash() {
    return UrlHandlerFilter.trailingSlashHandler("/**").wrapRequest().build();
  }

  /** One paid handler. */
  @RestController
  public static class Controller {
    @GetMapping("/paid")
    @X402Price("$0.01")
    public String paid() {
      return "paid annotated content";
    }
  }
}
