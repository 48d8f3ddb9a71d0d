package io.x402j.server.internal;

import java.util.Arrays;

/**
 * A route's path pattern, matched in time proportional to the path's length times the pattern's,
 * whatever either holds. A regular expression with several {@code .*?} backtracks: {@code /*a*a*b}
 * against a 4,000-character path took 48 seconds, one request enough to occupy a core. This matcher
 * runs all ways of matching side by side instead (a Thompson automaton), so it never goes back.
 * Letters compare case-insensitively. Not part of the x402j API.
 */
public final class PathGlob {
  private static final byte LITERAL = 0; // one given character
  private static final byte SEGMENT_FIRST = 1; // one character other than '/'
  private static final byte SEGMENT_REST = 2; // any number of characters other than '/'
  private static final byte ANYTHING = 3; // any number of any characters
  private static final byte SUBTREE = 4; // nothing, or '/' and then ANYTHING

  private final byte[] kinds;
  private final char[] literals;

  private PathGlob(byte[] kinds, char[] literals) {
    this.kinds = kinds;
    this.literals = literals;
  }

  /**
   * Compiles a normalised path in which {@code :name} or {@code [name]} stands for one segment and
   * {@code *} for any characters; with {@code subtree}, the path itself or anything below it
   * matches as well.
   */
  public static PathGlob compile(String body, boolean subtree) {
    Builder b = new Builder(body.length() + 3);
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '*') {
        b.add(ANYTHING, '\0');
        i++;
      } else if (c == ':' && i + 1 < body.length() && isNameStart(body.charAt(i + 1))) {
        int end = i + 1;
        while (end < body.length() && isNamePart(body.charAt(end))) {
          end++;
        }
        b.add(SEGMENT_FIRST, '\0');
        b.add(SEGMENT_REST, '\0');
        i = end;
      } else if (c == '[' && body.indexOf(']', i) > i + 1) {
        b.add(SEGMENT_FIRST, '\0');
        b.add(SEGMENT_REST, '\0');
        i = body.indexOf(']', i) + 1;
      } else {
        b.add(LITERAL, fold(c));
        i++;
      }
    }
    if (subtree) {
      b.add(SUBTREE, '/');
      b.add(ANYTHING, '\0');
    }
    return new PathGlob(Arrays.copyOf(b.kinds, b.size), Arrays.copyOf(b.literals, b.size));
  }

  /** Whether {@code path} matches the whole pattern. */
  public boolean matches(String path) {
    int accept = kinds.length;
    boolean[] active = new boolean[accept + 1];
    boolean[] next = new boolean[accept + 1];
    active[0] = true;
    close(active);
    for (int p = 0; p < path.length(); p++) {
      char c = fold(path.charAt(p));
      Arrays.fill(next, false);
      boolean any = false;
      for (int s = 0; s < accept; s++) {
        if (!active[s]) {
          continue;
        }
        switch (kinds[s]) {
          case LITERAL:
            if (c == literals[s]) {
              next[s + 1] = any = true;
            }
            break;
          case SEGMENT_FIRST:
            if (c != '/') {
              next[s + 1] = any = true;
            }
            break;
          case SEGMENT_REST:
            if (c != '/') {
              next[s] = any = true;
            }
            break;
          case ANYTHING:
            next[s] = any = true;
            break;
          case SUBTREE:
            if (c == '/') {
              next[s + 1] = any = true;
            }
            break;
          default:
            throw new IllegalStateException("unknown element " + kinds[s]);
        }
      }
      if (!any) {
        return false;
      }
      close(next);
      boolean[] swap = active;
      active = next;
      next = swap;
    }
    return active[accept];
  }

  /** Adds what elements that may match nothing lead to; they only ever lead forward. */
  private void close(boolean[] states) {
    for (int s = 0; s < kinds.length; s++) {
      if (!states[s]) {
        continue;
      }
      switch (kinds[s]) {
        case SEGMENT_REST:
        case ANYTHING:
          states[s + 1] = true;
          break;
        case SUBTREE:
          states[s + 2] = true; // past the ANYTHING that follows it
          break;
        default:
          break;
      }
    }
  }

  /**
   * Folds case beyond ASCII, as some servers do when they route case-insensitively: {@code ſ} and
   * {@code S}, the Kelvin sign and {@code K}, {@code ı} and {@code I} compare equal, so no spelling
   * of a priced path reaches such a server free.
   */
  private static char fold(char c) {
    if (c < 0x80) {
      return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  private static boolean isNameStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isNamePart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static final class Builder {
    private final byte[] kinds;
    private final char[] literals;
    private int size;

    Builder(int capacity) {
      kinds = new byte[capacity * 2];
      literals = new char[capacity * 2];
    }

    void add(byte kind, char literal) {
      kinds[size] = kind;
      literals[size] = literal;
      size++;
    }
  }
}
