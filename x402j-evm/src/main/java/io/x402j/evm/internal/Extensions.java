package io.x402j.evm.internal;

import io.x402j.core.support.Text;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reading gas-sponsoring extension entries. Internal to x402j-evm. */
public final class Extensions {
  private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

  private Extensions() {}

  /**
   * The {@code info} object of {@code extensions.<key>}, or empty when the payment has no such
   * extension.
   *
   * @throws IllegalArgumentException when the entry exists but is not {@code {"info": {...}}}
   */
  @SuppressWarnings("unchecked")
  public static Optional<Map<String, Object>> info(Map<String, ?> extensions, String key) {
    if (extensions == null || !extensions.containsKey(key)) {
      return Optional.empty();
    }
    Object entry = extensions.get(key);
    if (!(entry instanceof Map)) {
      throw new IllegalArgumentException("extensions." + key + " must be an object");
    }
    Object info = ((Map<String, Object>) entry).get("info");
    if (!(info instanceof Map)) {
      throw new IllegalArgumentException(
          "extensions." + key + ".info" + (info == null ? " is missing" : " must be an object"));
    }
    return Optional.of((Map<String, Object>) info);
  }

  /** {@code info.version}: ASCII digits and dots, e.g. {@code "1"}. */
  public static String version(Map<String, Object> info, String path) {
    String version = WireFields.string(info, path, "version");
    if (!VERSION.matcher(version).matches() || Text.nonAscii(version) != null) {
      throw new IllegalArgumentException(
          path + ".version " + Text.quote(version) + " is not a version such as \"1\"");
    }
    return version;
  }
}
