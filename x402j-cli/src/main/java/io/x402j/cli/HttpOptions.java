package io.x402j.cli;

import io.x402j.config.ValueParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The curl-like part of {@code pay} and {@code inspect}: what to ask for. */
final class HttpOptions {
  @Parameters(index = "0", paramLabel = "URL", description = "The resource.")
  String url;

  @Option(
      names = {"-X", "--request"},
      paramLabel = "METHOD",
      description = "The method (default GET, or POST with -d).")
  String method;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "\"Name: value\"",
      description = "A request header; repeat for more.")
  List<String> headers;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "DATA",
      description = "A request body; @FILE reads it from a file.")
  String data;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "How long to wait for each answer (default ${DEFAULT-VALUE}).")
  String timeoutSeconds;

  /** Seconds to wait for an answer: at least one, at most a day. */
  private static final ValueParser<Integer> TIMEOUT_SECONDS = ValueParser.integer(1, 86_400);

  /**
   * The request.
   *
   * @throws IllegalArgumentException naming a bad URL, header or timeout
   */
  HttpRequest request() throws IOException {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("URL " + url + " is not a URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("URL " + url + " must start with http:// or https://");
    }
    byte[] body = null;
    if (data != null) {
      body =
          data.startsWith("@")
              ? Files.readAllBytes(Path.of(data.substring(1)))
              : data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    String verb = method != null ? method.toUpperCase(Locale.ROOT) : body != null ? "POST" : "GET";
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(TIMEOUT_SECONDS.parse("--timeout", timeoutSeconds)))
            .method(
                verb,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String header : headers == null ? List.<String>of() : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("header \"" + header + "\" must be \"Name: value\"");
      }
      try {
        b.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "header \"" + header + "\" cannot be sent: " + e.getMessage());
      }
    }
    if (body != null
        && (headers == null
            || headers.stream()
                .noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("content-type:")))) {
      b.header(
          "Content-Type", data.startsWith("@") ? "application/octet-stream" : "application/json");
    }
    return b.build();
  }
}
