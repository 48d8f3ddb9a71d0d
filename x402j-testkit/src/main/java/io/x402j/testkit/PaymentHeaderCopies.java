package io.x402j.testkit;

import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One payment sent more than once, the ways an attacker sends it, for the raw-HTTP tests of every
 * seller integration: two {@code PAYMENT-SIGNATURE} lines, two {@code X-PAYMENT} lines, one of
 * each, one line holding two comma-joined values, a copy spelt {@code X_PAYMENT}, and a blank copy
 * before the payment (in another case), each as the server in front of the gate parses it. A gate
 * refuses each with 400, before its facilitator is asked anything ({@link Counting} counts what it
 * is asked).
 *
 * <pre>{@code
 * RawHttp raw = new RawHttp("127.0.0.1", port);
 * for (PaymentHeaderCopies.Copies copies : PaymentHeaderCopies.of(payment)) {
 *   String answer = raw.exchangeWhole(copies.get("127.0.0.1:" + port, "/paid"));
 *   // "HTTP/1.1 400 ...", the body naming copies.reason()
 * }
 * }</pre>
 */
public final class PaymentHeaderCopies {
  private PaymentHeaderCopies() {}

  /**
   * One way of sending a payment more than once.
   *
   * @param what what is sent, for assertion messages
   * @param headerLines the header lines, each ending in CRLF
   * @param reason what a refusal names
   */
  public record Copies(String what, String headerLines, String reason) {
    /** Validates the fields. */
    public Copies {
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(headerLines, "headerLines");
      Objects.requireNonNull(reason, "reason");
    }

    /** A {@code GET} of {@code path} on {@code host} (the Host header) with these lines. */
    public byte[] get(String host, String path) {
      return ("GET "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nConnection: close\r\n"
              + headerLines
              + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  /** The ways of sending {@code payment} (a header value) more than once. */
  public static List<Copies> of(String payment) {
    return List.of(
        new Copies(
            "two PAYMENT-SIGNATURE",
            "PAYMENT-SIGNATURE: " + payment + "\r\nPAYMENT-SIGNATURE: " + payment + "\r\n",
            "2 PAYMENT-SIGNATURE headers"),
        new Copies(
            "two X-PAYMENT",
            "X-PAYMENT: " + payment + "\r\nX-PAYMENT: " + payment + "\r\n",
            "2 X-PAYMENT headers"),
        new Copies(
            "one PAYMENT-SIGNATURE and one X-PAYMENT",
            "PAYMENT-SIGNATURE: " + payment + "\r\nX-PAYMENT: " + payment + "\r\n",
            "1 PAYMENT-SIGNATURE header and 1 X-PAYMENT header"),
        new Copies(
            "two comma-joined values in one PAYMENT-SIGNATURE",
            "PAYMENT-SIGNATURE: " + payment + ", " + payment + "\r\n",
            "PAYMENT-SIGNATURE header holds 2 comma-separated values"),
        new Copies(
            "one PAYMENT-SIGNATURE and one X_PAYMENT",
            "PAYMENT-SIGNATURE: " + payment + "\r\nX_PAYMENT: " + payment + "\r\n",
            "1 PAYMENT-SIGNATURE header and 1 X_PAYMENT header"),
        new Copies(
            "a blank PAYMENT-SIGNATURE before the payment",
            "PAYMENT-SIGNATURE:\r\npayment-signature: " + payment + "\r\n",
            "2 PAYMENT-SIGNATURE headers"));
  }

  /**
   * Sends {@code payment} to {@code path} on 127.0.0.1:{@code port} in every way of {@link #of} and
   * asserts each answer is a 400 naming the copies, without {@code paidContent}, and that {@code
   * counting} was asked to verify none of them.
   */
  public static void assertRefusedEveryWay(
      int port, String path, String payment, String paidContent, Counting counting)
      throws IOException {
    RawHttp raw = new RawHttp("127.0.0.1", port);
    for (Copies copies : of(payment)) {
      String answer = raw.exchangeWhole(copies.get("127.0.0.1:" + port, path));
      if (!answer.startsWith("HTTP/1.1 400")
          || !answer.contains(copies.reason())
          || answer.contains(paidContent)) {
        throw new AssertionError(
            copies.what() + ": expected a 400 naming " + copies.reason() + ", got\n" + answer);
      }
    }
    expectVerifies(counting, payment, 0);
  }

  /**
   * Sends {@code payment} once, honestly, and asserts it buys {@code paidContent} with one {@code
   * /verify} of it.
   */
  public static void assertBoughtOnce(
      int port, String path, String payment, String paidContent, Counting counting)
      throws IOException {
    String once =
        new RawHttp("127.0.0.1", port).exchangeWhole(once("127.0.0.1:" + port, path, payment));
    if (!once.startsWith("HTTP/1.1 200") || !once.contains(paidContent)) {
      throw new AssertionError(
          "the payment sent once: expected 200 with the content, got\n" + once);
    }
    expectVerifies(counting, payment, 1);
  }

  private static void expectVerifies(Counting counting, String payment, int expected) {
    int verifies = counting.verifiesOf(payment);
    if (verifies != expected) {
      throw new AssertionError("/verify calls: expected " + expected + ", got " + verifies);
    }
  }

  /** The single, honest header line that sends {@code payment} as protocol v2. */
  public static byte[] once(String host, String path, String payment) {
    return new Copies("once", "PAYMENT-SIGNATURE: " + payment + "\r\n", "").get(host, path);
  }

  /** A facilitator that counts what it is asked, then asks {@code delegate}. Thread-safe. */
  public static final class Counting implements Facilitator {
    private final Facilitator delegate;
    private final Queue<FacilitatorRequest> verified = new ConcurrentLinkedQueue<>();
    private final AtomicInteger settles = new AtomicInteger();

    /** Counts the calls made to {@code delegate}. */
    public Counting(Facilitator delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * How many {@code /verify} calls were made for the v2 payment {@code paymentSignature} (a
     * {@code PAYMENT-SIGNATURE} value), recognised by its parsed payload; calls other tests make at
     * the same time do not count.
     */
    public int verifiesOf(String paymentSignature) {
      Map<String, Object> payload =
          HeaderCodec.standard().decodePaymentSignature(paymentSignature).payload();
      int count = 0;
      for (FacilitatorRequest request : verified) {
        if (request instanceof VerifyRequest v2 && v2.paymentPayload().payload().equals(payload)) {
          count++;
        }
      }
      return count;
    }

    /** How many {@code /settle} calls were made. */
    public int settles() {
      return settles.get();
    }

    @Override
    public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
      verified.add(request);
      return delegate.verify(request);
    }

    @Override
    public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
      settles.incrementAndGet();
      return delegate.settle(request);
    }

    @Override
    public CompletableFuture<SupportedResponse> supported() {
      return delegate.supported();
    }
  }
}
