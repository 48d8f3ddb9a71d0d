package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.evm.PrivateKeySigner;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NonceLaneTest {
  private final NonceLane lane = new NonceLane(PrivateKeySigner.generate(new SecureRandom()));

  @Test
  void refusesToAllocateBeforeTheFirstSync() {
    assertThat(lane.needsSync()).isTrue();
    assertThatThrownBy(lane::allocate).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void allocatesContiguouslyFromTheNodesCount() {
    lane.resync(7);
    assertThat(lane.allocate()).isEqualTo(7);
    assertThat(lane.allocate()).isEqualTo(8);
    assertThat(lane.allocate()).isEqualTo(9);
    assertThat(lane.inFlightCount()).isEqualTo(3);
  }

  @Test
  void releasingTheLatestNonceRewinds() {
    lane.resync(0);
    lane.allocate();
    long second = lane.allocate();
    assertThat(lane.release(second)).as("no gap behind it").isFalse();
    assertThat(lane.allocate()).isEqualTo(second);
  }

  @Test
  void releasingAMiddleNonceReportsTheGapAndReusesItFirst() {
    lane.resync(0);
    long a = lane.allocate();
    long b = lane.allocate();
    long c = lane.allocate();
    assertThat(lane.release(b)).as("c waits behind b").isTrue();
    assertThat(lane.allocate()).isEqualTo(b);
    assertThat(lane.allocate()).isEqualTo(c + 1);
    assertThat(a).isZero();
  }

  @Test
  void resyncNeverRewindsBelowTransactionsInFlight() {
    lane.resync(10);
    lane.allocate(); // 10
    lane.allocate(); // 11
    lane.allocate(); // 12, in flight
    // A lagging node reports only 10 pending: the lane keeps 13 as the next nonce.
    lane.resync(10);
    assertThat(lane.peekNext()).isEqualTo(13);
    // Once everything is mined the node's count wins, forward or back.
    lane.done(10);
    lane.done(11);
    lane.done(12);
    lane.resync(13);
    assertThat(lane.allocate()).isEqualTo(13);
  }

  @Test
  void aStaleCountCannotRewindBelowMinedNonces() {
    lane.initialSync(3);
    lane.allocate(); // 3
    lane.allocate(); // 4
    lane.done(3);
    lane.done(4); // both mined, nothing in flight
    lane.initialSync(3); // a late answer to an early query: ignored, the lane is synced
    assertThat(lane.peekNext()).isEqualTo(5);
    lane.resync(3); // even an explicit resync with a stale count keeps mined nonces used
    assertThat(lane.allocate()).isEqualTo(5);
    assertThat(lane.resyncCount()).isZero();
  }

  @Test
  void resyncDropsReleasedNoncesTheChainHasPassed() {
    lane.resync(0);
    lane.allocate(); // 0
    long one = lane.allocate(); // 1
    lane.allocate(); // 2
    lane.release(one);
    lane.done(0);
    lane.done(2);
    lane.resync(5); // someone else used 1..4
    assertThat(lane.allocate()).isEqualTo(5);
    assertThat(lane.resyncCount()).isEqualTo(1);
  }

  // After a restart the node's count may not include every transaction the ledger recorded (some
  // wait in its pool behind others, some are about to be sent again): new transactions must not
  // be given their nonces, or they are refused as replacements until the settlement gives up.
  @Test
  void heldNoncesOfRecordedTransactionsAreSkipped() {
    lane.hold(11);
    lane.hold(12);
    lane.hold(14);
    lane.resync(10);
    assertThat(lane.allocate()).isEqualTo(10);
    assertThat(lane.allocate()).isEqualTo(13);
    assertThat(lane.allocate()).isEqualTo(15);
  }

  @Test
  void aHeldNonceWhoseTransactionWillNeverBeSentIsGivenBack() {
    lane.hold(11);
    lane.resync(10);
    assertThat(lane.allocate()).isEqualTo(10);
    assertThat(lane.allocate()).isEqualTo(12);
    // The recorded transaction with 11 turned out unsendable: 11 must be used, or 12 waits forever.
    lane.unhold(11);
    assertThat(lane.allocate()).isEqualTo(11);
    assertThat(lane.allocate()).isEqualTo(13);
  }

  @Test
  void heldNoncesTheChainHasPassedAreForgotten() {
    lane.hold(3);
    lane.hold(8);
    lane.resync(5); // 3 is mined or pending at the node; 8 is not yet
    lane.done(8);
    assertThat(lane.allocate()).isEqualTo(5);
    assertThat(lane.allocate()).isEqualTo(6);
    assertThat(lane.allocate()).isEqualTo(7);
    assertThat(lane.allocate()).as("8 is used now, and the lane never reuses it").isEqualTo(9);
    lane.hold(2);
    lane.unhold(2);
    assertThat(lane.allocate())
        .as("a nonce below the chain's count is never given back")
        .isEqualTo(10);
  }
}
