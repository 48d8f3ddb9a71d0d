package io.x402j.client.internal;

import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.support.Text;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Checks that a sign-in challenge is for the server that sent it. Not part of the x402j API. */
public final class SignIns {
  private SignIns() {}

  /**
   * Why {@code challenge} is not bound to {@code answered}'s origin (its domain is not that host,
   * with the port when not the scheme's default, or its URI is on another origin), or {@code null}
   * when it is. Comparison is exact after lower-casing scheme and host of the URL that answered: a
   * domain in another case, with a trailing dot or an explicit default port does not match.
   */
  public static String boundToOrigin(SiwxChallenge challenge, URI answered) {
    String origin = origin(answered);
    if (origin == null) {
      return "the answering URL " + answered + " has no http(s) origin";
    }
    String authority = origin.substring(origin.indexOf("://") + 3);
    if (!challenge.domain().equals(authority)) {
      return "the challenge's domain "
          + Text.quote(challenge.domain())
          + " is not the answering host "
          + authority;
    }
    String uriOrigin;
    try {
      uriOrigin = origin(new URI(challenge.uri()));
    } catch (URISyntaxException e) {
      uriOrigin = null;
    }
    if (!origin.equals(uriOrigin)) {
      return "the challenge's uri " + Text.quote(challenge.uri()) + " is not on " + origin;
    }
    return null;
  }

  private static String origin(URI url) {
    String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
    if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
      return null;
    }
    if (url.getRawUserInfo() != null) {
      return null;
    }
    String host = url.getHost().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean standard =
        port == -1
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme + "://" + (standard ? host : host + ":" + port);
  }
}
