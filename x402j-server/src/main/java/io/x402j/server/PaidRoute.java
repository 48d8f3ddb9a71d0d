package io.x402j.server;

import io.x402j.core.Network;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.extensions.bazaar.ServiceMetadata;
import io.x402j.core.support.JsonValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a route charges and how: the accepted payment options, what the resource is, and when the
 * payment is settled. Immutable.
 *
 * <pre>{@code
 * PaidRoute.builder()
 *     .accept(PaymentOption.builder(Network.evm(84532)).price("$0.001").payTo(seller).build())
 *     .description("Today's weather")
 *     .mimeType("application/json")
 *     .build()
 * }</pre>
 */
public final class PaidRoute {
  private static final Logger LOG = LoggerFactory.getLogger(PaidRoute.class);
  private final List<PaymentOption> accepts;
  private final String description;
  private final String mimeType;
  private final String resource;
  private final boolean settleBeforeHandler;
  private final boolean protocolV1;
  private final boolean protocolV2;
  private final Map<String, Object> outputSchema;
  private final BazaarDeclaration discovery;
  private final ServiceMetadata service;

  private PaidRoute(Builder b) {
    this.accepts = List.copyOf(b.accepts);
    this.description = b.description;
    this.mimeType = b.mimeType;
    this.resource = b.resource;
    this.settleBeforeHandler = b.settleBeforeHandler;
    this.protocolV1 = b.protocolV1;
    this.protocolV2 = b.protocolV2;
    this.outputSchema = JsonValues.canonicalObjectOrEmpty(b.outputSchema, "outputSchema");
    this.discovery = b.discovery;
    this.service = b.service;
  }

  /** Starts a route. */
  public static Builder builder() {
    return new Builder();
  }

  /** A route charging {@code price} on {@code network}, paid to {@code payTo}. */
  public static PaidRoute of(String price, Network network, String payTo) {
    return builder()
        .accept(PaymentOption.builder(network).price(price).payTo(payTo).build())
        .build();
  }

  /** The accepted payment options, in the order offered. */
  public List<PaymentOption> accepts() {
    return accepts;
  }

  /** What the resource is, shown to payers. */
  public String description() {
    return description;
  }

  /** The media type of the resource, or empty. */
  public String mimeType() {
    return mimeType;
  }

  /** A fixed resource URL for the 402 answer, instead of the request's URL. */
  public Optional<String> resource() {
    return Optional.ofNullable(resource);
  }

  /**
   * Whether the payment is settled before the handler runs, for handlers with side effects that
   * must not happen unpaid. The handler's response is then released even if it fails, since the
   * payment has already moved.
   */
  public boolean settleBeforeHandler() {
    return settleBeforeHandler;
  }

  /** Whether protocol v1 payers are offered the route (in the 402 body) and accepted. */
  public boolean protocolV1() {
    return protocolV1;
  }

  /**
   * Whether protocol v2 payers are offered the route (the {@code PAYMENT-REQUIRED} header) and
   * accepted. Turning it off makes the route answer like a v1-only server.
   */
  public boolean protocolV2() {
    return protocolV2;
  }

  /** The v1 {@code outputSchema.output}, describing the response; empty when not given. */
  public Map<String, Object> outputSchema() {
    return outputSchema;
  }

  /**
   * What the route declares for discovery (the {@code bazaar} extension of its 402s), or empty when
   * it is not discoverable.
   */
  public Optional<BazaarDeclaration> discovery() {
    return Optional.ofNullable(discovery);
  }

  /** The service metadata its 402's {@code resource} carries (none by default). */
  public ServiceMetadata service() {
    return service;
  }

  /** A builder starting from this route's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.accepts.addAll(accepts);
    b.description = description;
    b.mimeType = mimeType;
    b.resource = resource;
    b.settleBeforeHandler = settleBeforeHandler;
    b.protocolV1 = protocolV1;
    b.protocolV2 = protocolV2;
    b.outputSchema = outputSchema.isEmpty() ? null : outputSchema;
    b.discovery = discovery;
    b.service = service;
    return b;
  }

  /** Builds a {@link PaidRoute}. */
  public static final class Builder {
    private final List<PaymentOption> accepts = new ArrayList<>();
    private String description = "";
    private String mimeType = "";
    private String resource;
    private boolean settleBeforeHandler;
    private boolean protocolV1 = true;
    private boolean protocolV2 = true;
    private Map<String, Object> outputSchema;
    private BazaarDeclaration discovery;
    private ServiceMetadata service = ServiceMetadata.NONE;

    private Builder() {}

    /** Accepts a payment option; a route needs at least one. */
    public Builder accept(PaymentOption option) {
      accepts.add(Objects.requireNonNull(option, "option"));
      return this;
    }

    /** Describes the resource to payers. */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /** The resource's media type, e.g. {@code application/json}. */
    public Builder mimeType(String mimeType) {
      this.mimeType = Objects.requireNonNull(mimeType, "mimeType");
      return this;
    }

    /** A fixed resource URL for the 402 answer (default: the request's URL). */
    public Builder resource(String url) {
      this.resource = url;
      return this;
    }

    /** Settles before the handler runs (default: after it succeeded). */
    public Builder settleBeforeHandler(boolean before) {
      this.settleBeforeHandler = before;
      return this;
    }

    /** Offers and accepts protocol v1 payments too (default true). */
    public Builder protocolV1(boolean v1) {
      this.protocolV1 = v1;
      return this;
    }

    /** Offers and accepts protocol v2 payments (default true); off, the route speaks v1 only. */
    public Builder protocolV2(boolean v2) {
      this.protocolV2 = v2;
      return this;
    }

    /** Describes the response for v1 clients ({@code outputSchema.output}). */
    public Builder outputSchema(Map<String, ?> schema) {
      this.outputSchema = schema == null ? null : Map.copyOf(schema);
      return this;
    }

    /**
     * Makes the route discoverable: its 402s declare {@code declaration} as the {@code bazaar}
     * extension (the gate pins the request's method and, for a pattern with parameters, adds the
     * route template), and a facilitator that catalogues resources lists it once a payment echoes
     * it. {@code null} makes the route undiscoverable again.
     */
    public Builder discovery(BazaarDeclaration declaration) {
      this.discovery = declaration;
      return this;
    }

    /** The service metadata its 402's {@code resource} carries, already valid. */
    public Builder service(ServiceMetadata metadata) {
      this.service = Objects.requireNonNull(metadata, "metadata");
      return this;
    }

    /**
     * The service metadata its 402's {@code resource} carries ({@code serviceName}, {@code tags},
     * {@code iconUrl}; each may be null). A field that breaks the spec's rules is dropped with a
     * warning in the log, as the spec asks, rather than failing the route.
     */
    public Builder service(String serviceName, List<String> tags, String iconUrl) {
      ServiceMetadata.Sanitized s = ServiceMetadata.sanitize(serviceName, tags, iconUrl);
      for (String dropped : s.dropped()) {
        LOG.warn("service metadata dropped from a paid route: {}", dropped);
      }
      this.service = s.metadata();
      return this;
    }

    /**
     * The route.
     *
     * @throws IllegalStateException without a payment option
     */
    public PaidRoute build() {
      if (accepts.isEmpty()) {
        throw new IllegalStateException("a paid route needs at least one payment option");
      }
      if (!protocolV1 && !protocolV2) {
        throw new IllegalStateException("a paid route needs protocol v1, v2 or both");
      }
      return new PaidRoute(this);
    }
  }
}
