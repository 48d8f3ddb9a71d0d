package io.x402j.server.internal;

import io.x402j.core.Asset;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.WireCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The built-in browser paywall. Not part of the x402j API. */
public final class PaywallPage {
  private static final String TEMPLATE = load();

  private PaywallPage() {}

  private static String load() {
    try (InputStream in = PaywallPage.class.getResourceAsStream("paywall.html")) {
      if (in == null) {
        throw new IllegalStateException("paywall.html is missing from the x402j-server jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The page for {@code required}: what is asked, and a button to pay with a browser wallet. */
  public static String render(
      PaymentRequired required, NetworkRegistry networks, String appName, WireCodec wire) {
    StringBuilder options = new StringBuilder();
    for (PaymentRequirements r : required.accepts()) {
      Optional<NetworkInfo> network = networks.find(r.network());
      Optional<Asset> asset = networks.findAsset(r.network(), r.asset());
      options.append("<table>\n");
      row(options, "Price", "<span class=\"amount\">" + escape(amount(r, asset)) + "</span>");
      row(
          options,
          "Network",
          escape(network.map(NetworkInfo::displayName).orElse(r.network().toString())));
      row(options, "Pay to", "<code>" + escape(r.payTo()) + "</code>");
      row(options, "Token", "<code>" + escape(r.asset()) + "</code>");
      options.append("</table>\n");
    }
    String description =
        required.resource() == null ? "" : nonEmpty(required.resource().description());
    String url = required.resource() == null ? "" : nonEmpty(required.resource().url());
    return TEMPLATE
        .replace("{{TITLE_SUFFIX}}", appName.isBlank() ? "" : " · " + escape(appName))
        .replace("{{APP}}", escape(appName.isBlank() ? url : appName))
        .replace("{{DESCRIPTION}}", escape(description.isEmpty() ? url : description))
        .replace("{{OPTIONS}}", options.toString())
        .replace("{{JSON}}", scriptSafe(wire.toJson(required)));
  }

  private static String amount(PaymentRequirements r, Optional<Asset> asset) {
    if (asset.isEmpty()) {
      return r.amount().value() + " atomic units";
    }
    BigDecimal units = new BigDecimal(r.amount().value()).movePointLeft(asset.get().decimals());
    return units.stripTrailingZeros().toPlainString() + " " + asset.get().symbol();
  }

  private static void row(StringBuilder out, String name, String valueHtml) {
    out.append("<tr><th>")
        .append(name)
        .append("</th><td>")
        .append(valueHtml)
        .append("</td></tr>\n");
  }

  private static String nonEmpty(String s) {
    return s == null ? "" : s;
  }

  /** HTML text escaping. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** JSON made safe inside a script element: no {@code </script>} or HTML comment can form. */
  static String scriptSafe(String json) {
    return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
  }
}
