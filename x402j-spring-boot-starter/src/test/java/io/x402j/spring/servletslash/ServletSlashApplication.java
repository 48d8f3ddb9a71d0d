package io.x402j.spring.servletslash;

import io.x402j.spring.X402Price;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
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

  /** Rewrites {@code /old} to {@code /new}, another priced route, after the payment filter. */
  @Bean
  Filter oldToNew() {
    return (request, response, chain) -> {
      HttpServletRequest http = (HttpServletRequest) request;
      if (!http.getRequestURI().equals("/old")) {
        chain.doFilter(request, response);
        return;
      }
      chain.doFilter(
          new HttpServletRequestWrapper(http) {
            @Override
            public String getRequestURI() {
              return "/new";
            }

            @Override
            public StringBuffer getRequestURL() {
              StringBuffer url = super.getRequestURL();
              return new StringBuffer(url.substring(0, url.length() - "/old".length()) + "/new");
            }

            @Override
            public String getServletPath() {
              return "/new";
            }
          },
          response);
    };
  }

  /** Paid handlers. */
  @RestController
  public static class Controller {
    @GetMapping("/old")
    @X402Price("$0.01")
    public String old() {
      return "paid old content";
    }

    @GetMapping("/new")
    @X402Price("$0.02")
    public String fresh() {
      return "paid new content";
    }

    @GetMapping("/paid")
    @X402Price("$0.01")
    public String paid() {
      return "paid annotated content";
    }

    @GetMapping("/paid-first")
    @X402Price(value = "$0.01", settleBeforeHandler = true)
    public String paidFirst() {
      return "content paid before it ran";
    }
  }
}
