package io.x402j.server.internal;

import io.x402j.core.support.Text;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.server.GateRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Matches a request's payment header to what its route offers. A v2 payment ({@code
 * PAYMENT-SIGNATURE}, preferred when both headers are sent) must echo an offered requirement and
 * must have been made for this resource on this server; a v1 payment ({@code X-PAYMENT}) names an
 * offered scheme and network. The answer is a {@link PaymentMatch}; nothing here calls a
 * facilitator or touches the replay store. Immutable. Not part of the x402j API.
 */
public final class PaymentMatcher {
  private final HeaderCodec headers;

  /** A matcher decoding headers with {@code headers}. */
  public PaymentMatcher(HeaderCodec headers) {
    this.headers = headers;
  }

  /** What the payment header of {@code request} amounts to against {@code offer}. */
  public PaymentMatch match(RouteOffer offer, GateRequest request) {
    Optional<String> v2 = nonBlank(request, PaymentHeader.PAYMENT_SIGNATURE);
    Optional<String> v1 = nonBlank(request, PaymentHeader.X_PAYMENT);
    if (v2.isPresent()) {
      try {
        return matchV2(offer, v2.get());
      } catch (MalformedMessageException e) {
        return malformed(PaymentHeader.PAYMENT_SIGNATURE, e);
      }
    }
    if (v1.isPresent()) {
      try {
        return matchV1(offer, v1.get());
      } catch (MalformedMessageException e) {
        return malformed(PaymentHeader.X_PAYMENT, e);
      }
    }
    return new PaymentMatch.Unpaid();
  }

  private static Optional<String> nonBlank(GateRequest request, PaymentHeader header) {
    return request.header(header.headerName()).filter(h -> !h.isBlank());
  }

  private static PaymentMatch malformed(PaymentHeader header, MalformedMessageException e) {
    return new PaymentMatch.Refused(
        header.x402Version(), "invalid " + header.headerName() + " header: " + e.getMessage());
  }

  private PaymentMatch matchV2(RouteOffer offer, String header) {
    if (!offer.route().protocolV2()) {
      return new PaymentMatch.Refused(
          1, "this resource accepts protocol v1 payments (X-PAYMENT) only");
    }
    PaymentPayload payment = headers.decodePaymentSignature(header);
    Optional<OfferedPayment> match =
        offer.payments().stream().filter(p -> p.acceptedBy(payment.accepted())).findFirst();
    if (match.isEmpty()) {
      return new PaymentMatch.Refused(2, "No matching payment requirements");
    }
    if (payment.resource() != null && payment.resource().url() != null) {
      Optional<String> elsewhere = elsewhere(payment.resource().url(), offer.resource().url());
      if (elsewhere.isPresent()) {
        return new PaymentMatch.Refused(2, elsewhere.get());
      }
    }
    return new PaymentMatch.Matched(
        2,
        match.get().requirements(),
        FacilitatorRequest.of(payment, match.get().requirements()),
        payment.payload());
  }

  /**
   * Why a payment made for {@code paidFor} cannot buy {@code here}: another path, or the same path
   * on another server (a seller with one address and several APIs must not let a payment for one
   * buy the other). Parts are compared only when both URLs have them.
   */
  private static Optional<String> elsewhere(String paidFor, String here) {
    String paidPath = pathOf(paidFor);
    String herePath = pathOf(here);
    if (paidPath != null && herePath != null && !paidPath.equalsIgnoreCase(herePath)) {
      return Optional.of(
          "the payment was made for " + paidPath + ", not for this resource (" + herePath + ")");
    }
    String paidHost = originOf(paidFor);
    String hereHost = originOf(here);
    if (paidHost != null && hereHost != null && !paidHost.equals(hereHost)) {
      return Optional.of(
          "the payment was made for a resource on "
              + Text.quote(paidHost)
              + ", not on this server ("
              + hereHost
              + ")");
    }
    return Optional.empty();
  }

  private PaymentMatch matchV1(RouteOffer offer, String header) {
    PaymentPayloadV1 payment = headers.decodeXPayment(header);
    for (OfferedPayment offered : offer.payments()) {
      PaymentRequirementsV1 v1 = offered.v1Requirements();
      if (v1 != null
          && v1.scheme().equals(payment.scheme())
          && v1.network().equals(payment.network())) {
        return new PaymentMatch.Matched(
            1, offered.requirements(), FacilitatorRequest.of(payment, v1), payment.payload());
      }
    }
    return new PaymentMatch.Refused(
        1,
        offer.speaksV1()
            ? "Unable to find matching payment requirements"
            : "this resource does not accept protocol v1 payments");
  }

  /** Host and port of {@code url}, lower case, the port filled in from the scheme; or null. */
  private static String originOf(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null || uri.getScheme() == null) {
        return null;
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      if (port < 0) {
        port = "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
      }
      return uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String pathOf(String url) {
    try {
      String path = URI.create(url).getPath();
      return path == null ? null : Paths.normalize(path);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
