package io.x402j.client.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a payment's {@code extensions} as the official client does: every extension the server
 * declared is echoed (the spec asks clients to: a facilitator catalogues a {@code bazaar}
 * declaration only from the payment, and servers check echoes), with what a scheme client added
 * merged over it: a field the server declared is kept as declared, the client adds the fields it
 * fills in (the signed gas-sponsoring data), objects are merged field by field, and where either
 * side is not an object the client's value is used.
 */
public final class Extensions {
  private Extensions() {}

  /**
   * The extensions to send: every key of {@code declared}, with each key of {@code added} merged
   * over it.
   *
   * @param declared the {@code extensions} of the server's 402 (may be empty)
   * @param added what the scheme client added
   */
  public static Map<String, Object> merge(Map<String, Object> declared, Map<String, Object> added) {
    Map<String, Object> out = new LinkedHashMap<>(declared);
    for (Map.Entry<String, Object> e : added.entrySet()) {
      out.put(e.getKey(), mergeValue(declared.get(e.getKey()), e.getValue()));
    }
    return out;
  }

  private record Pending(Map<String, Object> target, Map<?, ?> source) {}

  private static Object mergeValue(Object server, Object client) {
    if (!(server instanceof Map<?, ?> serverMap) || !(client instanceof Map<?, ?> clientMap)) {
      return client;
    }
    Map<String, Object> root = copy(serverMap);
    Deque<Pending> pending = new ArrayDeque<>();
    pending.add(new Pending(root, clientMap));
    while (!pending.isEmpty()) {
      Pending p = pending.poll();
      for (Map.Entry<?, ?> f : p.source().entrySet()) {
        String key = String.valueOf(f.getKey());
        Object serverValue = p.target().get(key);
        if (serverValue instanceof Map<?, ?> sm && f.getValue() instanceof Map<?, ?> cm) {
          Map<String, Object> nested = copy(sm);
          p.target().put(key, nested);
          pending.add(new Pending(nested, cm));
        } else if (!p.target().containsKey(key)) {
          p.target().put(key, f.getValue());
        }
      }
    }
    return root;
  }

  private static Map<String, Object> copy(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }
}
