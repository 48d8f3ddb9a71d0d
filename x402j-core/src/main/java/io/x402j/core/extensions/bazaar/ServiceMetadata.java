package io.x402j.core.extensions.bazaar;

import io.x402j.core.support.Text;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The service metadata a 402's {@code resource} may carry for discovery: {@code serviceName},
 * {@code tags} and {@code iconUrl}. Every field is optional, and each passes the spec's soft-drop
 * rules or is not kept: {@link #sanitize} drops what fails and says why, so a seller's typo costs a
 * field, not the route, and a facilitator can apply the same rules to what a payer echoes.
 *
 * <ul>
 *   <li>{@code serviceName}: 1 to 32 printable ASCII characters;
 *   <li>{@code tags}: at most 5 kept, each 1 to 32 printable ASCII characters, duplicates (ignoring
 *       case) dropped, the first kept;
 *   <li>{@code iconUrl}: at most 2,048 characters, no control characters, an absolute {@code http}
 *       or {@code https} URL without user info whose host, percent-decoded and IDN-normalised, is a
 *       name: not an IP literal (v4, v6, or a number such as {@code 2130706433} or {@code
 *       0x7f000001} that a browser reads as one) and not {@code localhost} or its aliases.
 * </ul>
 *
 * @param serviceName the service's name, or {@code null}
 * @param tags topical tags (never null; empty when none)
 * @param iconUrl an icon's URL, or {@code null}
 */
public record ServiceMetadata(String serviceName, List<String> tags, String iconUrl) {
  private static final int MAX_NAME = 32;
  private static final int MAX_TAG = 32;
  private static final int MAX_TAGS = 5;
  private static final int MAX_ICON_URL = 2048;
  private static final Pattern PRINTABLE_ASCII = Pattern.compile("^[\\x20-\\x7e]+$");
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f]");
  private static final Pattern NUMERIC_LABEL = Pattern.compile("^(0x[0-9a-f]*|[0-9]+)$");
  private static final Set<String> LOOPBACK =
      Set.of("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback");

  /** No metadata. */
  public static final ServiceMetadata NONE = new ServiceMetadata(null, List.of(), null);

  /**
   * Metadata that passes the rules.
   *
   * @throws IllegalArgumentException naming the first field that does not (use {@link #sanitize} to
   *     drop such fields instead)
   */
  public ServiceMetadata {
    tags = tags == null ? List.of() : List.copyOf(tags);
    if (serviceName != null && !isValidServiceName(serviceName)) {
      throw new IllegalArgumentException("serviceName must be 1 to 32 printable ASCII characters");
    }
    if (!sanitizeTags(tags).equals(tags)) {
      throw new IllegalArgumentException(
          "tags must be at most 5 distinct tags of 1 to 32 printable ASCII characters");
    }
    if (iconUrl != null && !isValidIconUrl(iconUrl)) {
      throw new IllegalArgumentException(
          "iconUrl must be an http(s) URL of at most 2048 characters naming a host that is"
              + " neither an IP address nor localhost, without user info");
    }
  }

  /**
   * What was kept of some metadata and why the rest was dropped.
   *
   * @param metadata the fields that pass
   * @param dropped one line per dropped field or tag, naming it (never quoting a long value)
   */
  public record Sanitized(ServiceMetadata metadata, List<String> dropped) {
    /** Copies the list. */
    public Sanitized {
      dropped = List.copyOf(dropped);
    }
  }

  /**
   * Keeps the fields that pass the rules, as the spec's {@code sanitizeResourceServiceMetadata}.
   */
  public static Sanitized sanitize(Object serviceName, Object tags, Object iconUrl) {
    List<String> dropped = new ArrayList<>();
    String name = null;
    if (serviceName != null) {
      if (serviceName instanceof String s && isValidServiceName(s)) {
        name = s;
      } else {
        dropped.add("serviceName: not 1 to 32 printable ASCII characters");
      }
    }
    List<String> kept = List.of();
    if (tags != null) {
      if (tags instanceof List<?> list) {
        kept = sanitizeTags(list);
        if (kept.size() != list.size()) {
          dropped.add(
              "tags: kept "
                  + kept.size()
                  + " of "
                  + list.size()
                  + " (at most 5 distinct tags of 1 to 32 printable ASCII characters)");
        }
      } else {
        dropped.add("tags: not a list");
      }
    }
    String icon = null;
    if (iconUrl != null) {
      if (iconUrl instanceof String s && isValidIconUrl(s)) {
        icon = s;
      } else {
        dropped.add(
            "iconUrl: not an http(s) URL naming a host other than an IP address or localhost,"
                + " without user info, of at most 2048 characters");
      }
    }
    return new Sanitized(new ServiceMetadata(name, kept, icon), dropped);
  }

  /** The metadata a resource echoed in a payment or a 402 carries, sanitized. */
  public static Sanitized fromResourceFields(Map<String, ?> fields) {
    if (fields == null) {
      return new Sanitized(NONE, List.of());
    }
    return sanitize(fields.get("serviceName"), fields.get("tags"), fields.get("iconUrl"));
  }

  /** Whether there is no field. */
  public boolean isEmpty() {
    return serviceName == null && tags.isEmpty() && iconUrl == null;
  }

  /** The fields as a {@code resource} object carries them ({@code serviceName, tags, iconUrl}). */
  public Map<String, Object> toResourceFields() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (serviceName != null) {
      out.put("serviceName", serviceName);
    }
    if (!tags.isEmpty()) {
      out.put("tags", tags);
    }
    if (iconUrl != null) {
      out.put("iconUrl", iconUrl);
    }
    return out;
  }

  /** Whether {@code value} is 1 to 32 printable ASCII characters. */
  public static boolean isValidServiceName(String value) {
    return value != null
        && !value.isEmpty()
        && value.length() <= MAX_NAME
        && PRINTABLE_ASCII.matcher(value).matches();
  }

  /** The valid tags of {@code values}: the first 5 distinct (ignoring case) valid strings. */
  public static List<String> sanitizeTags(List<?> values) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Object v : values) {
      if (!(v instanceof String tag)
          || tag.isEmpty()
          || tag.length() > MAX_TAG
          || !PRINTABLE_ASCII.matcher(tag).matches()) {
        continue;
      }
      if (seen.add(tag.toLowerCase(Locale.ROOT))) {
        out.add(tag);
        if (out.size() == MAX_TAGS) {
          break;
        }
      }
    }
    return List.copyOf(out);
  }

  /** Whether {@code value} passes the {@code iconUrl} rule. */
  public static boolean isValidIconUrl(String value) {
    if (value == null
        || value.isEmpty()
        || value.length() > MAX_ICON_URL
        || CONTROL.matcher(value).find()) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.isOpaque()) {
      return false;
    }
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty() || authority.contains("@")) {
      return false; // no host, or user info (even an empty one)
    }
    String host = authority;
    if (host.startsWith("[")) {
      return false; // an IPv6 literal
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      String port = host.substring(colon + 1);
      if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      host = host.substring(0, colon);
    }
    String decoded = percentDecoded(host);
    if (decoded == null || decoded.isEmpty()) {
      return false;
    }
    String ascii;
    try {
      ascii = IDN.toASCII(decoded, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return false;
    }
    while (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (ascii.isEmpty() || LOOPBACK.contains(ascii) || CONTROL.matcher(ascii).find()) {
      return false;
    }
    // A browser reads a host whose last label is a number (127.1, 2130706433, 0x7f000001,
    // 1.2.3.4) as an IPv4 address.
    String last = ascii.substring(ascii.lastIndexOf('.') + 1);
    return !NUMERIC_LABEL.matcher(last).matches() && !ascii.contains("[") && !ascii.contains(":");
  }

  /** {@code host} with its {@code %XX} sequences decoded as UTF-8; null when malformed. */
  private static String percentDecoded(String host) {
    byte[] in = host.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[in.length];
    int n = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i] != '%') {
        out[n++] = in[i];
        continue;
      }
      if (i + 2 >= in.length) {
        return null;
      }
      int hi = Text.hexDigit((char) (in[i + 1] & 0xff));
      int lo = Text.hexDigit((char) (in[i + 2] & 0xff));
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[n++] = (byte) (hi * 16 + lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out, 0, n))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
