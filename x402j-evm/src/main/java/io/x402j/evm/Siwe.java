package io.x402j.evm;

import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.support.Text;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sign-In with Ethereum (EIP-4361) messages for the {@code sign-in-with-x} extension: the text a
 * wallet signs with {@code personal_sign}, built from a challenge, a chain and an address exactly
 * as the official {@code @x402/extensions} package builds it (the address in its EIP-55 form), and
 * the grammar checks that package's SIWE library makes, so that no field can change the message's
 * structure.
 */
public final class Siwe {
  private static final Pattern CHAIN = Pattern.compile("eip155:([0-9]{1,18})");
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{8,}");
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "([0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01]))[Tt]([01][0-9]|2[0-3]):([0-5][0-9]):"
              + "([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])");
  // EIP-4361's statement: printable ASCII except " < > \ ^ ` { | }.
  private static final Pattern STATEMENT =
      Pattern.compile("[ !#$%&'()*+,\\-./0-9:;=?@A-Z\\[\\]_a-z~]*");
  private static final Pattern REQUEST_ID =
      Pattern.compile("([A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*");
  private static final Pattern AUTHORITY =
      Pattern.compile(
          "([A-Za-z0-9\\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@?[A-Za-z0-9\\-._~!$&'()*+,;=\\[\\]:]+");

  private Siwe() {}

  /**
   * The numeric chain id of a CAIP-2 {@code eip155:<n>} chain.
   *
   * @throws IllegalArgumentException if {@code chainId} is not one
   */
  public static long chainId(String chainId) {
    Matcher m = chainId == null ? null : CHAIN.matcher(chainId);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "chainId " + Text.quote(chainId) + " is not eip155:<number>");
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * The EIP-4361 message for {@code challenge} signed by {@code address} on {@code chainId} ({@code
   * eip155:<n>}).
   *
   * @throws IllegalArgumentException naming the field EIP-4361 does not allow
   */
  public static String message(SiwxChallenge challenge, String chainId, EvmAddress address) {
    check(challenge);
    long chain = chainId(chainId);
    StringBuilder head =
        new StringBuilder(challenge.domain())
            .append(" wants you to sign in with your Ethereum account:\n")
            .append(address);
    if (challenge.statement() == null) {
      head.append("\n\n");
    } else {
      head.append("\n\n").append(challenge.statement()).append('\n');
    }
    List<String> lines = new ArrayList<>();
    lines.add("URI: " + challenge.uri());
    lines.add("Version: " + challenge.version());
    lines.add("Chain ID: " + chain);
    lines.add("Nonce: " + challenge.nonce());
    lines.add("Issued At: " + challenge.issuedAt());
    if (present(challenge.expirationTime())) {
      lines.add("Expiration Time: " + challenge.expirationTime());
    }
    if (present(challenge.notBefore())) {
      lines.add("Not Before: " + challenge.notBefore());
    }
    if (challenge.requestId() != null) {
      lines.add("Request ID: " + challenge.requestId());
    }
    if (challenge.resources() != null) {
      StringBuilder resources = new StringBuilder("Resources:");
      for (String resource : challenge.resources()) {
        resources.append("\n- ").append(resource);
      }
      lines.add(resources.toString());
    }
    return head.append('\n').append(String.join("\n", lines)).toString();
  }

  /**
   * Checks the fields EIP-4361's grammar restricts: the domain is an authority, the URI and
   * resources are absolute URIs, the version is 1, the nonce is 8 or more letters and digits, the
   * times are RFC 3339, the statement and request id use the allowed characters.
   *
   * @throws IllegalArgumentException naming the first field that is not allowed
   */
  public static void check(SiwxChallenge c) {
    if (c.domain().isEmpty() || !AUTHORITY.matcher(c.domain()).matches()) {
      throw new IllegalArgumentException("domain " + Text.quote(c.domain()) + " is not a host");
    }
    uri("uri", c.uri());
    if (!"1".equals(c.version())) {
      throw new IllegalArgumentException("version must be 1, got " + Text.quote(c.version()));
    }
    if (!NONCE.matcher(c.nonce()).matches()) {
      throw new IllegalArgumentException(
          "nonce " + Text.quote(c.nonce()) + " is not 8 or more ASCII letters and digits");
    }
    dateTime("issuedAt", c.issuedAt());
    if (present(c.expirationTime())) {
      dateTime("expirationTime", c.expirationTime());
    }
    if (present(c.notBefore())) {
      dateTime("notBefore", c.notBefore());
    }
    if (c.statement() != null && !STATEMENT.matcher(c.statement()).matches()) {
      throw new IllegalArgumentException(
          "statement "
              + Text.quote(c.statement())
              + " has a character EIP-4361 does not allow (printable ASCII except \" < > \\ ^ ` { |"
              + " })");
    }
    if (c.requestId() != null && !REQUEST_ID.matcher(c.requestId()).matches()) {
      throw new IllegalArgumentException(
          "requestId " + Text.quote(c.requestId()) + " is not URI path characters");
    }
    if (c.resources() != null) {
      for (int i = 0; i < c.resources().size(); i++) {
        uri("resources[" + i + "]", c.resources().get(i));
      }
    }
  }

  private static boolean present(String value) {
    return value != null && !value.isEmpty();
  }

  private static void uri(String name, String value) {
    String problem = null;
    if (Text.nonAscii(value) != null || value.indexOf(' ') >= 0) {
      problem = "has a space or a non-ASCII character";
    } else {
      try {
        if (!new URI(value).isAbsolute()) {
          problem = "is not an absolute URI";
        }
      } catch (URISyntaxException e) {
        problem = "is not a URI";
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(name + " " + Text.quote(value) + " " + problem);
    }
  }

  private static void dateTime(String name, String value) {
    Matcher m = DATE_TIME.matcher(value);
    boolean valid = m.matches();
    if (valid) {
      try {
        LocalDate.parse(m.group(1));
      } catch (DateTimeException e) {
        valid = false;
      }
    }
    if (!valid) {
      throw new IllegalArgumentException(
          name + " " + Text.quote(value) + " is not an RFC 3339 date-time");
    }
  }
}
