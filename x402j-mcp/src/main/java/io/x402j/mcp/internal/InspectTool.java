package io.x402j.mcp.internal;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.client.Payer;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.PlannedPayment;
import io.x402j.client.internal.Bodies;
import io.x402j.core.X402Exception;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.PaymentRequired;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code x402_inspect}: what a URL asks to be paid, and which offer the wallet would pay or why it
 * would pay none. It asks with a plain GET and never signs or spends anything.
 */
public final class InspectTool {
  /** The tool's arguments. */
  public static final Set<String> ARGUMENTS = Set.of("url");

  /** The most of a 402 answer's body read, as the HTTP payer reads it. */
  static final int MAX_402_BYTES = 1024 * 1024;

  private final HttpClient http;
  private final Payer payer;
  private final Duration timeout;

  /** A tool asking with {@code http} and reading offers as {@code payer} would. */
  public InspectTool(HttpClient http, Payer payer, Duration timeout) {
    this.http = http;
    this.payer = payer;
    this.timeout = timeout;
  }

  /** Runs a call. */
  public CallToolResult call(Map<String, Object> arguments) {
    URI url;
    try {
      url = ToolArguments.of(arguments, ARGUMENTS).url("url");
    } catch (IllegalArgumentException e) {
      return ToolResults.error(e.getMessage());
    }
    HttpResponse<byte[]> response;
    // Only a 402's body is read, and at most MAX_402_BYTES of it; the whole answer, body included,
    // must come within the timeout (the request's own timeout ends at the headers): a hostile
    // server can neither hang the tool with a body that never ends nor fill the memory.
    CompletableFuture<HttpResponse<byte[]>> answer =
        http.sendAsync(
            HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
            info ->
                info.statusCode() == 402
                    ? Bodies.limited(MAX_402_BYTES)
                    : HttpResponse.BodySubscribers.replacing(new byte[0]));
    try {
      response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      return ToolResults.error(
          "no complete answer from " + url + " within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return ToolResults.error("cannot reach " + url + ": " + cause.getMessage());
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      return ToolResults.error("interrupted");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("url", url.toString());
    out.put("status", response.statusCode());
    if (response.statusCode() != 402) {
      out.put("paymentRequired", false);
      out.put("note", "HTTP " + response.statusCode() + ": no payment asked");
      return ToolResults.ok(out);
    }
    out.put("paymentRequired", true);
    PaymentChallenge challenge =
        new PaymentChallenge(response.uri(), response.headers().map(), response.body());
    List<PlannedPayment> offers;
    try {
      offers = payer.offers(challenge);
    } catch (X402Exception e) {
      return ToolResults.error(
          "the 402 carries no readable x402 requirements: " + e.getMessage(), out);
    }
    resource(challenge).ifPresent(r -> out.putAll(r));
    out.put("x402Version", offers.isEmpty() ? 2 : offers.get(0).x402Version());
    List<Map<String, Object>> listed = new ArrayList<>();
    offers.forEach(o -> listed.add(Offers.offer(o)));
    out.put("offers", listed);
    try {
      PlannedPayment chosen = payer.plan(challenge);
      out.put("wouldPay", Offers.offer(chosen));
    } catch (PaymentRefusedException e) {
      out.put("wouldPay", null);
      out.put("refused", e.reasons());
    } catch (X402Exception e) {
      out.put("wouldPay", null);
      out.put("refused", List.of(e.getMessage()));
    }
    out.put("note", "nothing was paid");
    return ToolResults.ok(out);
  }

  /** The v2 resource's description and MIME type, when the 402 carries the v2 header. */
  private static java.util.Optional<Map<String, Object>> resource(PaymentChallenge challenge) {
    try {
      return challenge
          .header(PaymentHeader.PAYMENT_REQUIRED.headerName())
          .map(h -> HeaderCodec.standard().decodePaymentRequired(h))
          .map(InspectTool::describe);
    } catch (X402Exception | IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  private static Map<String, Object> describe(PaymentRequired required) {
    Map<String, Object> r = new LinkedHashMap<>();
    if (required.resource().description() != null && !required.resource().description().isEmpty()) {
      r.put("description", required.resource().description());
    }
    if (required.resource().mimeType() != null && !required.resource().mimeType().isEmpty()) {
      r.put("mimeType", required.resource().mimeType());
    }
    return r;
  }
}
