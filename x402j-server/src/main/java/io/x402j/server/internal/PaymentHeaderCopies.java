package io.x402j.server.internal;

import io.x402j.core.wire.PaymentHeader;
import io.x402j.server.GateRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The rule that a payment is sent once, in one header: a request that carries more than one payment
 * header value, counted across {@code PAYMENT-SIGNATURE} and {@code X-PAYMENT} (two of one name, or
 * one of each), or a value that holds several comma-separated ones ({@code PAYMENT-SIGNATURE: a,
 * b}, the form a proxy may join repeated header lines into; base64 has no commas), is refused. The
 * gate reads one copy, while the application or a proxy behind the seller may read another: one
 * copy paid for, another served. Blank copies count too, and so do copies spelt with {@code _} for
 * {@code -} ({@code X_PAYMENT}), which the gate does not read but CGI-style servers do. Not part of
 * the x402j API.
 */
public final class PaymentHeaderCopies {
  /**
   * The payment headers, and the same names with {@code _} for {@code -}, which CGI-style servers
   * (PHP, WSGI, Rack) read as the same header: a copy in that spelling counts too.
   */
  private static final List<String> SPELLINGS =
      Stream.of(PaymentHeader.PAYMENT_SIGNATURE, PaymentHeader.X_PAYMENT)
          .map(PaymentHeader::headerName)
          .flatMap(name -> Stream.of(name, name.replace('-', '_')))
          .toList();

  private PaymentHeaderCopies() {}

  /** Why {@code request} is refused for carrying its payment more than once, if it is. */
  public static Optional<String> refusal(GateRequest request) {
    List<String> counted = new ArrayList<>();
    int copies = 0;
    String joined = null;
    int joinedValues = 0;
    for (String name : SPELLINGS) {
      List<String> values = request.headerValues(name);
      // An adapter that lists fewer values than it reads is not trusted to list none.
      int count = Math.max(values.size(), request.header(name).isPresent() ? 1 : 0);
      if (count > 0) {
        counted.add(count + " " + name + (count == 1 ? " header" : " headers"));
        copies += count;
      }
      for (String value : values) {
        if (joined == null && value != null && value.indexOf(',') >= 0) {
          joined = name;
          joinedValues = value.split(",", -1).length;
        }
      }
    }
    if (copies > 1) {
      return Optional.of(
          "the request has " + String.join(" and ", counted) + "; send the payment once");
    }
    if (joined != null) {
      return Optional.of(
          "the "
              + joined
              + " header holds "
              + joinedValues
              + " comma-separated values; send the payment once");
    }
    return Optional.empty();
  }
}
