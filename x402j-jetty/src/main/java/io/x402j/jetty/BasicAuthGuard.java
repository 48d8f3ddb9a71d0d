package io.x402j.jetty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password check of the consoles (the admin listener and the Spring dashboard): HTTP Basic with
 * any user name, compared in constant time, and guarded against guessing.
 *
 * <p>A client (by its address) that sends {@value #MAX_FAILURES} wrong passwords within {@link
 * #WINDOW} is refused — even with the right password — until that window ends; the caller answers
 * 429 with {@code Retry-After}. A request without credentials is not a failure (a browser asks
 * without them first). The passwords themselves are never kept, logged or shown: only their
 * SHA-256. IPv6 clients are counted by their /64 network. At most {@value #MAX_CLIENTS} clients are
 * tracked; beyond that, failures of untracked clients share one count, so many addresses cannot
 * grow memory, only lock each other out. Thread-safe.
 */
public final class BasicAuthGuard {
  private static final Logger LOG = LoggerFactory.getLogger(BasicAuthGuard.class);

  /** Wrong passwords a client may send within {@link #WINDOW}. */
  public static final int MAX_FAILURES = 10;

  /** How long failures count, and how long a client that used them all is refused. */
  public static final Duration WINDOW = Duration.ofMinutes(15);

  /** How many clients are tracked at once. */
  public static final int MAX_CLIENTS = 10_000;

  /** The shortest password accepted. */
  public static final int MIN_LENGTH = 12;

  private static final String SHARED = "*";

  /** What became of a request. */
  public enum Outcome {
    /** The right password. */
    ALLOWED,
    /** No credentials (or not HTTP Basic): ask for them. */
    MISSING,
    /** A wrong password (counted). */
    WRONG,
    /** Too many wrong passwords from this client: refused until {@link Verdict#retryAfter}. */
    THROTTLED
  }

  /**
   * The outcome, and for {@link Outcome#THROTTLED} how long until the client may try again (zero
   * otherwise).
   */
  public record Verdict(Outcome outcome, Duration retryAfter) {
    /** Whether the request may go on. */
    public boolean allowed() {
      return outcome == Outcome.ALLOWED;
    }

    /** {@link #retryAfter} in whole seconds, at least 1, for a {@code Retry-After} header. */
    public long retryAfterSeconds() {
      return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
  }

  private static final class Failures {
    Instant windowStart;
    int count;
    boolean logged;

    Failures(Instant windowStart) {
      this.windowStart = windowStart;
    }
  }

  private final byte[] passwordHash;
  private final Clock clock;
  private final String what;
  // In the order the windows started (a window never moves): the ended ones are at the front, so
  // pruning a full table stops at the first live entry instead of scanning all of them.
  private final Map<String, Failures> failures = new LinkedHashMap<>();

  /**
   * Guards {@code what} (named in the log, e.g. "the facilitator admin listener") with {@code
   * password}.
   *
   * @throws IllegalArgumentException when the password is blank or shorter than {@value
   *     #MIN_LENGTH} characters
   */
  public BasicAuthGuard(String what, String password, Clock clock) {
    this.what = Objects.requireNonNull(what, "what");
    this.clock = Objects.requireNonNull(clock, "clock");
    checkPassword(password);
    this.passwordHash = sha256(password);
  }

  /**
   * Checks that {@code password} may guard a console: not blank, at least {@value #MIN_LENGTH}
   * characters.
   *
   * @throws IllegalArgumentException saying which rule it breaks, never showing the password
   */
  public static void checkPassword(String password) {
    if (password == null || password.isBlank()) {
      throw new IllegalArgumentException("the password must not be blank");
    }
    if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the password is too short: use at least " + MIN_LENGTH + " characters");
    }
  }

  /**
   * Checks the {@code Authorization} header of a request from {@code client} (its address).
   *
   * @param authorization the header, or {@code null}
   */
  public Verdict check(String client, String authorization) {
    Instant now = clock.instant();
    String key = client == null ? SHARED : clientKey(client);
    synchronized (failures) {
      Failures f = live(key, now);
      if (f == null && failures.size() >= MAX_CLIENTS) {
        prune(now);
        if (failures.size() >= MAX_CLIENTS) {
          key = SHARED; // no room to track this address: it counts with the other untracked ones
          f = live(key, now);
        }
      }
      if (f != null && f.count >= MAX_FAILURES) {
        return new Verdict(Outcome.THROTTLED, Duration.between(now, f.windowStart.plus(WINDOW)));
      }
      Outcome outcome = compare(authorization);
      if (outcome == Outcome.ALLOWED) {
        if (f != null && !key.equals(SHARED)) {
          failures.remove(key);
        }
      } else if (outcome == Outcome.WRONG) {
        if (f == null) {
          f = new Failures(now);
          failures.put(key, f);
        }
        f.count++;
        if (f.count >= MAX_FAILURES && !f.logged) {
          f.logged = true;
          LOG.warn(
              "{}: {} wrong passwords from {}; refused until {}",
              what,
              f.count,
              key.equals(SHARED) ? "many addresses" : key,
              f.windowStart.plus(WINDOW));
        }
      }
      return new Verdict(outcome, Duration.ZERO);
    }
  }

  /**
   * Who a failure is counted against: an IPv4 address as it is; an IPv6 address by its /64 network,
   * since one host commonly holds a whole /64 and could otherwise guess from each of its addresses.
   */
  static String clientKey(String address) {
    String bare =
        address.startsWith("[") && address.endsWith("]")
            ? address.substring(1, address.length() - 1)
            : address;
    if (bare.indexOf(':') < 0) {
      return bare;
    }
    int zone = bare.indexOf('%');
    if (zone >= 0) {
      bare = bare.substring(0, zone); // a zone id names the server's interface, not the client
    }
    try {
      InetAddress parsed = InetAddress.getByName(bare);
      byte[] bytes = parsed.getAddress();
      if (bytes.length != 16) {
        // An IPv4 address written as IPv6 (::ffff:a.b.c.d): the same client as a.b.c.d.
        return parsed.getHostAddress();
      }
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        key.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
            .append(':');
      }
      return key.append(":/64").toString();
    } catch (UnknownHostException e) {
      return bare; // not an address literal: counted as given
    }
  }

  /**
   * Drops the ended windows from the front of the table; stops at the first live one, so a table
   * full of live windows costs nothing to check (a flood of new addresses must not make each
   * request scan {@value #MAX_CLIENTS} entries under the lock).
   */
  private void prune(Instant now) {
    Iterator<Failures> it = failures.values().iterator();
    while (it.hasNext()) {
      if (now.isBefore(it.next().windowStart.plus(WINDOW))) {
        return;
      }
      it.remove();
    }
  }

  /** {@code key}'s failures in the current window, or {@code null} (an ended window is dropped). */
  private Failures live(String key, Instant now) {
    Failures f = failures.get(key);
    if (f != null && !now.isBefore(f.windowStart.plus(WINDOW))) {
      failures.remove(key);
      return null;
    }
    return f;
  }

  private Outcome compare(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Outcome.MISSING;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Outcome.WRONG;
    }
    int colon = decoded.indexOf(':');
    // Hashing both sides first makes the comparison independent of the password's length.
    return colon >= 0 && MessageDigest.isEqual(passwordHash, sha256(decoded.substring(colon + 1)))
        ? Outcome.ALLOWED
        : Outcome.WRONG;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
