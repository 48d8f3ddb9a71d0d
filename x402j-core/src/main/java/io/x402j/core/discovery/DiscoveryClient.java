package io.x402j.core.discovery;

import io.x402j.core.discovery.DiscoveryException.Failure;
import io.x402j.core.internal.Urls;
import io.x402j.core.support.Futures;
import io.x402j.core.support.HttpExchanges;
import io.x402j.core.support.LimitedBody;
import io.x402j.core.support.Text;
import io.x402j.core.wire.MalformedMessageException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Asks a facilitator's Bazaar catalog what can be bought: {@code GET /discovery/resources} (a
 * filtered listing, paged by offset) and {@code GET /discovery/search} (a text search, paged by an
 * optional cursor), as the x402 {@code bazaar} extension specifies them. Works with any facilitator
 * that serves them: x402j's, Coinbase's CDP, others. Immutable and thread-safe; build one per
 * facilitator and share it.
 *
 * <pre>{@code
 * DiscoveryClient catalog = DiscoveryClient.builder("https://facilitator.example").build();
 * Discovered found = catalog.searchAll("weather", DiscoveryFilter.none().withType("http"), 20, 100);
 * for (DiscoveredResource r : found.resources()) { ... r.resource(), r.accepts() ... }
 * }</pre>
 *
 * <p>Answers are read strictly (see {@link ResourcePage}): a body that is not a discovery answer
 * fails with a {@link DiscoveryException} naming the field; one malformed entry is skipped with its
 * reason rather than failing the page; unknown fields are kept. Bodies are limited in size and the
 * whole exchange in time. Redirects are not followed. Nothing is retried: listing is cheap to ask
 * again, and the caller knows whether to.
 */
public final class DiscoveryClient {
  /** The listing path, below the facilitator URL. */
  public static final String RESOURCES_PATH = "/discovery/resources";

  /** The search path, below the facilitator URL. */
  public static final String SEARCH_PATH = "/discovery/search";

  /** The longest search query sent. */
  public static final int MAX_QUERY_LENGTH = 1000;

  private static final int EXCERPT = 200;

  private final URI base;
  private final String redactedBase;
  private final HttpClient http;
  private final Duration timeout;
  private final Supplier<Map<String, String>> headers;
  private final int maxResponseBytes;
  private final DiscoveryReader reader;

