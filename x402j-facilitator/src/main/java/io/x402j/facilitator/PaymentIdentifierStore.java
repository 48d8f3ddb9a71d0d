package io.x402j.facilitator;

import io.x402j.core.extensions.PaymentIdentifier;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a facilitator keeps the {@code payment-identifier} ids of the payments it settles: each id
 * bound, under the payer that used it, to the fingerprint of the payment whose settlement it was
 * first used with, until a time (a binding whose settlement failed before broadcast is released).
 * Verifying a payment only reads it ({@link #find}). Binding is atomic across everything sharing
 * the store, so of two different payments racing for one payer's id exactly one gets it. Ids are
 * compared exactly (case-sensitive, as the specification's pattern is). {@link #inMemory()} serves
 * one process; {@link JdbcSettlementLedger#paymentIdentifiers()} keeps them in the ledger's
 * database (SQLite or a PostgreSQL shared by several instances). Implementations are thread-safe;
 * methods may block.
 */
public interface PaymentIdentifierStore {
  /** The longest payer scope a store keeps. */
  int MAX_SCOPE_LENGTH = 200;

  /** The length of a fingerprint: a SHA-256 digest as 64 lower-case hex digits. */
  int FINGERPRINT_LENGTH = 64;

  /**
   * The binding in force for a (payer, id) after {@link #bind}.
   *
   * @param fingerprint the fingerprint of the payment the id is bound to
   * @param expiresAt when the binding lapses
   * @param created whether this call made it (the id was free, or its binding had lapsed)
   */
  record Binding(String fingerprint, Instant expiresAt, boolean created) {
    /** Validates the fields. */
    public Binding {
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * Binds {@code id} under {@code scope} to {@code fingerprint} until {@code expiresAt}, unless a
   * binding that has not lapsed at {@code now} exists; atomically.
   *
   * @param scope the payer the id belongs to: its chain namespace and canonical address, 1 to
   *     {@value #MAX_SCOPE_LENGTH} characters
   * @param fingerprint {@value #FINGERPRINT_LENGTH} lower-case hex digits
   * @return the binding in force afterwards: the new one, or the one that was there
   */
  Binding bind(
      String scope, PaymentIdentifier id, String fingerprint, Instant expiresAt, Instant now);

  /** The binding of {@code id} under {@code scope} in force at {@code now}, if there is one. */
  Optional<Binding> find(String scope, PaymentIdentifier id, Instant now);

  /**
   * Removes the binding of {@code id} under {@code scope} if it is still exactly {@code binding}
   * (same fingerprint and expiry): a binding made for a settlement that then failed, so that the
   * payer may use the id for another payment. A binding replaced meanwhile is left alone.
   *
   * @return whether a binding was removed
   */
  boolean release(String scope, PaymentIdentifier id, Binding binding);

  /** Whether {@code id} is bound to {@code fingerprint} under any payer, and not lapsed at now. */
  boolean isBound(PaymentIdentifier id, String fingerprint, Instant now);

  /**
   * Whether {@code id} is bound to {@code fingerprint} under any payer at {@code now}, as {@link
   * #isBound} says, and if so marks each such binding as relied on by one more settlement: its
   * expiry moves one millisecond later, so a {@link #release} of the binding as an earlier, failed
   * settlement made it leaves it alone. A settlement going ahead on an id already bound to its
   * payment calls this before it settles, so the release of a failed settlement of the same payment
   * never frees an id that a retry is settling under.
   */
  boolean renew(PaymentIdentifier id, String fingerprint, Instant now);

  /** Forgets bindings lapsed at {@code now}; returns how many. */
  int purgeExpired(Instant now);

  /** A store in this process's memory, forgetting lapsed bindings as it goes. */
  static PaymentIdentifierStore inMemory() {
    return new InMemory();
  }

  /** Checks the arguments of {@link #bind}. */
  static void checkBinding(String scope, PaymentIdentifier id, String fingerprint) {
    Objects.requireNonNull(id, "id");
    if (scope == null || scope.isEmpty() || scope.length() > MAX_SCOPE_LENGTH) {
      throw new IllegalArgumentException(
          "a payer scope must be 1 to " + MAX_SCOPE_LENGTH + " characters");
    }
    if (fingerprint == null
        || fingerprint.length() != FINGERPRINT_LENGTH
        || !fingerprint.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException(
          "a fingerprint must be " + FINGERPRINT_LENGTH + " lower-case hex digits");
    }
  }

  /** The in-memory store. */
  final class InMemory implements PaymentIdentifierStore {
    private record Key(String scope, String id) {}

    private record Use(String id, String fingerprint) {}

    private final Map<Key, Binding> bindings = new ConcurrentHashMap<>();
    // For isBound: the latest expiry of the bindings of each (id, fingerprint).
    private final Map<Use, Instant> uses = new ConcurrentHashMap<>();
    // For renew: the scopes that bound each (id, fingerprint) (a superset; checked on use).
    private final Map<Use, Set<String>> scopes = new ConcurrentHashMap<>();
    private final AtomicInteger binds = new AtomicInteger();

    private InMemory() {}

    @Override
    public Binding bind(
        String scope, PaymentIdentifier id, String fingerprint, Instant expiresAt, Instant now) {
      checkBinding(scope, id, fingerprint);
      Objects.requireNonNull(expiresAt, "expiresAt");
      Objects.requireNonNull(now, "now");
      if ((binds.incrementAndGet() & 1023) == 0) {
        purgeExpired(now);
      }
      Binding[] result = new Binding[1];
      bindings.compute(
          new Key(scope, id.value()),
          (key, existing) -> {
            if (existing != null && existing.expiresAt().isAfter(now)) {
              result[0] = new Binding(existing.fingerprint(), existing.expiresAt(), false);
              return existing;
            }
            result[0] = new Binding(fingerprint, expiresAt, true);
            Use use = new Use(id.value(), fingerprint);
            uses.merge(use, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
            scopes.computeIfAbsent(use, u -> ConcurrentHashMap.newKeySet()).add(scope);
            return result[0];
          });
      return result[0];
    }

    @Override
    public Optional<Binding> find(String scope, PaymentIdentifier id, Instant now) {
      Objects.requireNonNull(now, "now");
      Binding binding = bindings.get(new Key(scope, id.value()));
      return binding == null || !binding.expiresAt().isAfter(now)
          ? Optional.empty()
          : Optional.of(new Binding(binding.fingerprint(), binding.expiresAt(), false));
    }

    @Override
    public boolean release(String scope, PaymentIdentifier id, Binding binding) {
      Objects.requireNonNull(binding, "binding");
      boolean[] removed = new boolean[1];
      bindings.computeIfPresent(
          new Key(scope, id.value()),
          (key, existing) -> {
            if (!existing.fingerprint().equals(binding.fingerprint())
                || !existing.expiresAt().equals(binding.expiresAt())) {
              return existing;
            }
            removed[0] = true;
            Use use = new Use(id.value(), binding.fingerprint());
            uses.computeIfPresent(
                use, (u, until) -> until.equals(binding.expiresAt()) ? null : until);
            scopes.computeIfPresent(
                use,
                (u, bound) -> {
                  bound.remove(scope);
                  return bound.isEmpty() ? null : bound;
                });
            return null;
          });
      return removed[0];
    }

    @Override
    public boolean isBound(PaymentIdentifier id, String fingerprint, Instant now) {
      Instant until = uses.get(new Use(id.value(), fingerprint));
      return until != null && until.isAfter(now);
    }

    @Override
    public boolean renew(PaymentIdentifier id, String fingerprint, Instant now) {
      Objects.requireNonNull(now, "now");
      Set<String> bound = scopes.getOrDefault(new Use(id.value(), fingerprint), Set.of());
      boolean renewed = false;
      for (String scope : bound) {
        boolean[] found = new boolean[1];
        bindings.computeIfPresent(
            new Key(scope, id.value()),
            (key, existing) -> {
              if (!existing.fingerprint().equals(fingerprint)
                  || !existing.expiresAt().isAfter(now)) {
                return existing;
              }
              found[0] = true;
              Binding later =
                  new Binding(fingerprint, existing.expiresAt().plusMillis(1), existing.created());
              uses.merge(
                  new Use(id.value(), fingerprint),
                  later.expiresAt(),
                  (a, b) -> a.isAfter(b) ? a : b);
              return later;
            });
        renewed |= found[0];
      }
      return renewed;
    }

    @Override
    public int purgeExpired(Instant now) {
      int removed = 0;
      for (Iterator<Binding> it = bindings.values().iterator(); it.hasNext(); ) {
        if (!it.next().expiresAt().isAfter(now)) {
          it.remove();
          removed++;
        }
      }
      uses.values().removeIf(until -> !until.isAfter(now));
      scopes.keySet().removeIf(use -> !uses.containsKey(use));
      return removed;
    }
  }
}
