package io.x402j.evm.facilitator.internal;

import io.x402j.evm.Signer;
import java.util.TreeSet;

/**
 * The transaction nonces of one facilitator signer on one chain, allocated locally so that many
 * settlements can be in flight at once without asking the node for each. Not part of the x402j API.
 *
 * <ul>
 *   <li>{@link #allocate()} hands out the lowest released nonce, else the next one.
 *   <li>{@link #release(long)} returns a nonce whose transaction provably never reached the
 *       network, so the gap it would leave is filled by the next allocation.
 *   <li>{@link #resync(long)} adopts the node's pending count but never rewinds below a nonce still
 *       in flight (the high-water mark), since those transactions may yet be mined.
 *   <li>{@link #hold(long)} sets aside the nonce of a transaction recorded before a restart and not
 *       yet known to be mined: allocation skips it, since a new transaction with it would be
 *       refused as a replacement. {@link #unhold(long)} gives it back when that transaction will
 *       never be sent, so it cannot become a gap that stalls every later transaction.
 * </ul>
 *
 * All methods are short and synchronized; no I/O happens under the lock.
 */
public final class NonceLane {
  private final Signer signer;
  private final TreeSet<Long> released = new TreeSet<>();
  private final TreeSet<Long> inFlight = new TreeSet<>();
  private final TreeSet<Long> held = new TreeSet<>();
  private long next = -1;
  private long highestUsed = -1;
  private long resyncs;

  /** A lane for {@code signer}, not yet synced. */
  public NonceLane(Signer signer) {
    this.signer = signer;
  }

  /** The signer of this lane. */
  public Signer signer() {
    return signer;
  }

  /** Whether the lane needs the node's count before it can allocate. */
  public synchronized boolean needsSync() {
    return next < 0;
  }

  /** Sets the first nonce from the node's count, unless the lane is already synced. */
  public synchronized void initialSync(long pendingCount) {
    if (next < 0) {
      resync(pendingCount);
    }
  }

  /**
   * Adopts the node's pending transaction count, never rewinding below the high-water mark: one
   * past the highest nonce in flight or already used, since those transactions may yet be mined or
   * already are. A stale count from a lagging node therefore cannot cause reuse.
   */
  public synchronized void resync(long pendingCount) {
    long highWater = Math.max(inFlight.isEmpty() ? -1 : inFlight.last(), highestUsed);
    long adopted = Math.max(pendingCount, highWater + 1);
    if (next >= 0 && adopted != next) {
      resyncs++;
    }
    next = adopted;
    released.headSet(pendingCount).clear();
    released.tailSet(next).clear();
    held.headSet(pendingCount).clear(); // the node has those
  }

  /** How many resyncs changed the next nonce. */
  public synchronized long resyncCount() {
    return resyncs;
  }

  /**
   * Takes a nonce for a new transaction.
   *
   * @throws IllegalStateException if the lane was never synced
   */
  public synchronized long allocate() {
    if (next < 0) {
      throw new IllegalStateException("nonce lane of " + signer.address() + " is not synced");
    }
    Long reused = released.pollFirst();
    if (reused == null) {
      while (held.contains(next)) {
        next++;
      }
    }
    long nonce = reused != null ? reused : next++;
    inFlight.add(nonce);
    return nonce;
  }

  /**
   * Sets aside the nonce of a recorded transaction that may be in the node's pool or about to be
   * sent again, so that no new transaction is given it. Nonces known to be used are ignored.
   */
  public synchronized void hold(long nonce) {
    if (nonce > highestUsed && !inFlight.contains(nonce)) {
      held.add(nonce);
      released.remove(nonce);
    }
  }

  /**
   * Gives back a held nonce whose transaction will never be sent: the next allocation reuses it, so
   * that later transactions are not stuck behind it.
   */
  public synchronized void unhold(long nonce) {
    if (held.remove(nonce) && next >= 0 && nonce < next && nonce > highestUsed) {
      released.add(nonce);
    }
  }

  /**
   * Returns a nonce whose transaction never reached the network.
   *
   * @return whether a higher nonce is in flight, i.e. the release leaves a gap that blocks it until
   *     the nonce is used again
   */
  public synchronized boolean release(long nonce) {
    inFlight.remove(nonce);
    if (nonce == next - 1) {
      next--;
      while (released.remove(next - 1)) {
        next--;
      }
      return false;
    }
    released.add(nonce);
    return !inFlight.isEmpty() && inFlight.last() > nonce;
  }

  /** Marks a nonce as used: its transaction was mined, or another transaction holds it. */
  public synchronized void done(long nonce) {
    inFlight.remove(nonce); // a held nonce stays held: it is used, so still not to be given out
    highestUsed = Math.max(highestUsed, nonce);
  }

  /** How many nonces are held for transactions recorded before a restart. */
  public synchronized int heldCount() {
    return held.size();
  }

  /** How many sent transactions are not yet seen mined. */
  public synchronized int inFlightCount() {
    return inFlight.size();
  }

  /** The next fresh nonce, for tests and metrics; -1 before the first sync. */
  public synchronized long peekNext() {
    return next;
  }
}
