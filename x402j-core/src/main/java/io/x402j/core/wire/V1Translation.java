package io.x402j.core.wire;

import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.support.Text;
import java.util.Map;
import java.util.Objects;

/**
 * Translates protocol v1 messages to the v2 form that scheme implementations work on, and back. v1
 * names networks ({@code base-sepolia}) where v2 uses CAIP-2 ({@code eip155:84532}); the registry
 * supplies the mapping. Thread-safe.
 */
public final class V1Translation {
  private final NetworkRegistry registry;

  /** Translates with the networks of {@code registry}. */
  public V1Translation(NetworkRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * The CAIP-2 network of a v1 name.
   *
   * @throws IllegalArgumentException if the registry does not know the name
   */
  public Network network(String v1Name) {
    return registry
        .findByV1Name(v1Name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "v1 network " + Text.quote(v1Name) + " is not a known network name"))
        .network();
  }

  /**
   * The v1 name of a network.
   *
   * @throws IllegalArgumentException if the network has no v1 name
   */
  public String v1Name(Network network) {
    return registry
        .v1Name(network)
        .orElseThrow(() -> new IllegalArgumentException("network " + network + " has no v1 name"));
  }

  /**
   * The v2 form of v1 requirements: CAIP-2 network, {@code amount} for {@code maxAmountRequired}.
   */
  public PaymentRequirements requirements(PaymentRequirementsV1 v1) {
    return new PaymentRequirements(
        v1.scheme(),
        network(v1.network()),
        v1.maxAmountRequired(),
        v1.asset(),
        v1.payTo(),
        v1.maxTimeoutSeconds(),
        v1.extra(),
        Map.of());
  }

  /** The resource v1 requirements describe inline. */
  public ResourceInfo resource(PaymentRequirementsV1 v1) {
    return new ResourceInfo(
        v1.resource(),
        v1.description().isEmpty() ? null : v1.description(),
        v1.mimeType(),
        Map.of());
  }

  /**
   * The v2 form of a v1 payment against v1 requirements. {@code accepted} takes the scheme and
   * network the payment names, so that a payment made for another network or scheme stays
   * detectable, and everything else from the requirements (v1 payments do not echo them).
   *
   * @throws IllegalArgumentException if the payment or the requirements name an unknown network
   */
  public PaymentPayload payload(PaymentPayloadV1 payment, PaymentRequirementsV1 requirements) {
    PaymentRequirements accepted =
        requirements(requirements).toBuilder()
            .scheme(payment.scheme())
            .network(network(payment.network()))
            .build();
    return new PaymentPayload(resource(requirements), accepted, payment.payload(), null, Map.of());
  }

  /** The v2 request equivalent to a v1 {@code /verify} or {@code /settle} body. */
  public VerifyRequest request(VerifyRequestV1 v1) {
    return new VerifyRequest(
        payload(v1.paymentPayload(), v1.paymentRequirements()),
        requirements(v1.paymentRequirements()),
        Map.of());
  }

  /** A v2 settlement outcome reported with the v1 name of its network. */
  public SettleResponse toV1(SettleResponse response) {
    Network network;
    try {
      network = Network.parse(response.network());
    } catch (IllegalArgumentException e) {
      return response; // already a name
    }
    return registry.v1Name(network).map(response::withNetwork).orElse(response);
  }
}
