package io.x402j.svm;

import io.x402j.core.support.Base58;
import java.util.Objects;

/**
 * A recent blockhash and the last block height at which a transaction using it is valid, as {@code
 * getLatestBlockhash} returns them.
 *
 * @param blockhash base58 of 32 bytes (checked)
 * @param lastValidBlockHeight the last valid block height
 */
public record RecentBlockhash(String blockhash, long lastValidBlockHeight) {
  /** Checks the blockhash is base58 of 32 bytes and the height is not negative. */
  public RecentBlockhash {
    Objects.requireNonNull(blockhash, "blockhash");
    Base58.decode(blockhash, 32, "blockhash");
    if (lastValidBlockHeight < 0) {
      throw new IllegalArgumentException("lastValidBlockHeight must not be negative");
    }
  }

  /** The blockhash's 32 bytes. */
  public byte[] bytes() {
    return Base58.decode(blockhash, 32, "blockhash");
  }
}
