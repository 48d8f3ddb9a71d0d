package io.x402j.facilitator;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link PaymentScreen} that refuses payments from or to the addresses listed in a file: one
 * address per line, {@code #} starts a comment, letter case ignored. The file is read again when it
 * changes (checked at most once a second), so operators can edit it without a restart. Payers are
 * refused with {@code payer_denied}, recipients with {@code recipient_denied}.
 */
public final class DenylistScreen implements PaymentScreen {
  private final Path file;
  private volatile Set<String> denied;
  private volatile FileTime loadedAt;
  private volatile long checkedAtMillis;

  private DenylistScreen(Path file) {
    this.file = file;
    reload();
  }

  /**
   * Reads the denylist in {@code file}.
   *
   * @throws UncheckedIOException if it cannot be read
   * @throws IllegalArgumentException naming the line of an entry that is not an address
   */
  public static DenylistScreen fromFile(Path file) {
    return new DenylistScreen(file);
  }

  private synchronized void reload() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      Set<String> entries = new HashSet<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        int comment = line.indexOf('#');
        String entry = (comment >= 0 ? line.substring(0, comment) : line).strip();
        if (entry.isEmpty()) {
          continue;
        }
        if (!EvmAddress.isValid(entry.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException(
              "denylist " + file + " line " + (i + 1) + " is not an address: " + entry);
        }
        entries.add(entry.toLowerCase(Locale.ROOT));
      }
      denied = Set.copyOf(entries);
      loadedAt = modified;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the denylist " + file, e);
    }
  }

  private void refreshIfChanged() {
    long now = System.currentTimeMillis();
    if (now - checkedAtMillis < 1000) {
      return;
    }
    checkedAtMillis = now;
    try {
      if (!Files.getLastModifiedTime(file).equals(loadedAt)) {
        reload();
      }
    } catch (IOException | RuntimeException e) {
      // Keep the last good list: a half-written or vanished file must not open the gate.
    }
  }

  /** How many addresses are listed. */
  public int size() {
    return denied.size();
  }

  @Override
  public Optional<Refusal> screen(Network network, String payer, String payTo) {
    refreshIfChanged();
    Set<String> list = denied;
    if (payer != null && list.contains(payer.toLowerCase(Locale.ROOT))) {
      return Optional.of(
          new Refusal(ErrorReason.PAYER_DENIED, "payer " + payer + " is on the denylist"));
    }
    if (payTo != null && list.contains(payTo.toLowerCase(Locale.ROOT))) {
      return Optional.of(
          new Refusal(ErrorReason.RECIPIENT_DENIED, "recipient " + payTo + " is on the denylist"));
    }
    return Optional.empty();
  }
}
