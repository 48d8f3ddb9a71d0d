package io.x402j.core.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.internal.JsonFields;
import io.x402j.core.support.StrictJson;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.MalformedMessageException.Kind;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.WireCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads discovery answers. The envelope ({@code x402Version}, the item array, {@code pagination})
 * is read strictly: anything missing or mistyped is a {@link MalformedMessageException} naming the
 * field. Each item is read strictly too, but a bad item is skipped and its reason recorded, since
 * one seller's malformed entry in a shared catalog must not hide everyone else's. Unknown fields
 * are kept. Requirements are read by the wire codec, so an offer here is read exactly as a 402's.
 */
final class DiscoveryReader {
  /** The largest pagination number accepted: the largest integer a JSON peer represents exactly. */
  static final long MAX_COUNT = (1L << 53) - 1;

  private final StrictJson json;
  private final WireCodec wire;

  DiscoveryReader(int maxLength) {
    this.json = new StrictJson(maxLength);
    this.wire = WireCodec.withMaxLength(maxLength);
  }

  ResourcePage resources(String text) {
    JsonFields f = JsonFields.of(parse(text), "");
    int version = f.requireVersion("x402Version", "discovery response", 1, 2);
    List<String> skipped = new ArrayList<>();
    List<DiscoveredResource> items = items(f, "items", skipped);
    JsonFields p = f.requireObject("pagination");
    long limit = count(p, "limit");
    long offset = count(p, "offset");
    long total = count(p, "total");
    return new ResourcePage(
        version, items, limit, offset, total, skipped, f.requireArray("items").size());
  }

  SearchPage search(String text) {
    JsonFields f = JsonFields.of(parse(text), "");
    int version = f.requireVersion("x402Version", "discovery search response", 1, 2);
    List<String> skipped = new ArrayList<>();
    List<DiscoveredResource> resources = items(f, "resources", skipped);
    boolean partial = f.has("partialResults") && f.requireBoolean("partialResults");
    long limit = -1;
    String cursor = null;
    JsonFields p = f.optionalObject("pagination");
    if (p != null) {
      limit = count(p, "limit");
      cursor = p.optionalString("cursor");
      if (cursor != null && cursor.isEmpty()) {
        cursor = null;
      }
    }
    return new SearchPage(
        version, resources, partial, limit, cursor, skipped, f.requireArray("resources").size());
  }

  private JsonNode parse(String text) {
    JsonNode root;
    try {
      root = json.parse(text);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(
          Kind.NOT_JSON, "", "the answer is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedMessageException(
          Kind.NOT_JSON, "", "the answer is not JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new MalformedMessageException(Kind.NOT_JSON, "", "the answer is empty");
    }
    return root;
  }

  private List<DiscoveredResource> items(JsonFields f, String name, List<String> skipped) {
    List<JsonFields.Element> elements = f.requireArray(name);
    List<DiscoveredResource> items = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      String path = name + "[" + i + "]";
      try {
        items.add(item(elements.get(i).object(), path, skipped));
      } catch (MalformedMessageException | IllegalArgumentException e) {
        skipped.add(path + " skipped: " + e.getMessage());
      }
    }
    return items;
  }

  private DiscoveredResource item(JsonFields f, String path, List<String> skipped) {
    String resource = f.requireNonEmptyString("resource");
    if (!isHttpUrl(resource)) {
      // A buyer is told to fetch or pay this: a file:, javascript: or data: "resource" is not one.
      throw new MalformedMessageException(
          Kind.INVALID_VALUE,
          f.pathOf("resource"),
          f.pathOf("resource") + " must be an absolute http(s) URL");
    }
    String type = f.requireNonEmptyString("type");
    int version = f.requireVersion("x402Version", path, 1, 2);
    List<JsonFields.Element> accepts = f.requireArray("accepts");
    List<PaymentRequirements> v2 = new ArrayList<>();
    List<PaymentRequirementsV1> v1 = new ArrayList<>();
    for (int i = 0; i < accepts.size(); i++) {
      String at = f.pathOf("accepts") + "[" + i + "]";
      try {
        // The wire codec reads an offer exactly as it reads one in a 402.
        String offer = wire.toJson(accepts.get(i).object().remaining());
        if (version == 1) {
          v1.add(
              wire.decodePaymentRequiredV1("{\"x402Version\":1,\"accepts\":[" + offer + "]}")
                  .accepts()
                  .get(0));
        } else {
          v2.add(wire.decodePaymentRequirements(offer));
        }
      } catch (MalformedMessageException | IllegalArgumentException e) {
        skipped.add(at + " skipped: " + e.getMessage());
      }
    }
    if (v1.isEmpty() && v2.isEmpty()) {
      throw new MalformedMessageException(
          Kind.INVALID_VALUE,
          f.pathOf("accepts"),
          f.pathOf("accepts") + " has no readable payment requirement");
    }
    String lastUpdated = f.optionalString("lastUpdated");
    String description = f.optionalString("description");
    String mimeType = f.optionalString("mimeType");
    String serviceName = f.optionalString("serviceName");
    List<String> tags = new ArrayList<>();
    for (JsonFields.Element tag : f.optionalArray("tags")) {
      tags.add(tag.string());
    }
    String iconUrl = f.optionalString("iconUrl");
    Map<String, Object> extensions = f.optionalMap("extensions");
    return new DiscoveredResource(
        resource,
        type,
        version,
        v2,
        v1,
        lastUpdated,
        description,
        mimeType,
        serviceName,
        tags,
        iconUrl,
        extensions == null ? Map.of() : nonNull(extensions),
        nonNull(f.remaining()));
  }

  /** Whether {@code text} is an absolute http or https URL with a host and no user info. */
  static boolean isHttpUrl(String text) {
    try {
      java.net.URI uri = new java.net.URI(text);
      String scheme = uri.getScheme();
      return scheme != null
          && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          && uri.getHost() != null
          && uri.getRawUserInfo() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The fields with a JSON null dropped: an immutable copy cannot hold {@code null}. */
  private static Map<String, Object> nonNull(Map<String, Object> fields) {
    Map<String, Object> out = new LinkedHashMap<>();
    fields.forEach(
        (k, v) -> {
          if (v != null) {
            out.put(k, v);
          }
        });
    return out;
  }

  /** A required whole number from 0 to {@link #MAX_COUNT}. */
  private static long count(JsonFields f, String name) {
    return f.requireCount(name, MAX_COUNT);
  }
}
