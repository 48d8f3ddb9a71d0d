package io.x402j.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.client.internal.Extensions;
import io.x402j.client.internal.OfferReceiptChecks;
import io.x402j.client.internal.PaymentIdentifiers;
import io.x402j.client.internal.RpcPermit2Reads;
import io.x402j.client.internal.SignIns;
import io.x402j.client.internal.SolanaRpcSources;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.X402Exception;
import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.extensions.siwx.SiwxChain;
import io.x402j.core.extensions.siwx.SiwxDeclaration;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.extensions.siwx.SiwxSigner;
import io.x402j.core.scheme.SchemeClient;
import io.x402j.core.scheme.SchemePayment;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.support.Text;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequiredV1;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.V1Translation;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Permit2Reads;
import io.x402j.evm.Signer;
import io.x402j.evm.SiweSigner;
import io.x402j.evm.UptoEvmClient;
import io.x402j.svm.BlockhashSource;
import io.x402j.svm.ExactSvmClient;
import io.x402j.svm.MintInfoSource;
import io.x402j.svm.SiwsSigner;
import io.x402j.svm.SvmSigner;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a 402 with a payment: reads the offered requirements (the v2 {@code PAYMENT-REQUIRED}
 * header, else the v1 JSON body), keeps those it has a scheme for and its {@link SpendControls}
 * allow, lets the {@link RequirementSelector} choose, checks the budgets, records the spend, and
 * signs. Used by {@link X402Client} and the OkHttp interceptor; usable with any HTTP client.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * Payer payer = Payer.builder()
 *     .signer(PrivateKeySigner.fromEnvironment("X402J_PRIVATE_KEY"))
 *     .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
 *     .build();
 * }</pre>
 *
 * Spend controls must be given: a payer never runs without limits unless told so with {@link
 * SpendControls#unlimited()}. Per-host budgets count against the host that answered the 402 (the
 * {@link PaymentChallenge#url()}), never the one the server names in its answer.
 */
public final class Payer {
  private static final Logger LOG = LoggerFactory.getLogger(Payer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemeRegistry<SchemeClient> schemes;
  private final SpendControls controls;
  private final SpendLog log;
  private final RequirementSelector selector;
  private final List<PayerListener> listeners;
  private final Clock clock;
  private final HeaderCodec headers = HeaderCodec.standard();
  private final Reader reader;
  private final UptoSettlementCheck uptoCheck;
  private final SignInChoice signInChoice;
  private final List<SiwxSigner> signInSigners;

  /**
   * The spend log id of each authorization handed out whose answer has not been seen, to lower an
   * {@code upto} reserve to what was charged. Weak: an authorization dropped unanswered (the
   * request failed) keeps counting at its ceiling, as it must.
   */
  private final Map<PaymentAuthorization, Long> unanswered =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * The offer-receipt check of each authorization handed out whose answer has not been seen, with
   * what the receipt is checked against. Weak, like {@link #unanswered}.
   */
  private final Map<PaymentAuthorization, PendingCheck> pendingChecks =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private record PendingCheck(OfferReceiptCheck offer, String resourceUrl, String payer) {}

  private final OfferReceiptChecks offerReceipts =
      new OfferReceiptChecks(io.x402j.evm.OfferReceiptVerifier.offline());

  private final List<String> builderCodes;

  /** The scheme whose requirement amount is a ceiling, the amount settled being reported later. */
  static final String UPTO = "upto";

  private Payer(Builder b) {
    this.schemes = b.schemes.build();
    this.controls = b.controls;
    this.log = b.log;
    this.selector = b.selector;
    this.listeners = List.copyOf(b.listeners);
    this.builderCodes = b.builderCodes;
    this.clock = b.clock;
    this.reader = new Reader(b.networks);
    this.uptoCheck = b.uptoCheck;
    this.signInChoice = b.signInChoice;
    List<SiwxSigner> signers = new ArrayList<>();
    for (Builder.Registration r : b.registrations) {
      if (r.signer() != null) {
        signers.add(new SiweSigner(r.signer()));
      }
      if (r.svmSigner() != null) {
        signers.add(new SiwsSigner(r.svmSigner()));
      }
    }
    this.signInSigners = List.copyOf(signers);
  }

  /** Starts a payer; it needs a signer or a scheme. */
  public static Builder builder() {
    return new Builder();
  }

  /** What the client has spent. */
  public SpendLog spendLog() {
    return log;
  }

  /**
   * What {@code challenge} asks for, every offered requirement, whether payable or not.
   *
   * @throws X402Exception when the answer carries no readable x402 requirements
   */
  public List<PlannedPayment> offers(PaymentChallenge challenge) {
    return reader.read(challenge).offers;
  }

  /**
   * What {@code challenge} asks for, read with {@code networks} (for v1 names and token values);
   * needs no key.
   *
   * @throws X402Exception when the answer carries no readable x402 requirements
   */
  public static List<PlannedPayment> offers(PaymentChallenge challenge, NetworkRegistry networks) {
    return new Reader(networks).read(challenge).offers;
  }

  /**
   * The payment that would be made, without signing or spending anything (a dry run).
   *
   * @throws PaymentRefusedException when nothing would be paid, with the reasons
   * @throws X402Exception when the answer carries no readable x402 requirements
   */
  public PlannedPayment plan(PaymentChallenge challenge) {
    Read read = reader.read(challenge);
    PlannedPayment chosen = choose(challenge, read);
    Optional<String> over = controls.budgetRefusal(chosen, log, clock.instant());
    if (over.isPresent()) {
      throw refused(challenge, List.of(over.get()), chosen);
    }
    return chosen;
  }

  /**
   * Pays: chooses a requirement, records the spend and signs.
   *
   * @throws PaymentRefusedException when nothing may be paid; nothing was signed or spent
   * @throws X402Exception when the answer carries no readable x402 requirements
   */
  public PaymentAuthorization authorize(PaymentChallenge challenge) {
    Read read = reader.read(challenge);
    PlannedPayment chosen = choose(challenge, read);
    long spendId;
    synchronized (log) { // budgets are checked and spent in one step
      Optional<String> over = controls.budgetRefusal(chosen, log, clock.instant());
      if (over.isPresent()) {
        throw refused(challenge, List.of(over.get()), chosen);
      }
      spendId = log.record(Spend.of(chosen, clock.instant()));
    }
    try {
      for (PayerListener l : listeners) {
        try {
          l.beforePayment(chosen);
        } catch (RuntimeException veto) {
          throw refused(challenge, List.of("a hook refused: " + veto.getMessage()), chosen);
        }
      }
      PaymentAuthorization authorization = sign(chosen, read);
      unanswered.put(authorization, spendId);
      return authorization;
    } catch (RuntimeException e) {
      log.cancel(spendId); // nothing was signed
      throw e;
    }
  }

  /**
   * Signs in instead of paying, when {@code challenge} is a protocol v2 402 that declares {@code
   * sign-in-with-x}, the {@link Builder#signIn sign-in choice} says so, and one of this payer's
   * keys (EVM or Solana) signs for a chain the server supports. The challenge must be bound to the
   * host that answered: its {@code domain} must be that URL's host (with a non-default port) and
   * its {@code uri} on that origin; otherwise nothing is signed. Nothing is spent.
   *
   * @return the header to send, or empty when the payer should simply pay
   */
  public Optional<SignInAuthorization> signIn(PaymentChallenge challenge) {
    if (signInSigners.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> header = challenge.header(PaymentHeader.PAYMENT_REQUIRED.headerName());
    if (header.isEmpty()) {
      return Optional.empty();
    }
    SiwxDeclaration declaration;
    try {
      PaymentRequired required = headers.decodePaymentRequired(header.get());
      Object declared =
          required.extensions() == null ? null : required.extensions().get(SignInWithX.KEY);
      if (declared == null) {
        return Optional.empty();
      }
      declaration = SiwxDeclaration.fromJson(declared);
    } catch (MalformedMessageException | IllegalArgumentException e) {
      LOG.debug(
          "unreadable sign-in-with-x declaration from {}: {}", challenge.url(), e.getMessage());
      return Optional.empty();
    }
    String bound = SignIns.boundToOrigin(declaration.info(), challenge.url());
    if (bound != null) {
      LOG.warn("not signing in at {}: {}", challenge.url(), bound);
      return Optional.empty();
    }
    if (!signInChoice.signIn(challenge, log, clock.instant())) {
      return Optional.empty();
    }
    for (SiwxChain chain : declaration.supportedChains()) {
      for (SiwxSigner signer : signInSigners) {
        if (signer.supports(chain)) {
          try {
            SiwxProof proof = signer.sign(declaration.info(), chain);
            return Optional.of(
                new SignInAuthorization(
                    SignInWithX.HEADER, proof.toHeader(), proof.address(), proof.chainId()));
          } catch (IllegalArgumentException e) {
            LOG.warn("not signing in at {}: {}", challenge.url(), e.getMessage());
            return Optional.empty();
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The settlement receipt of a paid request's answer ({@code PAYMENT-RESPONSE}, or {@code
   * X-PAYMENT-RESPONSE} from v1 servers), if it carries a readable one.
   */
  public static Optional<SettleResponse> receipt(Function<String, Optional<String>> header) {
    HeaderCodec codec = HeaderCodec.standard();
    try {
      Optional<String> v2 = header.apply(PaymentHeader.PAYMENT_RESPONSE.headerName());
      if (v2.isPresent()) {
        return Optional.of(codec.decodePaymentResponse(v2.get()));
      }
      Optional<String> v1Header = header.apply(PaymentHeader.X_PAYMENT_RESPONSE.headerName());
      if (v1Header.isPresent()) {
        return Optional.of(codec.decodeXPaymentResponse(v1Header.get()));
      }
    } catch (MalformedMessageException e) {
      LOG.warn("the server's receipt header is unreadable: {}", Text.quote(e.getMessage()));
    }
    return Optional.empty();
  }

  /**
   * Tells the payer how the request paid with {@code authorization} ended, and returns what it
   * cost: for an {@code upto} payment the spend recorded at its ceiling is lowered to the amount
   * the receipt reports settled only when the chain confirms it (see {@link Charge}; needs an
   * {@link Builder#evmRpcUrl} node of the network or an {@link Builder#uptoSettlementCheck}), so
   * budgets get the difference back. Also tells the hooks, as {@link #paid(PlannedPayment, int,
   * SettleResponse)}. {@link X402Client} and the OkHttp interceptor call this; callers using {@link
   * #authorize} with another HTTP client should too, else an {@code upto} payment keeps counting at
   * its ceiling. The on-chain check runs in the calling thread (a few JSON-RPC reads).
   *
   * @param status the HTTP status of the paid request
   * @param receipt the settlement receipt ({@link #receipt}), or {@code null} when there is none
   */
  public Charge paid(PaymentAuthorization authorization, int status, SettleResponse receipt) {
    Objects.requireNonNull(authorization, "authorization");
    PlannedPayment payment = authorization.payment();
    Long spendId = unanswered.remove(authorization);
    Charge charge = charge(authorization, receipt, spendId != null);
    if (spendId != null && charge.charged().compareTo(charge.authorized()) < 0) {
      try {
        log.charge(spendId, charge.charged(), payment.usdOf(charge.charged()).orElse(null));
      } catch (RuntimeException e) {
        // The reserve stays at the ceiling: more is counted than was spent, never less.
        LOG.warn("cannot lower the spend of {} to {}", payment.describe(), charge.charged(), e);
      }
    }
    PendingCheck pending = pendingChecks.remove(authorization);
    if (pending != null) {
      OfferReceiptCheck check =
          offerReceipts.receipt(
              pending.offer(),
              receipt,
              payment.requirements(),
              pending.resourceUrl(),
              pending.payer(),
              clock.instant());
      if (check != null) {
        if (check.receipt() != null && !check.problems().isEmpty()) {
          LOG.warn(
              "the signed receipt for {} does not check out: {}",
              payment.describe(),
              Text.quote(String.join("; ", check.problems())));
        }
        charge = charge.withOfferReceipt(check);
      }
    }
    paid(payment, status, receipt);
    return charge;
  }

  /** The address a signed payload pays from (EIP-3009 or Permit2), or null for other schemes. */
  private static String payerOf(Map<String, Object> payload) {
    for (String field : List.of("authorization", "permit2Authorization")) {
      if (payload.get(field) instanceof Map<?, ?> a && a.get("from") instanceof String from) {
        return from;
      }
    }
    return null;
  }

  /**
   * What {@code authorization} cost, by the receipt when the chain confirms it; see {@link Charge}.
   * {@code check} is false when the answer was already counted (nothing would be lowered).
   */
  private Charge charge(PaymentAuthorization authorization, SettleResponse receipt, boolean check) {
    PlannedPayment payment = authorization.payment();
    PaymentRequirements r = payment.requirements();
    TokenAmount authorized = r.amount();
    TokenAmount reported = receipt == null ? null : receipt.amount();
    if (reported != null && reported.compareTo(authorized) > 0) {
      LOG.warn(
          "the receipt for {} claims {} settled, more than the {} authorised; counted at {}",
          payment.describe(),
          reported,
          authorized,
          authorized);
      return ceiling(r, reported, "the receipt claims more than the ceiling authorised");
    }
    if (!UPTO.equals(r.scheme())) {
      return ceiling(r, reported, "an " + r.scheme() + " payment costs what it authorised");
    }
    if (receipt == null || !receipt.success() || reported == null) {
      return ceiling(r, reported, "no successful receipt with an amount");
    }
    if (reported.equals(authorized)) {
      return ceiling(r, reported, "the receipt reports the whole ceiling settled");
    }
    if (reported.value().signum() == 0) {
      // Nothing was broadcast, so nothing on chain spent the permit: it stays spendable at its
      // ceiling until its deadline, and is counted so.
      return ceiling(
          r, reported, "a 0 settlement sends no transaction: the permit stays spendable");
    }
    if (!check) {
      return ceiling(r, reported, "this answer was already counted");
    }
    if (uptoCheck == null) {
      return ceiling(
          r, reported, "no EVM node for " + r.network() + " to confirm the settlement on chain");
    }
    Optional<String> refusal;
    try {
      Map<String, Object> payload =
          headers.decodePaymentSignature(authorization.headerValue()).payload();
      refusal = uptoCheck.refusal(payment, payload, receipt);
    } catch (RuntimeException e) {
      refusal = Optional.of("the settlement could not be checked: " + e.getMessage());
    }
    if (refusal.isPresent()) {
      LOG.warn(
          "the receipt for {} claims {} settled, not confirmed on chain ({}); counted at {}",
          payment.describe(),
          reported,
          Text.quote(refusal.get()),
          authorized);
      return ceiling(r, reported, "not confirmed on chain: " + refusal.get());
    }
    return new Charge(r.scheme(), authorized, reported, reported, "confirmed on chain");
  }

  private static Charge ceiling(PaymentRequirements r, TokenAmount reported, String why) {
    return new Charge(r.scheme(), r.amount(), r.amount(), reported, why);
  }

  /**
   * Tells the hooks how the paid request ended. Does not lower an {@code upto} reserve: use {@link
   * #paid(PaymentAuthorization, int, SettleResponse)}.
   */
  public void paid(PlannedPayment payment, int status, SettleResponse receipt) {
    for (PayerListener l : listeners) {
      try {
        l.afterPayment(payment, status, receipt);
        if (status >= 400 || receipt == null || !receipt.success()) {
          l.onFailure(
              payment,
              status == 402 && receipt != null && receipt.errorReason() != null
                  ? "the payment did not settle: " + plain(receipt.errorReason())
                  : status >= 400
                      ? "the paid request was answered with HTTP " + status
                      : "the server sent no settlement receipt");
        }
      } catch (RuntimeException e) {
        LOG.warn("payer listener {} failed", l.getClass().getName(), e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A 402 read: the offers in order, and what is needed to sign each. */
  private record Read(PaymentRequired v2, List<PlannedPayment> offers, List<String> unreadable) {}

  /** Reads 402 answers; needs no key. */
  private static final class Reader {
    private final NetworkRegistry networks;
    private final HeaderCodec headers = HeaderCodec.standard();
    private final WireCodec wire = WireCodec.standard();
    private final V1Translation v1;

    Reader(NetworkRegistry networks) {
      this.networks = networks;
      this.v1 = new V1Translation(networks);
    }

    Read read(PaymentChallenge challenge) {
      String host;
      try {
        host = challenge.host();
      } catch (IllegalArgumentException e) {
        throw new X402Exception("the 402 came from an unusable host: " + e.getMessage(), e);
      }
      Optional<String> header = challenge.header(PaymentHeader.PAYMENT_REQUIRED.headerName());
      if (header.isPresent()) {
        PaymentRequired required;
        try {
          required = headers.decodePaymentRequired(header.get());
        } catch (MalformedMessageException e) {
          throw new X402Exception(
              "the 402 from "
                  + challenge.url()
                  + " has an unreadable PAYMENT-REQUIRED header: "
                  + e.getMessage(),
              e);
        }
        URI resource = resourceUrl(challenge.url(), required);
        List<PlannedPayment> offers = new ArrayList<>();
        for (PaymentRequirements r : required.accepts()) {
          offers.add(new PlannedPayment(2, resource, host, r, null, asset(r)));
        }
        return new Read(required, offers, List.of());
      }
      byte[] body = challenge.body();
      JsonNode json;
      try {
        json = body.length == 0 ? null : JSON.readTree(body);
      } catch (IOException e) {
        json = null;
      }
      if (json == null || json.path("x402Version").asInt() != 1) {
        throw new X402Exception(
            "the 402 from "
                + challenge.url()
                + " carries no x402 payment requirements (no PAYMENT-REQUIRED header, no v1 body)");
      }
      PaymentRequiredV1 required;
      try {
        required =
            wire.decodePaymentRequiredV1(new String(body, java.nio.charset.StandardCharsets.UTF_8));
      } catch (MalformedMessageException e) {
        throw new X402Exception(
            "the v1 402 body from " + challenge.url() + " is unreadable: " + e.getMessage(), e);
      }
      List<PlannedPayment> offers = new ArrayList<>();
      List<String> unreadable = new ArrayList<>();
      for (PaymentRequirementsV1 r : required.accepts()) {
        try {
          PaymentRequirements translated = v1.requirements(r);
          offers.add(
              new PlannedPayment(1, challenge.url(), host, translated, r, asset(translated)));
        } catch (IllegalArgumentException e) {
          unreadable.add(plain(r.scheme()) + " on " + plain(r.network()) + ": " + e.getMessage());
        }
      }
      return new Read(null, offers, unreadable);
    }

    /** The resource as the server names it: shown to people, never used for limits. */
    private static URI resourceUrl(URI fallback, PaymentRequired required) {
      if (required.resource() != null && required.resource().url() != null) {
        try {
          return URI.create(required.resource().url());
        } catch (IllegalArgumentException e) {
          // not a URL; keep the one asked
        }
      }
      return fallback;
    }

    private Asset asset(PaymentRequirements r) {
      return networks.findAsset(r.network(), r.asset()).orElse(null);
    }
  }

  private PlannedPayment choose(PaymentChallenge challenge, Read read) {
    List<String> reasons = new ArrayList<>(read.unreadable());
    List<PlannedPayment> payable = new ArrayList<>();
    for (PlannedPayment offer : read.offers()) {
      PaymentRequirements r = offer.requirements();
      String label = plain(r.scheme()) + " on " + r.network() + " (" + offer.describe() + ")";
      if (schemes.find(offer.x402Version(), r.scheme(), r.network()).isEmpty()) {
        reasons.add(label + ": no client for this scheme and network");
        continue;
      }
      Optional<String> refusal = controls.refusal(offer);
      if (refusal.isPresent()) {
        reasons.add(label + ": " + refusal.get());
        continue;
      }
      payable.add(offer);
    }
    if (payable.isEmpty()) {
      if (reasons.isEmpty()) {
        reasons.add("the server offered no requirement");
      }
      throw refused(challenge, reasons, null);
    }
    PlannedPayment chosen =
        Objects.requireNonNull(selector.select(List.copyOf(payable)), "the selector chose null");
    // The limits were checked on the list the selector was given: whatever it returns from
    // elsewhere (a refused offer of the same 402, a doctored copy) was never checked.
    if (!payable.contains(chosen)) {
      throw refused(
          challenge,
          List.of(
              "the selector chose "
                  + chosen.describe()
                  + ", which is not one of the payable offers it was given"),
          null);
    }
    return chosen;
  }

  private PaymentAuthorization sign(PlannedPayment chosen, Read read) {
    PaymentRequirements r = chosen.requirements();
    SchemeClient client = schemes.find(chosen.x402Version(), r.scheme(), r.network()).orElseThrow();
    Map<String, Object> declared =
        chosen.x402Version() == 2 && read.v2().extensions() != null
            ? read.v2().extensions()
            : Map.of();
    SchemePayment created;
    try {
      created = client.createPayment(chosen.x402Version(), r, declared);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // A requirement that cannot be paid, or a source (a Solana node) that did not answer.
      throw new PaymentRefusedException(
          chosen.url().toString(),
          List.of(chosen.describe() + ": cannot be signed: " + e.getMessage()));
    }
    Map<String, Object> payload = created.payload();
    if (chosen.x402Version() == 2) {
      Map<String, Object> extensions =
          PaymentIdentifiers.withId(
              declared,
              declared.isEmpty() && created.extensions().isEmpty()
                  ? null
                  : Extensions.merge(declared, created.extensions()));
      // builder-code: the seller's codes echoed, this buyer's own service codes first.
      Optional<Map<String, Object>> attribution =
          BuilderCode.echo(declared.get(BuilderCode.KEY), builderCodes);
      if (attribution.isPresent()) {
        extensions = new java.util.LinkedHashMap<>(extensions == null ? Map.of() : extensions);
        extensions.put(BuilderCode.KEY, attribution.get());
      }
      // Echo the offered requirement exactly as the server sent it: servers match it verbatim.
      PaymentPayload payment =
          new PaymentPayload(read.v2().resource(), r, payload, extensions, Map.of());
      PaymentAuthorization authorization =
          new PaymentAuthorization(
              PaymentHeader.PAYMENT_SIGNATURE.headerName(),
              headers.encodePaymentSignature(payment),
              chosen);
      String resourceUrl =
          read.v2().resource() != null ? read.v2().resource().url() : chosen.url().toString();
      OfferReceiptCheck offer = offerReceipts.offer(declared, resourceUrl, r, clock.instant());
      if (offer != null && !offer.problems().isEmpty()) {
        LOG.warn(
            "the signed offer for {} does not check out: {}",
            chosen.describe(),
            Text.quote(String.join("; ", offer.problems())));
      }
      pendingChecks.put(authorization, new PendingCheck(offer, resourceUrl, payerOf(payload)));
      return authorization;
    }
    PaymentRequirementsV1 v1Requirements = chosen.v1Requirements();
    PaymentPayloadV1 payment =
        PaymentPayloadV1.of(v1Requirements.scheme(), v1Requirements.network(), payload);
    return new PaymentAuthorization(
        PaymentHeader.X_PAYMENT.headerName(), headers.encodeXPayment(payment), chosen);
  }

  /** A server-given word as it is when it is one, else quoted: nothing raw reaches a log line. */
  static String plain(String word) {
    return word != null && word.matches("[A-Za-z0-9_.:-]{1,64}") ? word : Text.quote(word);
  }

  private PaymentRefusedException refused(
      PaymentChallenge challenge, List<String> reasons, PlannedPayment payment) {
    PaymentRefusedException e = new PaymentRefusedException(challenge.url().toString(), reasons);
    for (PayerListener l : listeners) {
      try {
        l.onFailure(payment, e.getMessage());
      } catch (RuntimeException ignored) {
        LOG.warn("payer listener {} failed", l.getClass().getName(), ignored);
      }
    }
    return e;
  }

  /** Builds a {@link Payer}. */
  public static final class Builder {
    /** A scheme client for some networks, or a signer whose client is made at build time. */
    private record Registration(
        NetworkPattern networks, SchemeClient client, Signer signer, SvmSigner svmSigner) {}

    private final List<Registration> registrations = new ArrayList<>();
    private List<String> builderCodes = List.of();
    private SchemeRegistry.Builder<SchemeClient> schemes;
    private Duration maxAuthorizationLifetime = ExactEvmClient.DEFAULT_MAX_AUTHORIZATION_LIFETIME;
    private NetworkRegistry networks = NetworkRegistry.defaults();
    private SpendControls controls;
    private SpendLog log = SpendLog.inMemory();
    private RequirementSelector selector = RequirementSelector.first();
    private final List<PayerListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private BlockhashSource blockhashes;
    private MintInfoSource mints;
    private final Map<Network, String> evmRpcUrls = new java.util.LinkedHashMap<>();
    private Permit2Reads permit2Reads;
    private UptoSettlementCheck uptoCheck;
    private boolean uptoCheckGiven;
    private boolean unlimitedPermit2Approvals;
    private SignInChoice signInChoice = SignInChoice.never();

    private Builder() {}

    /**
     * When to answer a 402 that declares {@code sign-in-with-x} by signing in with this payer's
     * keys before paying (default {@link SignInChoice#never()}: always pay). E.g. {@link
     * SignInChoice#whenPaidWithin} a day, for servers that grant a pass after a payment.
     */
    public Builder signIn(SignInChoice choice) {
      this.signInChoice = Objects.requireNonNull(choice, "choice");
      return this;
    }

    /**
     * Pays exact-scheme requirements on every Solana network with {@code signer}: a transaction the
     * facilitator's fee payer completes, as the official client builds it. Its recent blockhash
     * (and the token program and decimals of mints other than the known stablecoins) come from
     * {@link #solanaRpcUrl} or {@link #solanaSources}; without either only requirements that carry
     * {@code extra.recentBlockhash} can be paid. With an EVM {@link #signer} too, the {@link
     * #selector} chooses between the networks' offers.
     */
    public Builder svmSigner(SvmSigner signer) {
      registrations.add(
          new Registration(
              NetworkPattern.namespace(Network.SOLANA),
              null,
              null,
              Objects.requireNonNull(signer, "signer")));
      return this;
    }

    /**
     * Where the Solana client gets blockhashes and mint facts: the JSON-RPC node at {@code url}.
     */
    public Builder solanaRpcUrl(String url) {
      SolanaRpcSources sources = new SolanaRpcSources(SolanaRpcClient.connect(url));
      return solanaSources(sources, sources);
    }

    /**
     * An EVM JSON-RPC node of {@code network}, from which the Permit2 payments of {@link #signer}
     * on that network read the payer's Permit2 allowance (and the token's EIP-2612 nonce, the
     * account's nonce and fees) to add a gas-sponsoring extension the server declares. The node's
     * {@code eth_chainId} is checked against {@code network} before it is trusted. Repeat for more
     * networks.
     */
    public Builder evmRpcUrl(Network network, String url) {
      Objects.requireNonNull(network, "network");
      Objects.requireNonNull(url, "url");
      if (!network.isEvm()) {
        throw new IllegalArgumentException(network + " is not an EVM network");
      }
      evmRpcUrls.put(network, url);
      return this;
    }

    /**
     * The chain reads of {@link #signer}'s Permit2 payments, on every EVM network, instead of
     * {@link #evmRpcUrl} nodes.
     */
    public Builder permit2Reads(Permit2Reads reads) {
      this.permit2Reads = Objects.requireNonNull(reads, "reads");
      return this;
    }

    /**
     * How an {@code upto} receipt's amount is confirmed before a reserve is lowered from the
     * ceiling (default: the {@link #evmRpcUrl} node of the payment's network, when one is given;
     * else none, and every {@code upto} payment counts at its ceiling). A check must not trust the
     * seller or its facilitator.
     */
    public Builder uptoSettlementCheck(UptoSettlementCheck check) {
      this.uptoCheck = Objects.requireNonNull(check, "check");
      this.uptoCheckGiven = true;
      return this;
    }

    /**
     * Lets the raw {@code approve(Permit2, ...)} transaction {@link #signer} signs for an {@code
     * erc20ApprovalGasSponsoring} extension allow Permit2 the uint256 maximum, as the official
     * client does. By default it allows exactly the payment's amount, so an approval the seller's
     * facilitator broadcasts never exposes the rest of the balance (an {@code eip2612GasSponsoring}
     * permit always allows exactly the amount).
     */
    public Builder unlimitedPermit2Approvals() {
      this.unlimitedPermit2Approvals = true;
      return this;
    }

    /** Where the Solana client gets blockhashes and mint facts. */
    public Builder solanaSources(BlockhashSource blockhashes, MintInfoSource mints) {
      this.blockhashes = Objects.requireNonNull(blockhashes, "blockhashes");
      this.mints = Objects.requireNonNull(mints, "mints");
      return this;
    }

    /**
     * Pays on every EVM network with {@code signer}: {@code exact} requirements (EIP-3009, or
     * Permit2 when the requirement's {@code extra.assetTransferMethod} is {@code "permit2"}) and
     * {@code upto} requirements (a Permit2 ceiling the seller charges from), signing authorizations
     * valid at most {@link #maxAuthorizationLifetime}. Permit2 payments need the payer's allowance
     * of Permit2 for the token: with an {@link #evmRpcUrl} for the network the client reads it and,
     * when it is short and the server declares a gas-sponsoring extension ({@code
     * eip2612GasSponsoring}, {@code erc20ApprovalGasSponsoring}), adds it so the facilitator
     * approves on the payer's behalf; without one it pays Permit2 plainly (no extension), and a
     * payer without allowance is refused by the server ({@code permit2_allowance_required}).
     */
    public Builder signer(Signer signer) {
      registrations.add(
          new Registration(
              NetworkPattern.namespace("eip155"),
              null,
              Objects.requireNonNull(signer, "signer"),
              null));
      return this;
    }

    /**
     * Pays with {@code client} on {@code networks}, in both protocol versions. The client decides
     * its own authorization lifetime.
     */
    public Builder scheme(NetworkPattern networks, SchemeClient client) {
      registrations.add(
          new Registration(
              Objects.requireNonNull(networks, "networks"),
              Objects.requireNonNull(client, "client"),
              null,
              null));
      return this;
    }

    /**
     * The longest an authorization signed for {@link #signer} stays valid (default one hour, at
     * least 10 s): {@code validBefore} is now plus the server's {@code maxTimeoutSeconds}, but
     * never more than this, so a server cannot ask for an authorization valid for years. The
     * requirement echoed to the server is not changed.
     */
    public Builder maxAuthorizationLifetime(Duration lifetime) {
      this.maxAuthorizationLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /** The networks and tokens known (default: the public ones), for v1 names and dollar values. */
    public Builder networks(NetworkRegistry networks) {
      this.networks = Objects.requireNonNull(networks, "networks");
      return this;
    }

    /**
     * The limits; required. {@link SpendControls#unlimited()} pays whatever a server asks, and must
     * be said explicitly.
     */
    public Builder spendControls(SpendControls controls) {
      this.controls = Objects.requireNonNull(controls, "controls");
      return this;
    }

    /** Where spending is recorded (default: in memory); a file makes budgets survive restarts. */
    public Builder spendLog(SpendLog log) {
      this.log = Objects.requireNonNull(log, "log");
      return this;
    }

    /** How to choose among payable requirements (default: the server's first). */
    public Builder selector(RequirementSelector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /**
     * {@code builder-code}: this buyer's own ERC-8021 service codes ({@code s}, at most five,
     * {@code ^[a-z0-9_]{1,32}$}), sent with every v2 payment ahead of the seller's declared codes;
     * the seller's app code is echoed only when it declared one.
     *
     * @throws IllegalArgumentException naming an invalid code, or more than five
     */
    public Builder builderCodes(String... codes) {
      this.builderCodes =
          BuilderCode.requireServiceCodes(
              List.of(codes), BuilderCode.MAX_CLIENT_SERVICE_CODES, "buyer");
      return this;
    }

    /** Adds hooks. */
    public Builder listener(PayerListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The clock for budgets. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The payer.
     *
     * @throws IllegalStateException without a signer or scheme, or without spend controls
     * @throws IllegalArgumentException if the authorization lifetime is below the minimum
     */
    public Payer build() {
      if (registrations.isEmpty()) {
        throw new IllegalStateException(
            "a payer needs a signer, an SVM signer (or a scheme client)");
      }
      if (controls == null) {
        throw new IllegalStateException(
            "a payer needs spend controls: give spendControls(SpendControls.builder()"
                + ".maxPerPaymentUsd(\"0.10\")...build()), or spendControls(SpendControls"
                + ".unlimited()) to pay whatever a server asks");
      }
      schemes = SchemeRegistry.builder();
      RpcPermit2Reads nodes =
          evmRpcUrls.isEmpty()
              ? null
              : RpcPermit2Reads.of(
                  evmRpcUrls.entrySet().stream()
                      .collect(
                          java.util.stream.Collectors.toMap(
                              e -> NetworkPattern.of(e.getKey()),
                              Map.Entry::getValue,
                              (a, b) -> b,
                              java.util.LinkedHashMap::new)));
      if (!uptoCheckGiven) {
        uptoCheck = nodes == null ? null : nodes::uptoSettlementRefusal;
      }
      for (Registration r : registrations) {
        if (r.client() != null) {
          schemes.registerBothVersions(r.client().scheme(), r.networks(), r.client());
        } else if (r.svmSigner() != null) {
          ExactSvmClient.Builder svm = ExactSvmClient.builder(r.svmSigner());
          if (blockhashes != null) {
            svm.blockhashSource(blockhashes).mintInfoSource(mints);
          }
          ExactSvmClient client = svm.build();
          schemes.registerBothVersions(client.scheme(), r.networks(), client);
        } else {
          registerEvm(r.signer(), r.networks(), permit2Reads);
          if (permit2Reads == null) {
            // A node per network: the clients with reads serve their network only (more specific
            // than eip155:*); elsewhere Permit2 is paid plainly.
            for (Network network : evmRpcUrls.keySet()) {
              if (r.networks().matches(network)) {
                registerEvm(r.signer(), NetworkPattern.of(network), nodes);
              }
            }
          }
        }
      }
      return new Payer(this);
    }

    private void registerEvm(Signer signer, NetworkPattern networks, Permit2Reads reads) {
      ExactEvmClient exact =
          ExactEvmClient.of(signer)
              .withMaxAuthorizationLifetime(maxAuthorizationLifetime)
              .withPermit2Reads(reads);
      UptoEvmClient upto =
          UptoEvmClient.of(signer)
              .withMaxAuthorizationLifetime(maxAuthorizationLifetime)
              .withPermit2Reads(reads);
      if (!unlimitedPermit2Approvals) {
        exact = exact.withExactPermit2Approvals();
        upto = upto.withExactPermit2Approvals();
      }
      schemes.registerBothVersions(exact.scheme(), networks, exact);
      // upto exists in protocol v2 only.
      schemes.register(2, upto.scheme(), networks, upto);
    }
  }
}
