package io.x402j.server;

import java.util.Objects;

/**
 * The page browsers get instead of a bare 402: what is asked, and a button that lets a browser
 * wallet (EIP-1193, {@code window.ethereum}) sign the payment and load the resource.
 *
 * @param enabled whether browsers get the page (default true); when not, they get the plain 402
 * @param appName the seller's name shown on the page
 * @param customHtml a page to send instead of the built-in one, or {@code null}
 */
public record PaywallOptions(boolean enabled, String appName, String customHtml) {
  /** Validates the fields. */
  public PaywallOptions {
    Objects.requireNonNull(appName, "appName");
  }

  /** The built-in page, without an app name. */
  public static PaywallOptions defaults() {
    return new PaywallOptions(true, "", null);
  }

  /** No page: browsers get the same 402 as programs. */
  public static PaywallOptions disabled() {
    return new PaywallOptions(false, "", null);
  }
}
