package io.x402j.core.scheme;

import io.x402j.core.TokenAmount;
import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.Map;
import java.util.Objects;

/**
 * A price resolved for one network: which token, how many atomic units, and the {@code extra} the
 * requirement must carry for it (for exact/EVM, the token's EIP-712 name and version).
 *
 * @param asset the token address
 * @param amount the amount in atomic units
 * @param extra the requirement's {@code extra}, or {@code null}
 */
public record AssetAmount(String asset, TokenAmount amount, Map<String, Object> extra) {
  /** Validates the fields. */
  public AssetAmount {
    Checks.nonEmpty(asset, "asset");
    Objects.requireNonNull(amount, "amount");
    extra = JsonValues.canonicalObject(extra, "extra");
  }
}