  private DiscoveryClient(Builder b) {
    String url = b.url.strip();
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // The URL may carry credentials, so it is not repeated in the message.
      throw new IllegalArgumentException("facilitator URL is not a valid URL: " + e.getReason());
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "facilitator URL " + Urls.redact(uri) + " must be an absolute http(s) URL");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "facilitator URL " + Urls.redact(uri) + " must not have a #fragment");
    }
    this.base = uri;
    this.redactedBase = Urls.redact(uri);
    this.timeout = b.timeout;
    this.http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.headers = b.headers;
    this.maxResponseBytes = b.maxResponseBytes;
    this.reader = new DiscoveryReader(b.maxResponseBytes);
  }

  /** Starts a client of the facilitator at {@code facilitatorUrl}, e.g. {@code https://x/fac}. */
  public static Builder builder(String facilitatorUrl) {
    return new Builder(facilitatorUrl);
  }

  /** The facilitator URL without credentials or query, for messages. */
  public String redactedUrl() {
    return redactedBase;
  }

  /**
   * One page of {@code GET /discovery/resources}.
   *
   * @param limit the page size to ask for; 0 to let the facilitator choose
   * @param offset how many resources to skip
   * @throws IllegalArgumentException if {@code limit} or {@code offset} is negative
   */
  public CompletableFuture<ResourcePage> list(DiscoveryFilter filter, int limit, int offset) {
    Objects.requireNonNull(filter, "filter");
    nonNegative("limit", limit);
    nonNegative("offset", offset);
    Map<String, String> query = filters(filter);
    if (limit > 0) {
      query.put("limit", Integer.toString(limit));
    }
    if (offset > 0) {
      query.put("offset", Integer.toString(offset));
    }
    return get(RESOURCES_PATH, query, reader::resources);
  }

  /**
   * One page of {@code GET /discovery/search}.
   *
   * @param query the search text (required; at most {@value #MAX_QUERY_LENGTH} characters)
   * @param limit the page size to ask for (advisory); 0 to let the facilitator choose
   * @param cursor the cursor of the page to ask for, from {@link SearchPage#nextCursor()}; {@code
   *     null} for the first
   * @throws IllegalArgumentException if the query is blank or too long, or {@code limit} negative
   */
  public CompletableFuture<SearchPage> search(
      String query, DiscoveryFilter filter, int limit, String cursor) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(filter, "filter");
    if (query.isBlank()) {
      throw new IllegalArgumentException("the search query must not be blank");
    }
    if (query.length() > MAX_QUERY_LENGTH) {
      throw new IllegalArgumentException(
          "the search query is "
              + query.length()
              + " characters; the limit is "
              + MAX_QUERY_LENGTH);
    }
    nonNegative("limit", limit);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("query", query);
    params.putAll(filters(filter));
    if (limit > 0) {
      params.put("limit", Integer.toString(limit));
    }
    if (cursor != null) {
      params.put("cursor", cursor);
    }
    return get(SEARCH_PATH, params, reader::search);
  }

  /**
   * Lists every matching resource, page by page, up to {@code maxItems}. Stops at the last page (an
   * empty page, or {@code offset + items >= total}); fails with {@link Failure#BAD_PAGING} when a
   * page does not start at the offset asked for, which would repeat or skip resources.
   *
   * @param pageSize resources per page to ask for (1 to 1000)
   * @param maxItems the most resources to return (at least 1); more make {@link
   *     Discovered#truncated()} true
   * @throws DiscoveryException when a page cannot be had or read
   */
  public Discovered listAll(DiscoveryFilter filter, int pageSize, int maxItems) {
    checkPaging(pageSize, maxItems);
    List<DiscoveredResource> found = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int offset = 0;
    int pages = 0;
    while (true) {
      if (pages == maxPages(maxItems)) {
        // Pages of unreadable entries only: stop rather than walk a hostile total forever.
        return new Discovered(found, true, pages, skipped);
      }
      ResourcePage page = join(list(filter, Math.min(pageSize, maxItems - found.size()), offset));
      pages++;
      if (page.offset() != offset) {
        throw new DiscoveryException(
            Failure.BAD_PAGING,
            200,
            "facilitator "
                + RESOURCES_PATH
                + " at "
                + redactedBase
                + " answered offset "
                + page.offset()
                + " when asked for offset "
                + offset
                + "; following it would repeat or skip resources",
            null);
      }
      int number = pages;
      page.skipped().forEach(s -> skipped.add("page " + number + ": " + s));
      for (DiscoveredResource item : page.items()) {
        if (found.size() == maxItems) {
          return new Discovered(found, true, pages, skipped);
        }
        found.add(item);
      }
      long next = (long) offset + page.entries();
      if (page.entries() == 0 || next >= page.total()) {
        return new Discovered(found, false, pages, skipped);
      }
      if (found.size() >= maxItems || next > Integer.MAX_VALUE) {
        return new Discovered(found, true, pages, skipped);
      }
      offset = (int) next;
    }
  }

  /**
   * Searches, following cursors page by page, up to {@code maxItems}. Stops when the facilitator
   * gives no next cursor or an empty page; fails with {@link Failure#BAD_PAGING} when it gives a
   * cursor it gave before, which would loop forever.
   *
   * @param pageSize resources per page to ask for (advisory; 1 to 1000)
   * @param maxItems the most resources to return (at least 1); more, or results the facilitator
   *     calls partial, make {@link Discovered#truncated()} true
   * @throws DiscoveryException when a page cannot be had or read
   */
  public Discovered searchAll(String query, DiscoveryFilter filter, int pageSize, int maxItems) {
    checkPaging(pageSize, maxItems);
    List<DiscoveredResource> found = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String cursor = null;
    int pages = 0;
    while (true) {
      if (pages == maxPages(maxItems)) {
        return new Discovered(found, true, pages, skipped);
      }
      SearchPage page =
          join(search(query, filter, Math.min(pageSize, maxItems - found.size()), cursor));
      pages++;
      int number = pages;
      page.skipped().forEach(s -> skipped.add("page " + number + ": " + s));
      for (DiscoveredResource item : page.resources()) {
        if (found.size() == maxItems) {
          return new Discovered(found, true, pages, skipped);
        }
        found.add(item);
      }
      String next = page.nextCursor();
      if (next == null || page.entries() == 0) {
        return new Discovered(found, page.partialResults(), pages, skipped);
      }
      if (found.size() >= maxItems) {
        return new Discovered(found, true, pages, skipped);
      }
      if (!cursors.add(next)) {
        throw new DiscoveryException(
            Failure.BAD_PAGING,
            200,
            "facilitator "
                + SEARCH_PATH
                + " at "
                + redactedBase
                + " answered the cursor "
                + Text.quote(next)
                + " a second time; following it would loop",
            null);
      }
      cursor = next;
    }
  }

  /** Each page but the last must add a resource, so more pages than this add nothing. */
  private static int maxPages(int maxItems) {
    return maxItems >= Integer.MAX_VALUE - 2 ? Integer.MAX_VALUE : maxItems + 2;
  }

  private static void checkPaging(int pageSize, int maxItems) {
    if (pageSize < 1 || pageSize > 1000) {
      throw new IllegalArgumentException("pageSize must be 1 to 1000, got " + pageSize);
    }
    if (maxItems < 1) {
      throw new IllegalArgumentException("maxItems must be at least 1, got " + maxItems);
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = Futures.unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static void nonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }

  private static Map<String, String> filters(DiscoveryFilter filter) {
    Map<String, String> query = new LinkedHashMap<>();
    putIf(query, "type", filter.type());
    putIf(query, "payTo", filter.payTo());
    putIf(query, "scheme", filter.scheme());
    putIf(query, "network", filter.network());
    putIf(query, "extensions", filter.extensions());
    return query;
  }

  private static void putIf(Map<String, String> query, String name, String value) {
    if (value != null) {
      query.put(name, value);
    }
  }

  /** The endpoint's URL: the facilitator's path, then ours; its own query kept, ours appended. */
  URI uri(String path, Map<String, String> params) {
    StringBuilder query = new StringBuilder();
    if (base.getRawQuery() != null && !base.getRawQuery().isEmpty()) {
      query.append(base.getRawQuery());
    }
    params.forEach(
        (name, value) -> {
          if (query.length() > 0) {
            query.append('&');
          }
          query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    if (basePath.endsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    String text =
        base.getScheme()
            + "://"
            + base.getRawAuthority()
            + basePath
            + path
            + (query.length() > 0 ? "?" + query : "");
    return URI.create(text);
  }

  private <T> CompletableFuture<T> get(
      String path, Map<String, String> params, Function<String, T> decoder) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path, params))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET();
    headers.get().forEach(request::header);
    String where = "facilitator " + path + " at " + redactedBase;
    return HttpExchanges.send(http, request.build(), LimitedBody.handler(maxResponseBytes))
        // Bounds the whole exchange, body included, not only the wait for headers.
        .orTimeout(timeout.toMillis() + 250, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              if (error != null) {
                throw transportFailure(where, Futures.unwrap(error));
              }
              return decode(where, response, decoder);
            });
  }

  private <T> T decode(String where, HttpResponse<byte[]> response, Function<String, T> decoder) {
    int status = response.statusCode();
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (status < 200 || status > 299) {
      throw new DiscoveryException(
          Failure.HTTP_STATUS,
          status,
          where + " failed with HTTP " + status + ": " + excerpt(text),
          null);
    }
    try {
      return decoder.apply(text);
    } catch (MalformedMessageException e) {
      throw new DiscoveryException(
          Failure.BAD_RESPONSE,
          status,
          where
              + " answered "
              + status
              + " with a body that is not a discovery answer ("
              + printable(e.getMessage())
              + "): "
              + excerpt(text),
          e);
    }
  }

  private DiscoveryException transportFailure(String where, Throwable cause) {
    if (cause instanceof DiscoveryException d) {
      return d;
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return new DiscoveryException(
          Failure.UNREACHABLE, 0, where + ": connecting timed out", cause);
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new DiscoveryException(
          Failure.TIMEOUT, 0, where + ": no answer within " + timeout.toMillis() + " ms", cause);
    }
    if (cause instanceof ConnectException) {
      return new DiscoveryException(Failure.UNREACHABLE, 0, where + " is unreachable", cause);
    }
    if (cause instanceof LimitedBody.TooLargeException) {
      return new DiscoveryException(
          Failure.BAD_RESPONSE, 0, where + ": " + cause.getMessage(), cause);
    }
    if (cause instanceof IOException) {
      return new DiscoveryException(
          Failure.CONNECTION_LOST,
          0,
          where + ": connection failed (" + cause.getClass().getSimpleName() + ")",
          cause);
    }
    return new DiscoveryException(
        Failure.CONNECTION_LOST,
        0,
        where + ": request failed (" + cause.getClass().getSimpleName() + ")",
        cause);
  }

  /**
   * {@code text} with control, bidi and line-separator characters written as backslash-u escapes:
   * the parser's messages repeat the facilitator's text (e.g. an unrecognized token), and a caller
   * may print them on a terminal.
   */
  static String printable(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20
          || (c >= 0x7f && c <= 0x9f)
          || c == 0x2028
          || c == 0x2029
          || (c >= 0x202a && c <= 0x202e)
          || (c >= 0x2066 && c <= 0x2069)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String excerpt(String text) {
    String compact = text.strip().replaceAll("\\s+", " ");
    if (compact.isEmpty()) {
      return "<empty body>";
    }
    return Text.quote(compact.length() > EXCERPT ? compact.substring(0, EXCERPT) : compact);
  }

  /** Builds a {@link DiscoveryClient}. */
  public static final class Builder {
    private final String url;
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(30);
    private Supplier<Map<String, String>> headers = Map::of;
    private int maxResponseBytes = 4 * 1024 * 1024;

    private Builder(String url) {
      this.url = Objects.requireNonNull(url, "url");
    }

    /** The HTTP client to use; by default one of its own, never following redirects. */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** How long to wait for a connection (default 5 s); ignored with {@link #httpClient}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** How long one request may take in all, body included (default 30 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Headers for every request, asked for before each one so that short-lived tokens can be
     * refreshed (e.g. an API key of a hosted facilitator). Never logged or put in messages.
     */
    public Builder headers(Supplier<Map<String, String>> headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /** {@code Authorization: Bearer <token>} on every request. */
    public Builder bearer(String token) {
      Objects.requireNonNull(token, "token");
      Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
      this.headers = () -> bearer;
      return this;
    }

    /** The largest answer accepted (default 4 MiB). */
    public Builder maxResponseBytes(int maxResponseBytes) {
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024");
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     */
    public DiscoveryClient build() {
      return new DiscoveryClient(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
