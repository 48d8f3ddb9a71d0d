package io.x402j.cli;

import io.x402j.config.ConfigException;
import io.x402j.core.extensions.bazaar.ServiceMetadata;
import io.x402j.gateway.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The discovery (Bazaar) flags of {@code x402j gateway} and {@code x402j mcp-gateway}. */
final class DiscoveryOptions {
  @Option(
      names = "--discoverable",
      description =
          "Declare what is sold for discovery (Bazaar) in its payment requirements, so that a"
              + " facilitator that catalogues lists it once paid.")
  boolean discoverable;

  @Option(
      names = "--service-name",
      paramLabel = "NAME",
      description = "The service's name for discovery (1 to 32 printable ASCII characters).")
  String serviceName;

  @Option(
      names = "--tag",
      paramLabel = "TAG",
      description = "A topical tag for discovery; repeat for more (at most 5).")
  List<String> tags;

  @Option(
      names = "--icon-url",
      paramLabel = "URL",
      description = "An icon's URL for discovery (http(s), a host name: not an IP or localhost).")
  String iconUrl;

  /** Whether any of the flags is given. */
  boolean given() {
    return discoverable || serviceName != null || tags != null || iconUrl != null;
  }

  /**
   * The settings the flags give.
   *
   * @throws IllegalArgumentException naming the flag whose value breaks the spec's rules
   */
  GatewayConfig.Discovery discovery() {
    List<String> tagList = new ArrayList<>();
    for (String t : tags == null ? List.<String>of() : tags) {
      tagList.add(GatewayConfig.TAG.parse("--tag", t));
    }
    String name =
        serviceName == null
            ? null
            : GatewayConfig.SERVICE_NAME.parse("--service-name", serviceName);
    String icon = iconUrl == null ? null : GatewayConfig.ICON_URL.parse("--icon-url", iconUrl);
    try {
      return new GatewayConfig.Discovery(discoverable, new ServiceMetadata(name, tagList, icon));
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--tag: give at most 5 tags, each once (ignoring case)", e);
    }
  }
}
