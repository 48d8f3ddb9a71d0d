package io.x402j.server.siwx;

import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.extensions.siwx.SiwxChain;
import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.extensions.siwx.SiwxDeclaration;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.extensions.siwx.SiwxVerification;
import io.x402j.core.extensions.siwx.SiwxVerifier;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.Erc1271;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.SiweVerifier;
import io.x402j.server.GateExtension;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentOption;
import io.x402j.server.PaymentWaiver;
import io.x402j.server.ReplayStore;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.server.siwx.internal.Nonces;
import io.x402j.svm.SiwsVerifier;
import io.x402j.svm.SolanaAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sign-in-with-x} extension of a seller's gate: a wallet that has paid before (by the
 * {@link SignInPolicy}, default: paid for the same resource within 24 hours) signs a challenge
 * instead of paying again.
 *
 * <ul>
 *   <li>Every 402 of a protocol v2 route declares a challenge: this server's {@link Builder#origin
 *       origin}'s host as {@code domain}, the resource's URI on that origin, version 1, a fresh
 *       nonce, {@code issuedAt} now and {@code expirationTime} five minutes later, the resource as
 *       the only {@code resources} entry, and one {@code supportedChains} entry per network of the
 *       route that can be verified (EVM: EIP-191, Solana: Ed25519).
 *   <li>A request with a {@code SIGN-IN-WITH-X} header is checked before its payment: the domain is
 *       the configured host exactly, the URI is this resource on the configured origin, the
 *       challenge is not older than five minutes nor from the future, not expired nor before its
 *       {@code notBefore}, its nonce was issued by this server for exactly these fields (an HMAC
 *       under {@link Builder#nonceSecret}), the chain is one the route declares, the signature is
 *       the address's (EOA, or ERC-1271 when {@link Builder#contractWallets} is set), and the nonce
 *       was not used before (the {@link ReplayStore}, shared by every instance). Then the policy
 *       decides. A pass serves the request without payment or settlement; anything else answers the
 *       usual 402 whose {@code error} says why (a request that also carries a payment pays).
 *   <li>Every settled payment is recorded in the {@link PaymentHistory} for the default policy.
 * </ul>
 *
 * <p>As the specification requires, the domain and URI are checked against the configured public
 * origin, never against the request's {@code Host} header, which the caller chooses. Instances
 * behind a load balancer must share the nonce secret, the replay store and the payment history.
 */
public final class SignInWithXExtension implements GateExtension {
  private static final Logger LOG = LoggerFactory.getLogger(SignInWithXExtension.class);
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final Duration NONCE_MARGIN = Duration.ofMinutes(1);

  private final String origin;
  private final String domain;
  private final List<SiwxVerifier> verifiers;
  private final ReplayStore nonceStore;
  private final Nonces nonces;
  private final Duration lifetime;
  private final Duration maxAge;
  private final String statement;
  private final SignInPolicy policy;
  private final PaymentHistory history;
  private final Clock clock;

  private SignInWithXExtension(Builder b) {
    this.origin = b.origin;
    this.domain = b.domain;
    List<SiwxVerifier> v = new ArrayList<>(b.verifiers);
    if (v.stream().noneMatch(x -> x.supports("eip155:1"))) {
      v.add(
          b.contracts == null
              ? SiweVerifier.eoaOnly()
              : SiweVerifier.withContractWallets(b.contracts));
    }
    if (v.stream().noneMatch(x -> x.supports("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"))) {
      v.add(new SiwsVerifier());
    }
    this.verifiers = List.copyOf(v);
    this.clock = b.clock;
    this.nonceStore = b.nonceStore != null ? b.nonceStore : ReplayStore.inMemory(b.clock);
    byte[] secret = b.secret;
    if (secret == null) {
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
    }
    this.nonces = new Nonces(secret);
    this.lifetime = b.lifetime;
    this.maxAge = b.maxAge;
    this.statement = b.statement;
    this.history = b.history != null ? b.history : PaymentHistory.inMemory(b.clock, b.passWindow);
    this.policy =
        b.policy != null ? b.policy : SignInPolicy.paidWithin(b.passWindow, history, b.clock);
  }

  /** Starts an extension; the public {@link Builder#origin origin} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String key() {
    return SignInWithX.KEY;
  }

  /** The payment history this extension records settled payments in. */
  public PaymentHistory history() {
    return history;
  }

  @Override
  public Optional<Object> declare(ResolvedRoute route, GateRequest request) {
    List<SiwxChain> chains = chains(route);
    if (chains.isEmpty() || !route.route().protocolV2()) {
      return Optional.empty();
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String uri = resourceUri(request);
    SiwxChallenge unsigned =
        new SiwxChallenge(
            domain,
            uri,
            SignInWithX.VERSION,
            "0".repeat(32),
            ISO_MILLIS.format(now),
            ISO_MILLIS.format(now.plus(lifetime)),
            null,
            statement,
            null,
            List.of(uri));
    SiwxChallenge challenge =
        new SiwxChallenge(
            unsigned.domain(),
            unsigned.uri(),
            unsigned.version(),
            nonces.issue(unsigned),
            unsigned.issuedAt(),
            unsigned.expirationTime(),
            null,
            statement,
            null,
            unsigned.resources());
    return Optional.of(new SiwxDeclaration(challenge, chains).toJson());
  }

  @Override
  public CompletableFuture<Optional<PaymentWaiver>> admitWithoutPayment(
      ResolvedRoute route, GateRequest request) {
    Optional<String> header = request.header(SignInWithX.HEADER);
    if (header.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    SiwxProof proof;
    try {
      proof = SiwxProof.parseHeader(header.get());
    } catch (IllegalArgumentException e) {
      return denied("invalid_siwx_header", e.getMessage());
    }
    Optional<PaymentWaiver> refused = checkFields(proof, route, request);
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(refused);
    }
    // The policy first, on the address the proof claims: an address it would refuse costs no
    // signature check, so no node call (ERC-1271) for an address that never paid. What this tells a
    // caller (whether an address paid here) the chain shows anyway.
    Optional<PaymentWaiver> unwelcome = policyRefusal(proof, route, request);
    if (unwelcome.isPresent()) {
      return CompletableFuture.completedFuture(unwelcome);
    }
    SiwxVerifier verifier =
        verifiers.stream().filter(v -> v.supports(proof.chainId())).findFirst().orElseThrow();
    return verifier
        .verify(proof)
        .thenApply(verification -> decide(proof, verification, route, request));
  }

  private Optional<PaymentWaiver> checkFields(
      SiwxProof proof, ResolvedRoute route, GateRequest request) {
    SiwxChallenge c = proof.challenge();
    if (!c.domain().equals(domain)) {
      return deny(
          "invalid_siwx_domain_mismatch",
          "the sign-in is for domain " + Text.quote(c.domain()) + ", this server is " + domain);
    }
    String expectedUri = resourceUri(request);
    if (!c.uri().equals(expectedUri)) {
      return deny(
          "invalid_siwx_uri_mismatch",
          "the sign-in is for " + Text.quote(c.uri()) + ", this resource is " + expectedUri);
    }
    if (!SignInWithX.VERSION.equals(c.version())) {
      return deny("invalid_siwx_version", "the sign-in message version must be 1");
    }
    Instant now = clock.instant();
    Instant issuedAt = instant(c.issuedAt());
    if (issuedAt == null) {
      return deny("invalid_siwx_issued_at", "issuedAt is not an RFC 3339 date-time");
    }
    if (issuedAt.isAfter(now)) {
      return deny("invalid_siwx_issued_at_in_future", "issuedAt is in the future");
    }
    if (Duration.between(issuedAt, now).compareTo(maxAge) > 0) {
      return deny(
          "invalid_siwx_issued_at_too_old",
          "the challenge was issued more than " + maxAge + " ago; sign a new one");
    }
    if (c.expirationTime() != null) {
      Instant expires = instant(c.expirationTime());
      if (expires == null) {
        return deny("invalid_siwx_expiration_time", "expirationTime is not an RFC 3339 date-time");
      }
      if (!expires.isAfter(now)) {
        return deny("invalid_siwx_expired", "the challenge has expired; sign a new one");
      }
    }
    if (c.notBefore() != null) {
      Instant notBefore = instant(c.notBefore());
      if (notBefore == null) {
        return deny("invalid_siwx_not_before", "notBefore is not an RFC 3339 date-time");
      }
      if (now.isBefore(notBefore)) {
        return deny(
            "invalid_siwx_not_yet_valid", "the sign-in is not valid before " + c.notBefore());
      }
    }
    if (!nonces.issued(c)) {
      return deny(
          "invalid_siwx_nonce",
          "the nonce was not issued by this server for this challenge (or a field was changed)");
    }
    if (!chains(route).contains(new SiwxChain(proof.chainId(), proof.type(), null))) {
      return deny(
          "invalid_siwx_unsupported_chain",
          "this route does not accept sign-ins on "
              + Text.quote(proof.chainId())
              + " ("
              + Text.quote(proof.type())
              + ")");
    }
    return Optional.empty();
  }

  /**
   * The policy's refusal of the address {@code proof} claims, as an EOA and as a contract wallet,
   * before its signature is checked; empty when either could be admitted (the signature then
   * decides which it is). The address is read in its canonical form; one that is not an address of
   * the proof's chain is refused here.
   */
  private Optional<PaymentWaiver> policyRefusal(
      SiwxProof proof, ResolvedRoute route, GateRequest request) {
    String address = canonicalPayer(proof.chainId(), proof.address());
    if (address == null) {
      return deny(
          "invalid_siwx_address",
          "the address " + Text.quote(proof.address()) + " is not one of " + proof.chainId());
    }
    String resource = resourceKey(route, request);
    try {
      SignIn asKey = new SignIn(address, proof.chainId(), false, resource);
      SignIn asContract = new SignIn(address, proof.chainId(), true, resource);
      if (policy.admits(asKey, route, request) || policy.admits(asContract, route, request)) {
        return Optional.empty();
      }
      return deny("siwx_not_admitted", policy.refusal(asKey));
    } catch (RuntimeException e) {
      LOG.error("the sign-in policy failed for {}", address, e);
      return deny("invalid_siwx_policy", "the sign-in could not be checked; pay as usual");
    }
  }

  private Optional<PaymentWaiver> decide(
      SiwxProof proof, SiwxVerification verification, ResolvedRoute route, GateRequest request) {
    if (verification instanceof SiwxVerification.Invalid invalid) {
      return deny(invalid.reason(), invalid.message());
    }
    SiwxVerification.Valid valid = (SiwxVerification.Valid) verification;
    // The signature check may have taken a while (ERC-1271 is an RPC round trip): the challenge
    // must still be valid now, while the nonce store is sure to remember it. The store keeps it a
    // minute longer, so a check just before the deadline cannot race its forgetting.
    Instant issuedAt = instant(proof.challenge().issuedAt());
    Instant now = clock.instant();
    if (Duration.between(issuedAt, now).compareTo(maxAge) > 0
        || (proof.challenge().expirationTime() != null
            && !instant(proof.challenge().expirationTime()).isAfter(now))) {
      return deny(
          "invalid_siwx_expired", "the challenge expired while it was checked; sign a new one");
    }
    SignIn signIn =
        new SignIn(
            valid.address(), proof.chainId(), valid.contractWallet(), resourceKey(route, request));
    boolean admitted;
    try {
      admitted = policy.admits(signIn, route, request);
    } catch (RuntimeException e) {
      LOG.error("the sign-in policy failed for {}", signIn.address(), e);
      return deny("invalid_siwx_policy", "the sign-in could not be checked; pay as usual");
    }
    if (!admitted) {
      return deny("siwx_not_admitted", policy.refusal(signIn)); // the nonce stays unclaimed
    }
    // Used once, across instances: the first request that shows the nonce takes it for good.
    String key = "siwx:" + proof.challenge().nonce();
    ReplayStore.Acquisition taken;
    try {
      taken = nonceStore.acquire(key, issuedAt.plus(maxAge).plus(NONCE_MARGIN));
    } catch (RuntimeException e) {
      LOG.error("the sign-in nonce store failed; the sign-in is refused", e);
      return deny("invalid_siwx_nonce", "the nonce could not be checked; pay as usual");
    }
    if (taken.state() != ReplayStore.Acquired.NEW) {
      return deny("invalid_siwx_nonce", "the nonce was already used; sign a new challenge");
    }
    try {
      nonceStore.settled(key);
    } catch (RuntimeException e) {
      LOG.warn("the sign-in nonce store failed to mark a nonce used", e);
    }
    return Optional.of(PaymentWaiver.granted(signIn.address(), signIn.network()));
  }

  @Override
  public Optional<Object> settled(
      ResolvedRoute route, GateRequest request, PaymentPayload payment, SettleResponse settlement) {
    if (!settlement.success() || settlement.payer() == null || payment.accepted() == null) {
      return Optional.empty();
    }
    String network = payment.accepted().network().toString();
    String payer = canonicalPayer(network, settlement.payer());
    if (payer != null) {
      history.record(resourceKey(route, request), network, payer, clock.instant());
    }
    return Optional.empty();
  }

  /**
   * The key a payment and a sign-in for {@code request} share: route pattern, path and query, and,
   * for a route whose price or recipient depends on the request ({@link
   * PaymentOption.Builder#price(java.util.function.Function)}, {@link
   * PaymentOption.Builder#payTo(java.util.function.Function)}), what each option asks of this
   * request. A payment for {@code /report?tier=basic}, or at the price a header selects, or to
   * another seller, is then no pass for a request the route prices otherwise.
   */
  static String resourceKey(ResolvedRoute route, GateRequest request) {
    String query = rawQuery(request);
    StringBuilder key =
        new StringBuilder(route.pattern())
            .append(' ')
            .append(request.path())
            .append(query == null ? "" : "?" + query);
    List<PaymentOption> options = route.route().accepts();
    if (options.stream().anyMatch(o -> o.fixedPrice().isEmpty() || o.fixedPayTo().isEmpty())) {
      for (PaymentOption o : options) {
        key.append(" | ")
            .append(o.network())
            .append(' ')
            .append(o.scheme())
            .append(' ')
            .append(o.price(request))
            .append(' ')
            .append(o.payTo(request));
      }
    }
    return key.toString();
  }

  private static String rawQuery(GateRequest request) {
    try {
      return new URI(request.url()).getRawQuery();
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String canonicalPayer(String network, String payer) {
    try {
      if (network.startsWith("eip155:")) {
        return EvmAddress.parse(payer).toString();
      }
      if (network.startsWith("solana:")) {
        return SolanaAddress.parse(payer).toString();
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("a settled payer {} is not an address of {}", Text.quote(payer), network);
    }
    return null;
  }

  private List<SiwxChain> chains(ResolvedRoute route) {
    Set<String> networks = new LinkedHashSet<>();
    for (PaymentOption option : route.route().accepts()) {
      networks.add(option.network().toString());
    }
    List<SiwxChain> out = new ArrayList<>();
    for (String network : networks) {
      if (verifiers.stream().anyMatch(v -> v.supports(network))) {
        out.add(SiwxChain.of(network));
      }
    }
    return out;
  }

  private String resourceUri(GateRequest request) {
    String path;
    String query = null;
    try {
      URI url = new URI(request.url());
      path = url.getRawPath();
      query = url.getRawQuery();
    } catch (URISyntaxException e) {
      path = null;
    }
    if (path == null || path.isEmpty()) {
      try {
        path = new URI(null, null, request.path(), null).toASCIIString();
      } catch (URISyntaxException e) {
        path = "/";
      }
    }
    return origin + path + (query == null ? "" : "?" + query);
  }

  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Optional<PaymentWaiver> deny(String reason, String message) {
    return Optional.of(PaymentWaiver.denied(reason, message));
  }

  private static CompletableFuture<Optional<PaymentWaiver>> denied(String reason, String message) {
    return CompletableFuture.completedFuture(deny(reason, message));
  }

  /** Builds a {@link SignInWithXExtension}. */
  public static final class Builder {
    private String origin;
    private String domain;
    private final List<SiwxVerifier> verifiers = new ArrayList<>();
    private Erc1271 contracts;
    private ReplayStore nonceStore;
    private byte[] secret;
    private Duration lifetime = Duration.ofMinutes(5);
    private Duration maxAge = Duration.ofMinutes(5);
    private Duration passWindow = Duration.ofHours(24);
    private String statement;
    private SignInPolicy policy;
    private PaymentHistory history;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The server's public origin as browsers and clients see it, e.g. {@code
     * https://api.example.com} (behind a TLS-terminating proxy: the outside URL). Sign-ins must
     * name its host (with the port, when not the scheme's default) as their domain. Required.
     *
     * @throws IllegalArgumentException for anything but an http(s) origin without credentials,
     *     path, query or fragment
     */
    public Builder origin(String origin) {
      URI uri;
      try {
        uri = new URI(Objects.requireNonNull(origin, "origin"));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "sign-in origin " + Text.quote(origin) + " is not a URL");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException(
            "sign-in origin " + Text.quote(origin) + " must be http or https");
      }
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException(
            "sign-in origin " + Text.quote(origin) + " must not include credentials");
      }
      String path = uri.getRawPath();
      if ((path != null && !path.isEmpty() && !path.equals("/"))
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "sign-in origin " + Text.quote(origin) + " must not include a path, query or fragment");
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new IllegalArgumentException("sign-in origin " + Text.quote(origin) + " has no host");
      }
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      boolean defaultPort =
          port == -1
              || (scheme.equals("http") && port == 80)
              || (scheme.equals("https") && port == 443);
      this.domain = defaultPort ? host : host + ":" + port;
      this.origin = scheme + "://" + domain;
      return this;
    }

    /**
     * Adds a signature verifier; it takes precedence over the built-in ones (SIWE for EOAs, SIWS)
     * for the chains it supports.
     */
    public Builder verifier(SiwxVerifier verifier) {
      verifiers.add(Objects.requireNonNull(verifier, "verifier"));
      return this;
    }

    /**
     * Accepts EVM contract wallets: a signature that does not recover to the address is checked by
     * ERC-1271 through {@code contracts} (e.g. {@link JsonRpcErc1271}). Default: EOAs only.
     */
    public Builder contractWallets(Erc1271 contracts) {
      this.contracts = Objects.requireNonNull(contracts, "contracts");
      return this;
    }

    /**
     * Where used nonces are remembered (default: this process's memory). Several instances must
     * share one, e.g. the gate's {@link ReplayStore#jdbc}: keys start with {@code siwx:}.
     */
    public Builder nonceStore(ReplayStore store) {
      this.nonceStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The secret nonces are authenticated with (at least 32 bytes; default: random per instance).
     * Instances behind a load balancer must share it, or a challenge from one is refused by
     * another.
     */
    public Builder nonceSecret(byte[] secret) {
      if (secret.length < 32) {
        throw new IllegalArgumentException("the sign-in nonce secret must be at least 32 bytes");
      }
      this.secret = secret.clone();
      return this;
    }

    /** How long a declared challenge is valid ({@code expirationTime}; default 5 minutes). */
    public Builder challengeLifetime(Duration lifetime) {
      this.lifetime = positive(lifetime, "challenge lifetime");
      this.maxAge = lifetime;
      return this;
    }

    /** How long a wallet's payment lets it sign in instead of paying (default 24 hours). */
    public Builder passWindow(Duration window) {
      this.passWindow = positive(window, "pass window");
      return this;
    }

    /**
     * A statement shown by the wallet (EIP-4361 allows printable ASCII except {@code " < > \ ^ ` {
     * | }}).
     */
    public Builder statement(String statement) {
      SiwxChallenge probe =
          new SiwxChallenge(
              "a",
              "https://a",
              "1",
              "00000000",
              "2024-01-01T00:00:00.000Z",
              null,
              null,
              statement,
              null,
              null);
      io.x402j.evm.Siwe.check(probe);
      this.statement = statement;
      return this;
    }

    /** Who is admitted (default: {@link SignInPolicy#paidWithin} the pass window). */
    public Builder policy(SignInPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Where settled payments are recorded (default: in memory for the pass window). */
    public Builder history(PaymentHistory history) {
      this.history = Objects.requireNonNull(history, "history");
      return this;
    }

    /** The clock for challenges and passes. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The extension.
     *
     * @throws IllegalStateException without an origin
     */
    public SignInWithXExtension build() {
      if (origin == null) {
        throw new IllegalStateException(
            "sign-in-with-x needs the server's public origin (e.g. https://api.example.com)");
      }
      return new SignInWithXExtension(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }
  }
}
