package io.x402j.server;

import io.x402j.core.extensions.offerreceipt.OfferPayload;
import io.x402j.core.extensions.offerreceipt.OfferReceipt;
import io.x402j.core.extensions.offerreceipt.OfferReceiptSigner;
import io.x402j.core.extensions.offerreceipt.ReceiptPayload;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The seller's side of {@code offer-receipt}: every 402 carries a signed offer per v2 {@code
 * accepts[]} entry ({@code extensions["offer-receipt"].info.offers}, each with its {@code
 * acceptIndex}, valid for the entry's {@code maxTimeoutSeconds} unless {@link
 * Builder#offerValidity} says otherwise), and every successfully settled v2 payment's {@code
 * PAYMENT-RESPONSE} carries a signed receipt ({@code extensions["offer-receipt"].info.receipt}:
 * network, resource URL, payer, issue time; the transaction only with {@link
 * Builder#includeTransaction}, as the spec keeps receipts privacy-minimal by default).
 *
 * <p>The signer decides the format: {@code io.x402j.evm.OfferReceiptEip712.signer(signer)} for
 * EIP-712 (buyers can authorize it most simply when it is the {@code payTo} key), or {@link
 * OfferReceiptSigner#jws} with an {@code Ed25519Jws} or {@code Es256k} key whose {@code kid} is a
 * {@code did:key}. Nothing is checked in the payment's echo: offers are regenerated per 402.
 */
public final class OfferReceiptExtension implements GateExtension {
  private final OfferReceiptSigner signer;
  private final Duration validity;
  private final boolean includeTransaction;
  private final Clock clock;
  private final String origin;

  private OfferReceiptExtension(Builder b) {
    this.origin = b.origin;
    this.signer = b.signer;
    this.validity = b.validity;
    this.includeTransaction = b.includeTransaction;
    this.clock = b.clock;
  }

  /** Starts an extension signing with {@code signer}. */
  public static Builder builder(OfferReceiptSigner signer) {
    return new Builder(signer);
  }

  /**
   * Signed offers and privacy-minimal receipts with {@code signer}, for resources under {@code
   * origin} (see {@link Builder#origin}).
   */
  public static OfferReceiptExtension of(OfferReceiptSigner signer, String origin) {
    return builder(signer).origin(origin).build();
  }

  /**
   * The resource URL an offer or receipt is signed over: the route's configured resource, else the
   * configured origin followed by the request's path and query. Never the request's own URL, whose
   * host a caller chooses (the {@code Host} header): the seller's key would sign for any site.
   */
  private String resourceUrl(ResolvedRoute route, GateRequest request) {
    return route.route().resource().orElseGet(() -> origin + pathAndQuery(request));
  }

  private static String pathAndQuery(GateRequest request) {
    java.net.URI uri;
    try {
      uri = java.net.URI.create(request.url());
    } catch (IllegalArgumentException e) {
      return request.path(); // a URL the adapter could not make strict: its path alone
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  @Override
  public String key() {
    return OfferReceipt.KEY;
  }

  @Override
  public Optional<Object> declare(
      ResolvedRoute route,
      GateRequest request,
      ResourceInfo resource,
      List<PaymentRequirements> accepts) {
    if (resource == null || accepts.isEmpty()) {
      return Optional.empty();
    }
    long now = clock.instant().getEpochSecond();
    List<Map<String, Object>> offers = new ArrayList<>();
    for (int i = 0; i < accepts.size(); i++) {
      PaymentRequirements r = accepts.get(i);
      long seconds = validity != null ? validity.getSeconds() : r.maxTimeoutSeconds();
      Map<String, Object> offer =
          new java.util.LinkedHashMap<>(
              signer.signOffer(
                  new OfferPayload(
                      OfferReceipt.VERSION,
                      resourceUrl(route, request),
                      r.scheme(),
                      r.network().toString(),
                      r.asset(),
                      r.payTo(),
                      r.amount().toString(),
                      now + seconds)));
      offer.put("acceptIndex", (long) i);
      offers.add(offer);
    }
    return Optional.of(OfferReceipt.offersExtension(offers));
  }

  @Override
  public Optional<Object> settled(
      ResolvedRoute route, GateRequest request, PaymentPayload payment, SettleResponse settlement) {
    if (settlement.payer() == null || settlement.network() == null) {
      return Optional.empty(); // nothing to attest to whom
    }
    String transaction =
        includeTransaction && settlement.transaction() != null ? settlement.transaction() : "";
    ReceiptPayload receipt =
        new ReceiptPayload(
            OfferReceipt.VERSION,
            settlement.network(),
            resourceUrl(route, request),
            settlement.payer(),
            clock.instant().getEpochSecond(),
            transaction);
    return Optional.of(OfferReceipt.receiptExtension(signer.signReceipt(receipt)));
  }

  @Override
  public String toString() {
    return "OfferReceiptExtension[" + signer + "]";
  }

  /** Configures an {@link OfferReceiptExtension}. */
  public static final class Builder {
    private final OfferReceiptSigner signer;
    private Duration validity;
    private boolean includeTransaction;
    private Clock clock = Clock.systemUTC();
    private String origin;

    private Builder(OfferReceiptSigner signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
    }

    /** How long offers are valid (default: each entry's {@code maxTimeoutSeconds}). */
    public Builder offerValidity(Duration validity) {
      if (validity.isNegative() || validity.isZero()) {
        throw new IllegalArgumentException("offer validity must be positive");
      }
      this.validity = validity;
      return this;
    }

    /** Whether receipts name the settlement transaction (default: no, for privacy). */
    public Builder includeTransaction(boolean include) {
      this.includeTransaction = include;
      return this;
    }

    /** The clock for {@code validUntil} and {@code issuedAt}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The seller's public origin ({@code https://api.example.com}, a port if not the default):
     * required. Offers and receipts name {@code origin + path} for routes configured without a
     * resource URL, so what the key signs never comes from the request's {@code Host} header.
     */
    public Builder origin(String origin) {
      java.net.URI uri;
      try {
        uri = new java.net.URI(Objects.requireNonNull(origin, "origin"));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("origin " + origin + " is not a URL: " + e.getMessage());
      }
      boolean web = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
      boolean bare =
          (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
              && uri.getRawQuery() == null
              && uri.getRawFragment() == null
              && uri.getRawUserInfo() == null;
      if (!web || uri.getHost() == null || !bare) {
        throw new IllegalArgumentException(
            "origin must be http(s)://host[:port] with no path, query, fragment or user info, not "
                + origin);
      }
      this.origin =
          uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
      return this;
    }

    /** Builds the extension; the origin is required. */
    public OfferReceiptExtension build() {
      if (origin == null) {
        throw new IllegalStateException(
            "offer-receipt needs the seller's public origin (origin(\"https://api.example.com\")):"
                + " offers and receipts are signed over resource URLs, and a request's Host header"
                + " is the caller's to choose");
      }
      return new OfferReceiptExtension(this);
    }
  }
}
