package io.x402j.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.client.internal.Hosts;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.Text;
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
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client has spent, for budgets: in memory, or in a file of JSON lines so that budgets
 * survive restarts. Each payment is written (and forced to disk) before it is signed; a payment
 * that could not be signed is written off again. An {@code upto} payment is written at its ceiling
 * before it is signed and lowered to the amount settled ({@link #charge}) when the payer has
 * confirmed the server's receipt on chain (see {@link Charge}); otherwise it keeps counting at its
 * ceiling. Thread-safe.
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
      // Read and written through this one channel only: on Linux a file lock is dropped when the
      // process closes any other descriptor of the file.
      FileChannel channel =
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        // One log, one writer: two logs on one file would each count only their own payments
        // and together spend every budget twice. A second opener is refused, in this process or
        // another.
        java.nio.channels.FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          throw new IllegalStateException(
              "the spend log "
                  + path
                  + " is in use by another payer; concurrent payers cannot share one log, or each"
                  + " would spend the whole budget");
        }
        SpendLog log = new SpendLog(channel);
        log.load(path);
        return log;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the spend log " + path, e);
    }
  }

  /**
   * Reads the payments in the file. A last line without its newline is what a crash while writing
   * leaves: that payment was never signed (it is written before signing), so the fragment is cut
   * off. Any other line that cannot be read means the file was damaged, and the log refuses to open
   * rather than forget payments (budgets must not fail open).
   */
  private void load(Path path) throws IOException {
    long size = file.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("the spend log " + path + " is too large (" + size + " bytes)");
    }
    ByteBuffer all = ByteBuffer.allocate((int) size);
    while (all.hasRemaining() && file.read(all, all.position()) >= 0) {
      // read until full
    }
    byte[] bytes = all.array();
    int end = bytes.length;
    int lastNewline = end - 1;
    while (lastNewline >= 0 && bytes[lastNewline] != '\n') {
      lastNewline--;
    }
    if (lastNewline < end - 1) {
      LOG.warn(
          "spend log {} ends in a line cut short by a crash ({} bytes); it is removed",
          path,
          end - 1 - lastNewline);
      file.truncate(lastNewline + 1);
      file.force(false);
      end = lastNewline + 1;
    }
    java.nio.charset.CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    int start = 0;
    int number = 0;
    while (start < end) {
      int stop = start;
      while (bytes[stop] != '\n') {
        stop++;
      }
      number++;
      String line;
      try {
        line = utf8.decode(ByteBuffer.wrap(bytes, start, stop - start)).toString().strip();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new IOException("spend log " + path + " line " + number + " is not UTF-8", e);
      }
      start = stop + 1;
      if (line.isEmpty()) {
        continue;
      }
      try {
        read(line);
      } catch (IOException | RuntimeException e) {
        throw new IOException(
            "spend log "
                + path
                + " line "
                + number
                + " cannot be read ("
                + Text.quote(e.getMessage())
                + "); repair or move the file, budgets cannot be kept without it",
            e);
      }
    }
    file.position(end);
  }

  private void read(String line) throws IOException {
    JsonNode node = JSON.readTree(line);
    long id = node.path("id").asLong();
    if (node.has("cancel")) {
      spends.remove(node.path("cancel").asLong());
    } else if (node.has("charge")) {
      long of = node.path("charge").asLong();
      Spend spend = spends.get(of);
      if (spend != null) {
        spends.put(
            of,
            spend.charged(
                TokenAmount.parse(node.path("amount").asText()),
                node.hasNonNull("usd") ? new BigDecimal(node.path("usd").asText()) : null));
      }
    } else {
      TokenAmount amount = TokenAmount.parse(node.path("amount").asText());
      spends.put(
          id,
          new Spend(
              Instant.parse(node.path("at").asText()),
              canonicalHost(node.path("host").asText()),
              node.path("url").asText(),
              node.path("network").asText(),
              node.path("asset").asText(),
              amount,
              node.hasNonNull("usd") ? new BigDecimal(node.path("usd").asText()) : null,
              node.path("payTo").asText(),
              node.hasNonNull("ceiling")
                  ? TokenAmount.parse(node.path("ceiling").asText())
                  : amount));
    }
    nextId = Math.max(nextId, id + 1);
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
    if (!spend.ceiling().equals(spend.amount())) {
      line.put("ceiling", spend.ceiling().toString());
    }
    append(line);
    spends.put(id, spend);
    return id;
  }

  /**
   * Lowers a recorded payment to what was actually charged: the settled amount of an {@code upto}
   * payment recorded at its ceiling. Budgets count {@code amount} from then on.
   *
   * @param id the id {@link #record} returned
   * @param amount the amount charged, in atomic units
   * @param usd its value in US dollars, or {@code null} when the token is not a USD stablecoin
   * @return the spend as it now counts, or empty when {@code id} is not recorded (written off)
   * @throws IllegalArgumentException if {@code amount} is more than the recorded amount: a record
   *     is never raised, so no answer from a server can spend more than was reserved
   */
  public synchronized Optional<Spend> charge(long id, TokenAmount amount, BigDecimal usd) {
    Objects.requireNonNull(amount, "amount");
    Spend spend = spends.get(id);
    if (spend == null) {
      return Optional.empty();
    }
    if (amount.compareTo(spend.amount()) > 0) {
      throw new IllegalArgumentException(
          "a charge of "
              + amount
              + " exceeds the "
              + spend.amount()
              + " recorded for payment "
              + id);
    }
    if (amount.equals(spend.amount())) {
      return Optional.of(spend);
    }
    Spend charged = spend.charged(amount, usd);
    ObjectNode line = JSON.createObjectNode();
    line.put("id", nextId++);
    line.put("charge", id);
    line.put("amount", amount.toString());
    if (usd != null) {
      line.put("usd", usd.toPlainString());
    }
    append(line);
    spends.put(id, charged);
    return Optional.of(charged);
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
