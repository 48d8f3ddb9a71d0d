package io.x402j.evm.facilitator.internal;

import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.evm.Erc8021;
import java.util.Arrays;

/**
 * The facilitator's side of {@code builder-code}: the ERC-8021 suffix a settlement's calldata ends
 * with, from the payment's echoed {@code a} and {@code s} (as {@link BuilderCode#forSettlement}
 * reads them: invalid codes dropped, {@code s} capped) and this facilitator's own wallet code
 * {@code w} and service code. Contracts ignore trailing calldata, so the suffix never changes what
 * the settlement does. Not part of the x402j API.
 *
 * @param walletCode the facilitator's {@code w}, or {@code null}
 * @param serviceCode the facilitator's own {@code s} entry, or {@code null}
 */
public record CalldataAttribution(String walletCode, String serviceCode) {
  /** No codes of the facilitator's own; echoed codes are still written. */
  public static final CalldataAttribution NONE = new CalldataAttribution(null, null);

  /** Validates the codes. */
  public CalldataAttribution {
    if (walletCode != null) {
      BuilderCode.requireCode(walletCode, "facilitator builder code (w)");
    }
    if (serviceCode != null) {
      BuilderCode.requireCode(serviceCode, "facilitator service code (s)");
    }
  }

  /** The suffix for this payment's settlement, or an empty array when nothing is attributed. */
  public byte[] suffix(SchemeRequest request) {
    return BuilderCode.forSettlement(
            request.x402Version(), request.payload().extensions(), walletCode, serviceCode)
        .map(Erc8021::suffix)
        .orElseGet(() -> new byte[0]);
  }

  /** {@code calldata} followed by {@code suffix}. */
  public static byte[] append(byte[] calldata, byte[] suffix) {
    if (suffix.length == 0) {
      return calldata;
    }
    byte[] out = Arrays.copyOf(calldata, calldata.length + suffix.length);
    System.arraycopy(suffix, 0, out, calldata.length, suffix.length);
    return out;
  }
}
