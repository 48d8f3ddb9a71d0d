package io.x402j.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.client.internal.Hosts;
import io.x402j.core.TokenAmount;
import io.x402j.core.internal.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client has spent, for budgets: in memory, or in a file of JSON lines so that budgets
 * survive restarts. Each payment is written (and forced to disk) before it is signed; a payment
 * that could not be signed is written off again. Thread-safe.
 */
public final class SpendLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpendLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Long, Spend> spends = new LinkedHashMap<>();
  private final FileChannel file;
  private long nextId = 1;

  private SpendLog(FileChannel file) {
    this.file = file;
  }

  /** A log kept in memory only: budgets start afresh with the process. */
  public static SpendLog inMemory() {
    return new SpendLog(null);
  }

  /**
   * A log in {@code path}, created if missing; the payments already in it count against budgets.
   *
   * @throws UncheckedIOException if the file cannot be read or opened for writing
   */
  public static SpendLog open(Path path) {
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      FileChannel channel =
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      // One log, one writer: two logs on one file would each count only their own payments and
      // together spend every budget twice. A second opener is refused, in this process or another.
      java.nio.channels.FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException(
            "the spend log "
                + path
                + " is in use by another payer; concurrent payers cannot share one log, or each"
                + " would spend the whole budget");
      }
      SpendLog log = new SpendLog(channel);
      log.load(path);
      log.endTornLine(path);
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the spend log " + path, e);
    }
  }

  private void load(Path path) throws IOException {
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        JsonNode node = JSON.readTree(line);
        long id = node.path("id").asLong();
        if (node.has("cancel")) {
          spends.remove(node.path("cancel").asLong());
        } else {
          spends.put(
              id,
              new Spend(
                  Instant.parse(node.path("at").asText()),
                  canonicalHost(node.path("host").asText()),
                  node.path("url").asText(),
                  node.path("network").asText(),
                  node.path("asset").asText(),
                  TokenAmount.parse(node.path("amount").asText()),
                  node.hasNonNull("usd") ? new BigDecimal(node.path("usd").asText()) : null,
                  node.path("payTo").asText()));
        }
        nextId = Math.max(nextId, id + 1);
      } catch (IOException | RuntimeException e) {
        // A line cut short by a crash while writing; the payments before it still count.
        LOG.warn(
            "spend log {} line {} is unreadable and ignored: {}",
            path,
            i + 1,
            Text.quote(e.getMessage()));
      }
    }
  }

  /**
   * A crash while writing can leave a last line without its newline; the next payment must start a
   * line of its own, or it would be glued to the fragment and lost on the next start.
   */
  private void endTornLine(Path path) throws IOException {
    long size = file.size();
    if (size == 0) {
      return;
    }
    try (FileChannel read = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer last = ByteBuffer.allocate(1);
      read.read(last, size - 1);
      if (last.get(0) != '\n') {
        file.write(ByteBuffer.wrap(new byte[] {'\n'}));
        file.force(false);
      }
    }
  }

  /** A host as budgets compare it; a host written by an older version is read canonically. */
  private static String canonicalHost(String host) {
    try {
      return Hosts.canonical(host);
    } catch (IllegalArgumentException e) {
      return host; // not a host any budget names
    }
  }

  /** Records a payment about to be signed; returns its id, for {@link #cancel}. */
  public synchronized long record(Spend spend) {
    long id = nextId++;
    ObjectNode line = JSON.createObjectNode();
    line.put("id", id);
    line.put("at", spend.at().toString());
    line.put("host", spend.host());
    line.put("url", spend.url());
    line.put("network", spend.network());
    line.put("asset", spend.asset());
    line.put("amount", spend.amount().toString());
    if (spend.usd() != null) {
      line.put("usd", spend.usd().toPlainString());
    }
    line.put("payTo", spend.payTo());
    append(line);
    spends.put(id, spend);
    return id;
  }

  /** Writes off a payment that was recorded but never signed. */
  public synchronized void cancel(long id) {
    if (spends.remove(id) != null) {
      ObjectNode line = JSON.createObjectNode();
      line.put("id", nextId++);
      line.put("cancel", id);
      append(line);
    }
  }

  /**
   * Dollars spent since {@code since}, on {@code host} only when not {@code null} (compared in its
   * canonical form: lower case, punycode, no trailing dot).
   *
   * @throws IllegalArgumentException if {@code host} is not a host name or address
   */
  public synchronized BigDecimal usdSince(Instant since, String host) {
    String canonical = host == null ? null : Hosts.canonical(host);
    BigDecimal total = BigDecimal.ZERO;
    for (Spend s : spends.values()) {
      if (s.usd() != null
          && !s.at().isBefore(since)
          && (canonical == null || canonical.equals(s.host()))) {
        total = total.add(s.usd());
      }
    }
    return total;
  }

  /** Every payment recorded, oldest first. */
  public synchronized List<Spend> spends() {
    return List.copyOf(new ArrayList<>(spends.values()));
  }

  private void append(ObjectNode line) {
    if (file == null) {
      return;
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        file.write(bytes);
      }
      file.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the spend log", e);
    }
  }

  @Override
  public synchronized void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
