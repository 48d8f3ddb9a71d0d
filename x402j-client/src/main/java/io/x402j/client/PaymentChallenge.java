package io.x402j.client;

import io.x402j.client.internal.Hosts;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A 402 answer as a payer sees it, whatever HTTP client received it.
 *
 * @param url the URL that answered, after any redirects: budgets are kept per host of it
 * @param headers the response headers (names compare case-insensitively)
 * @param body the response body, at most as much as was read
 */
public record PaymentChallenge(URI url, Map<String, List<String>> headers, byte[] body) {
  /** Copies the fields. */
  public PaymentChallenge {
    Objects.requireNonNull(url, "url");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> copy.merge(k, List.copyOf(v), (a, b) -> a));
    headers = copy;
    body = body == null ? new byte[0] : body.clone();
  }

  /** The first value of a header. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The body bytes (a copy). */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /**
   * The canonical host of the URL that answered, for per-host budgets: lower case ASCII (punycode
   * for international names), no trailing dot, no port.
   *
   * @throws IllegalArgumentException if the URL has no usable host
   */
  public String host() {
    return Hosts.of(url);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PaymentChallenge c
        && url.equals(c.url)
        && headers.equals(c.headers)
        && java.util.Arrays.equals(body, c.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, headers, java.util.Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "PaymentChallenge[" + url + "]";
  }
}
