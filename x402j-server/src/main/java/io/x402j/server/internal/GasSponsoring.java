package io.x402j.server.internal;

import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.Erc20ApprovalGasSponsoring;
import io.x402j.server.PaymentOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gas-sponsoring extensions a 402 declares for Permit2 options ({@code exact} with {@code
 * extra.assetTransferMethod "permit2"} and {@code upto} on EVM networks): {@code
 * eip2612GasSponsoring} and {@code erc20ApprovalGasSponsoring}, each only when the facilitator's
 * {@code /supported} lists it. A payer whose Permit2 allowance is short then adds its signed permit
 * or approval to the extension and the facilitator sets the allowance before settling. The
 * declaration has the shape the official server declares: {@code {info: {description, version:
 * "1"}, schema: <JSON schema of the info a payer adds>}}. Immutable. Not part of the x402j API.
 */
public final class GasSponsoring {
  private static final String ADDRESS = "^0x[a-fA-F0-9]{40}$";
  private static final String UINT = "^[0-9]+$";
  private static final String HEX = "^0x[a-fA-F0-9]+$";
  private static final String VERSION = "^[0-9]+(\\.[0-9]+)*$";

  private GasSponsoring() {}

  /** Whether some option of {@code offer} is paid through Permit2. */
  public static boolean offersPermit2(RouteOffer offer) {
    return offer.payments().stream().anyMatch(p -> isPermit2(p.requirements()));
  }

  /** Whether {@code requirement} is paid through Permit2 (exact with permit2, or upto, on EVM). */
  static boolean isPermit2(PaymentRequirements requirement) {
    if (!requirement.network().isEvm()) {
      return false;
    }
    return PaymentOption.UPTO.equals(requirement.scheme())
        || ("exact".equals(requirement.scheme())
            && "permit2".equals(requirement.extraString("assetTransferMethod")));
  }

  /**
   * The extensions to declare for a Permit2 offer, given the facilitator's {@code /supported}
   * answer ({@code null} when there is none): the sponsoring extensions it lists, possibly none.
   */
  public static Map<String, Object> declarations(SupportedResponse supported) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (supported == null) {
      return out;
    }
    if (supported.extensions().contains(Eip2612GasSponsoring.KEY)) {
      out.put(Eip2612GasSponsoring.KEY, eip2612());
    }
    if (supported.extensions().contains(Erc20ApprovalGasSponsoring.KEY)) {
      out.put(Erc20ApprovalGasSponsoring.KEY, erc20Approval());
    }
    return out;
  }

  private static Map<String, Object> eip2612() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("from", field(ADDRESS, "The address of the sender."));
    properties.put("asset", field(ADDRESS, "The address of the ERC-20 token contract."));
    properties.put("spender", field(ADDRESS, "The address of the spender (Canonical Permit2)."));
    properties.put("amount", field(UINT, "The amount to approve (uint256). Typically MaxUint."));
    properties.put("nonce", field(UINT, "The current nonce of the sender."));
    properties.put("deadline", field(UINT, "The timestamp at which the signature expires."));
    properties.put(
        "signature", field(HEX, "The 65-byte concatenated signature (r, s, v) as a hex string."));
    properties.put("version", field(VERSION, "Schema version identifier."));
    return declaration(
        "The facilitator accepts EIP-2612 gasless Permit to `Permit2` canonical contract.",
        properties);
  }

  private static Map<String, Object> erc20Approval() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("from", field(ADDRESS, "The address of the sender (token owner)."));
    properties.put("asset", field(ADDRESS, "The address of the ERC-20 token contract."));
    properties.put("spender", field(ADDRESS, "The address of the spender (Canonical Permit2)."));
    properties.put("amount", field(UINT, "The amount approved (uint256). Always MaxUint256."));
    properties.put(
        "signedTransaction",
        field(HEX, "The RLP-encoded signed EIP-1559 transaction as a hex string."));
    properties.put("version", field(VERSION, "Schema version identifier."));
    return declaration(
        "The facilitator broadcasts a pre-signed ERC-20 approve() transaction to grant Permit2"
            + " allowance.",
        properties);
  }

  /** {@code {info: {description, version: "1"}, schema}}; every property is required. */
  private static Map<String, Object> declaration(
      String description, Map<String, Object> properties) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("description", description);
    info.put("version", "1");
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", List.copyOf(properties.keySet()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", info);
    out.put("schema", schema);
    return out;
  }

  private static Map<String, Object> field(String pattern, String description) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "string");
    out.put("pattern", pattern);
    out.put("description", description);
    return out;
  }
}
