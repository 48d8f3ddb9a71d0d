package io.x402j.client.internal;

import io.x402j.core.support.Text;
import java.net.IDN;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Host names in one canonical form, so that a budget kept per host cannot be dodged by spelling the
 * host another way: lower case ASCII (internationalised names as punycode), no trailing dot, IPv6
 * literals written out in full inside brackets. The port is not part of a host: every port of a
 * host shares its budget. Not part of the x402j API.
 */
public final class Hosts {
  private Hosts() {}

  /**
   * The canonical host of {@code url}.
   *
   * @throws IllegalArgumentException if {@code url} names no host, or one that is not a host name
   */
  public static String of(URI url) {
    String host = url.getHost();
    if (host == null) {
      // java.net.URI leaves non-ASCII names in the authority only.
      String authority = url.getAuthority();
      if (authority == null) {
        throw new IllegalArgumentException("the URL " + url + " names no host");
      }
      host = authority.substring(authority.lastIndexOf('@') + 1);
      if (!host.startsWith("[")) {
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
          host = host.substring(0, colon);
        }
      }
    }
    return canonical(host);
  }

  /**
   * The canonical form of a host name or IP address, such as a person types it for a budget.
   *
   * @throws IllegalArgumentException naming the problem if it is not a bare host name or address
   */
  public static String canonical(String host) {
    String h = host.strip();
    if (h.startsWith("[")) {
      return ipv6(h);
    }
    if (h.isEmpty() || h.contains(":") || h.contains("/") || h.contains("@")) {
      throw new IllegalArgumentException(
          "a host is a name or an address without scheme, port or path, got " + Text.quote(host));
    }
    String ascii;
    try {
      ascii = IDN.toASCII(h).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a valid host name: " + Text.quote(host) + " (" + e.getMessage() + ")");
    }
    if (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (ascii.isEmpty() || !ascii.chars().allMatch(Hosts::hostChar)) {
      throw new IllegalArgumentException("not a valid host name: " + Text.quote(host));
    }
    return ipv4(ascii);
  }

  /**
   * A host the JDK reads as an IPv4 literal — the address {@code java.net.http} and OkHttp connect
   * to — written as four decimal bytes, so every spelling of one address shares a budget: {@code
   * 127.1}, {@code 2130706433} and {@code 127.0.0.010} are {@code 127.0.0.1}, and {@code
   * 0177.0.0.1} is {@code 177.0.0.1} (the JDK reads leading zeros as decimal). One to four decimal
   * labels, each but the last below 256, the last filling the remaining bytes. Anything else is a
   * name, looked up as one, and returned as it is.
   */
  private static String ipv4(String name) {
    String[] labels = name.split("\\.", -1);
    if (labels.length > 4) {
      return name;
    }
    long address = 0;
    for (int i = 0; i < labels.length; i++) {
      Long part = decimal(labels[i]);
      boolean last = i == labels.length - 1;
      long limit = last ? 1L << (8 * (4 - i)) : 256;
      if (part == null || part >= limit) {
        return name;
      }
      address = last ? (address << (8 * (4 - i))) | part : (address << 8) | part;
    }
    return ((address >> 24) & 0xff)
        + "."
        + ((address >> 16) & 0xff)
        + "."
        + ((address >> 8) & 0xff)
        + "."
        + (address & 0xff);
  }

  /** A label of ASCII decimal digits as a number, or null when it is not one. */
  private static Long decimal(String label) {
    if (label.isEmpty() || label.length() > 10) {
      return null;
    }
    long value = 0;
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean hostChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  }

  private static String ipv6(String literal) {
    if (!literal.endsWith("]") || literal.indexOf('%') >= 0) {
      throw new IllegalArgumentException("not an IPv6 address: " + Text.quote(literal));
    }
    try {
      // A bracketed literal is parsed, never looked up.
      InetAddress address = InetAddress.getByName(literal);
      return address instanceof Inet6Address
          ? "[" + address.getHostAddress() + "]"
          : address.getHostAddress(); // an IPv4-mapped address is that IPv4 address
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 address: " + Text.quote(literal));
    }
  }
}
