package io.x402j.facilitator;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.support.Text;
import io.x402j.evm.EvmAddress;
import io.x402j.facilitator.internal.Payers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link PaymentScreen} that refuses payments from or to the EVM addresses listed in a file: one
 * address per line, {@code #} starts a comment, letter case ignored. The file is read again when it
 * changes (checked at most once a second), so operators can edit it without a restart. Payers are
 * refused with {@code payer_denied}, recipients with {@code recipient_denied}.
 *
 * <p>Addresses are compared parsed, never as text: every spelling of a listed account is refused,
 * and on an EVM network a payer or recipient that is not an address at all is refused as invalid
 * ({@code invalid_payload}, {@code invalid_payment_requirements}) rather than let through as "not
 * listed". Other networks are not screened by this list.
 */
public final class DenylistScreen implements PaymentScreen {
  private final Path file;
  private final Clock clock;
  private volatile Set<EvmAddress> denied;
  private volatile FileTime loadedAt;
  private volatile long checkedAtMillis;

  private DenylistScreen(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    reload();
  }

  /**
   * Reads the denylist in {@code file}.
   *
   * @throws UncheckedIOException if it cannot be read
   * @throws IllegalArgumentException naming the line of an entry that is not an address
   */
  public static DenylistScreen fromFile(Path file) {
    return fromFile(file, Clock.systemUTC());
  }

  /** As {@link #fromFile(Path)}, with the clock that paces the checks for a changed file. */
  static DenylistScreen fromFile(Path file, Clock clock) {
    return new DenylistScreen(file, clock);
  }

  private synchronized void reload() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      Set<EvmAddress> entries = new HashSet<>();
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
        entries.add(EvmAddress.parse(entry.toLowerCase(Locale.ROOT)));
      }
      denied = Set.copyOf(entries);
      loadedAt = modified;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the denylist " + file, e);
    }
  }

  private void refreshIfChanged() {
    long now = clock.millis();
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
    if (!network.isEvm()) {
      return Optional.empty();
    }
    refreshIfChanged();
    Set<EvmAddress> list = denied;
    if (payer != null) {
      EvmAddress from = Payers.parse(payer);
      if (from == null) {
        return Optional.of(
            new Refusal(
                ErrorReason.INVALID_PAYLOAD,
                "payer " + Text.quote(payer) + " is not an address, so it cannot be screened"));
      }
      if (list.contains(from)) {
        return Optional.of(
            new Refusal(ErrorReason.PAYER_DENIED, "payer " + from + " is on the denylist"));
      }
    }
    if (payTo != null) {
      EvmAddress to = Payers.parse(payTo);
      if (to == null) {
        return Optional.of(
            new Refusal(
                ErrorReason.INVALID_PAYMENT_REQUIREMENTS,
                "recipient " + Text.quote(payTo) + " is not an address, so it cannot be screened"));
      }
      if (list.contains(to)) {
        return Optional.of(
            new Refusal(ErrorReason.RECIPIENT_DENIED, "recipient " + to + " is on the denylist"));
      }
    }
    return Optional.empty();
  }
}
