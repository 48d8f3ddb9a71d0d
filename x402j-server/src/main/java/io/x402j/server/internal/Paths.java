package io.x402j.server.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/** Path normalisation shared by route patterns and requests. Not part of the x402j API. */
public final class Paths {
  private Paths() {}

  /**
   * Normalises a decoded path the way servers route it, so that a request cannot slip past a paid
   * route by spelling its path differently: path parameters ({@code ;jsessionid=…}) are dropped,
   * empty and {@code .} segments removed, {@code ..} resolved, and a trailing slash dropped.
   */
  public static String normalize(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    Deque<String> segments = new ArrayDeque<>();
    for (String raw : path.split("/", -1)) {
      int semicolon = raw.indexOf(';');
      String segment = semicolon >= 0 ? raw.substring(0, semicolon) : raw;
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        segments.pollLast();
        continue;
      }
      segments.addLast(segment);
    }
    if (segments.isEmpty()) {
      return "/";
    }
    StringBuilder out = new StringBuilder();
    for (String s : segments) {
      out.append('/').append(s);
    }
    return out.toString();
  }
}
