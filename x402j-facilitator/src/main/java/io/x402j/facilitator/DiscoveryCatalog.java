package io.x402j.facilitator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.facilitator.internal.BazaarExtraction;
import io.x402j.facilitator.internal.CatalogStore;
import io.x402j.facilitator.internal.SearchTerms;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bazaar discovery catalog of this facilitator: what paying clients echo of a resource server's
 * {@code bazaar} declaration, validated, kept in the facilitator's database and served by {@code
 * GET /discovery/resources} and {@code GET /discovery/search}.
 *
 * <p>Only a settled payment is catalogued: a verification moves no money, so it neither creates an
 * entry nor keeps one listed. Cataloguing runs on one worker thread of its own with a bounded
 * queue, after the settlement's answer is known, so it can neither fail nor change it; the HTTP API
 * waits for it at most {@link Settings#answerWait()} before answering {@code processing} on the
 * {@code EXTENSION-RESPONSES} side channel. Everything an untrusted declaration can make the
 * catalog do is bounded: see {@code BoundedSchemaValidator} for the schema rules, and {@link
 * Settings} for the entry limits. Entries are keyed by resource (origin + route template or path;
 * for MCP also the tool) and recipient; an entry not paid for within {@link Settings#ttl()} is no
 * longer listed. Thread-safe.
 */
public final class DiscoveryCatalog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryCatalog.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The HTTP header of the side channel. */
  public static final String EXTENSION_RESPONSES = "EXTENSION-RESPONSES";

  private final CatalogStore store;
  private final BazaarExtraction extraction = new BazaarExtraction();
  private final Settings settings;
  private final Clock clock;
  private final ThreadPoolExecutor worker;

  /**
   * How the catalog behaves.
   *
   * @param ttl how long an entry stays listed after its last payment
   * @param maxEntries the most live entries; new ones are refused beyond it
   * @param maxEntriesPerPayer the most live entries one payer may have created
   * @param answerWait how long a settle answer waits for cataloguing before saying {@code
   *     processing} ({@code 0} to {@link #MAX_ANSWER_WAIT}; {@code --discovery-wait}, {@code
   *     discovery.answerWait})
   */
  public record Settings(
      Duration ttl, long maxEntries, long maxEntriesPerPayer, Duration answerWait) {
    /** The longest answer wait: a verify or settle answer is never held longer for the catalog. */
    public static final Duration MAX_ANSWER_WAIT = Duration.ofSeconds(30);

    /** The longest ttl, ten years (as {@code --discovery-ttl} allows). */
    public static final Duration MAX_TTL = io.x402j.config.ValueParser.MAX_DURATION;

    /** 30 days, a million entries, 100 per payer, 100 ms. */
    public static final Settings DEFAULT =
        new Settings(Duration.ofDays(30), 1_000_000, 100, Duration.ofMillis(100));

    /** Validates the settings. */
    public Settings {
      Objects.requireNonNull(ttl, "ttl");
      Objects.requireNonNull(answerWait, "answerWait");
      if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
        // Beyond the bound, "now minus ttl" would leave the range of an Instant on every read.
        throw new IllegalArgumentException(
            "discovery ttl must be positive and at most " + MAX_TTL.toDays() + " days, got " + ttl);
      }
      if (answerWait.isNegative() || answerWait.compareTo(MAX_ANSWER_WAIT) > 0) {
        throw new IllegalArgumentException(
            "discovery answerWait must be 0 to "
                + MAX_ANSWER_WAIT.toSeconds()
                + " s, got "
                + answerWait);
      }
      if (maxEntries < 1 || maxEntriesPerPayer < 1) {
        throw new IllegalArgumentException("discovery entry limits must be at least 1");
      }
    }

    /** These settings with another time to live. */
    public Settings withTtl(Duration ttl) {
      return new Settings(ttl, maxEntries, maxEntriesPerPayer, answerWait);
    }

    /** These settings with another answer wait. */
    public Settings withAnswerWait(Duration answerWait) {
      return new Settings(ttl, maxEntries, maxEntriesPerPayer, answerWait);
    }

    /** These settings with other entry limits. */
    public Settings withLimits(long maxEntries, long maxEntriesPerPayer) {
      return new Settings(ttl, maxEntries, maxEntriesPerPayer, answerWait);
    }
  }

  /**
   * What cataloguing a payment's declaration came to, as the {@code bazaar} entry of the {@code
   * EXTENSION-RESPONSES} side channel.
   *
   * @param status {@code success}, {@code processing} or {@code rejected}
   * @param rejectedReason why it was rejected (printable ASCII), else {@code null}
   */
  public record Status(String status, String rejectedReason) {
    /** Catalogued. */
    public static final Status SUCCESS = new Status("success", null);

    /** Accepted, still being catalogued. */
    public static final Status PROCESSING = new Status("processing", null);

    /** Rejected for {@code reason}. */
    public static Status rejected(String reason) {
      return new Status("rejected", reason);
    }

    /** The header value: base64 of {@code {"bazaar":{"status":…,"rejectedReason"?:…}}}. */
    public String headerValue() {
      ObjectNode root = MAPPER.createObjectNode();
      ObjectNode bazaar = root.putObject(BazaarExtraction.KEY);
      bazaar.put("status", status);
      if (rejectedReason != null) {
        bazaar.put("rejectedReason", rejectedReason);
      }
      return Base64.getEncoder().encodeToString(root.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Filters of the discovery endpoints; {@code null} means any. */
  public record Filter(String type, String payTo, String scheme, String network, String extension) {
    /** No filter. */
    public static final Filter NONE = new Filter(null, null, null, null, null);
  }

  private DiscoveryCatalog(CatalogStore store, Settings settings, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.worker =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1024),
            r -> {
              // A deep stack: validation recursion is bounded, but generously.
              Thread t = new Thread(null, r, "x402j-discovery-catalog", 16L * 1024 * 1024);
              t.setDaemon(true);
              return t;
            });
  }

  /** A catalog in {@code ledger}'s database (migrated with it), timed by {@code clock}. */
  public static DiscoveryCatalog open(JdbcSettlementLedger ledger, Settings settings, Clock clock) {
    return new DiscoveryCatalog(
        new CatalogStore(ledger.dataSource()),
        Objects.requireNonNull(settings, "settings"),
        Objects.requireNonNull(clock, "clock"));
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** Whether {@code request} carries a bazaar declaration (no validation). */
  public static boolean declares(FacilitatorRequest request) {
    return BazaarExtraction.declares(request);
  }

  /**
   * Catalogs the declaration of a payment that settled, paid by {@code payer} (its canonical form,
   * as the scheme reported it). Never fails: a bad declaration or a storage failure completes with
   * {@code rejected}.
   *
   * @param networks the networks of the facilitator that settled the payment ({@link
   *     FacilitatorService#networks()}): a protocol v1 payment names its network by v1 name, and
   *     the catalog resolves it as the settlement did, including networks the facilitator was
   *     configured with beyond the public ones
   */
  public CompletableFuture<Status> offer(
      FacilitatorRequest request, String payer, NetworkRegistry networks) {
    Objects.requireNonNull(networks, "networks");
    CompletableFuture<Status> result = new CompletableFuture<>();
    try {
      worker.execute(() -> result.complete(catalog(request, payer == null ? "" : payer, networks)));
    } catch (RejectedExecutionException e) {
      result.complete(Status.rejected("the catalog is busy; a later payment will catalog it"));
    }
    return result;
  }

  private Status catalog(FacilitatorRequest request, String payer, NetworkRegistry networks) {
    try {
      BazaarExtraction.Outcome outcome = extraction.extract(request, networks);
      if (outcome instanceof BazaarExtraction.Rejected rejected) {
        LOG.debug("bazaar declaration rejected: {}", rejected.reason());
        return Status.rejected(rejected.reason());
      }
      if (!(outcome instanceof BazaarExtraction.Declared declared)) {
        return Status.rejected("the payment carries no bazaar declaration");
      }
      Instant now = clock.instant();
      CatalogStore.Stored stored =
          store.upsert(
              declared.entry(),
              SearchTerms.of(declared.entry()),
              payer.length() > 128 ? payer.substring(0, 128) : payer,
              now,
              now.minus(settings.ttl()),
              settings.maxEntries(),
              settings.maxEntriesPerPayer());
      if (stored.refusal().isPresent()) {
        return Status.rejected(stored.refusal().get());
      }
      return Status.SUCCESS;
    } catch (SQLException | RuntimeException e) {
      LOG.warn("cataloguing failed: {}", e.toString());
      return Status.rejected("the catalog could not store it");
    } catch (StackOverflowError e) {
      return Status.rejected("the bazaar declaration is too deeply nested");
    }
  }

  /**
   * {@code GET /discovery/resources}: {@code {x402Version, items, pagination{limit, offset,
   * total}}}, live entries newest payment first.
   */
  public ObjectNode list(Filter filter, int limit, int offset) throws SQLException {
    CatalogStore.Page page = store.list(storeFilter(filter), cutoff(), limit, offset);
    ObjectNode root = MAPPER.createObjectNode();
    root.put("x402Version", 2);
    root.putArray("items").addAll(page.items());
    ObjectNode pagination = root.putObject("pagination");
    pagination.put("limit", limit);
    pagination.put("offset", offset);
    pagination.put("total", page.total());
    return root;
  }

  /**
   * {@code GET /discovery/search}: {@code {x402Version, resources, pagination{limit, cursor}}},
   * best matches first; {@code cursor} ({@code null} for the first page) is a cursor a previous
   * page gave, and the page resumes strictly after the entry it ended with. Entries added or paid
   * for again while a client pages rank above where it is, so the pages it has not read yet neither
   * repeat nor skip the others.
   *
   * @throws IllegalArgumentException when {@code cursor} is not a cursor of this catalog
   */
  public ObjectNode search(String query, Filter filter, int limit, String cursor)
      throws SQLException {
    CatalogStore.Position after = null;
    if (cursor != null && !cursor.isEmpty()) {
      after =
          positionOf(cursor)
              .orElseThrow(() -> new IllegalArgumentException("not a cursor of this catalog"));
    }
    List<String> terms = SearchTerms.words(query, SearchTerms.MAX_QUERY_TERMS);
    CatalogStore.Found found =
        terms.isEmpty()
            ? new CatalogStore.Found(List.of(), List.of())
            : store.search(terms, storeFilter(filter), cutoff(), limit, after);
    List<ObjectNode> items = found.items();
    ObjectNode root = MAPPER.createObjectNode();
    root.put("x402Version", 2);
    root.putArray("resources").addAll(items.subList(0, Math.min(limit, items.size())));
    ObjectNode pagination = root.putObject("pagination");
    pagination.put("limit", limit);
    if (items.size() > limit) {
      pagination.put("cursor", cursorOf(found.positions().get(limit - 1)));
    } else {
      pagination.putNull("cursor");
    }
    return root;
  }

  /** The version byte of the cursor format. */
  private static final byte CURSOR_VERSION = 1;

  /** Version, words matched, score (8 bytes), time (8 bytes), id length: before the id. */
  private static final int CURSOR_HEAD = 19;

  /** The longest cursor: its head and the longest id, in unpadded base64url. */
  private static final int MAX_CURSOR_CHARS =
      ((CURSOR_HEAD + CatalogStore.Position.MAX_ID) * 8 + 5) / 6;

  /**
   * The opaque cursor resuming after {@code position}: unpadded base64url of a version byte, the
   * number of words matched, the score and the time (8 bytes each, big-endian), the id's length and
   * the id (ASCII).
   */
  private static String cursorOf(CatalogStore.Position position) {
    byte[] id = position.id().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer bytes = ByteBuffer.allocate(CURSOR_HEAD + id.length);
    bytes.put(CURSOR_VERSION);
    bytes.put((byte) position.matched());
    bytes.putLong(position.score());
    bytes.putLong(position.seen());
    bytes.put((byte) id.length);
    bytes.put(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /** Whether {@code cursor} is a cursor this catalog could have given (no database access). */
  public static boolean isCursor(String cursor) {
    return positionOf(cursor).isPresent();
  }

  /**
   * The position a cursor resumes after, or empty for text that is no cursor of this catalog: at
   * most {@link #MAX_CURSOR_CHARS} characters of canonical unpadded base64url, the known version,
   * the id exactly as long as it says, and every field in range.
   */
  private static Optional<CatalogStore.Position> positionOf(String cursor) {
    if (cursor == null || cursor.isEmpty() || cursor.length() > MAX_CURSOR_CHARS) {
      return Optional.empty();
    }
    try {
      byte[] raw = Base64.getUrlDecoder().decode(cursor);
      if (raw.length <= CURSOR_HEAD
          || raw[0] != CURSOR_VERSION
          || raw[CURSOR_HEAD - 1] != raw.length - CURSOR_HEAD
          || !Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(cursor)) {
        return Optional.empty();
      }
      ByteBuffer bytes = ByteBuffer.wrap(raw, 2, 16);
      long score = bytes.getLong();
      long seen = bytes.getLong();
      String id = new String(raw, CURSOR_HEAD, raw.length - CURSOR_HEAD, StandardCharsets.US_ASCII);
      return Optional.of(new CatalogStore.Position(raw[1], score, seen, id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Deletes the rows of entries that expired; returns how many. */
  public int purgeExpired() throws SQLException {
    return store.purge(cutoff());
  }

  private Instant cutoff() {
    return clock.instant().minus(settings.ttl());
  }

  private static CatalogStore.Filter storeFilter(Filter filter) {
    return new CatalogStore.Filter(
        filter.type(), filter.payTo(), filter.scheme(), filter.network(), filter.extension());
  }

  /** Runs {@code task} on the catalog's worker, after what is queued (for tests). */
  void onWorker(Runnable task) {
    worker.execute(task);
  }

  /** Stops the worker; declarations still queued are dropped. */
  @Override
  public void close() {
    worker.shutdownNow();
  }
}
