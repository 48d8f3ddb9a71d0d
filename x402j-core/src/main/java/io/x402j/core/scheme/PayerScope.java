package io.x402j.core.scheme;

import io.x402j.core.Network;
import io.x402j.core.support.Base58;
import java.util.Locale;

/**
 * The one spelling of "this payer on this chain family" that both the gate and the facilitator key
 * {@code payment-identifier} ids by: the network's CAIP-2 namespace, a colon, and the payer's
 * canonical address, parsed from whatever text it arrived as. On EVM chains that is {@code 0x} and
 * the 20 bytes in lower-case hex (any letter case is the same account); on Solana the 32-byte key
 * in its one base58 spelling; in other namespaces, where x402j knows no address form, the text as
 * given. Text that is not an address of the network's family (a non-ASCII digit, a wrong length, a
 * character outside the alphabet) has no scope: it is never folded into one.
 *
 * <p>An EVM address's EIP-55 letter case is a typing check, not part of the identity, and is not
 * checked here: the payers scoped are ones a scheme read or a facilitator verified.
 */
public final class PayerScope {
  private static final int EVM_ADDRESS_LENGTH = 42;
  private static final int SOLANA_KEY_LENGTH = 32;
  private static final int SOLANA_MAX_TEXT = 44;

  private PayerScope() {}

  /**
   * The scope of {@code payer} on {@code network} ({@code eip155:0x…}, {@code solana:…}), or {@code
   * null} when {@code payer} is missing, empty or not an address of the network's family.
   */
  public static String of(Network network, String payer) {
    String canonical = canonicalAddress(network, payer);
    return canonical == null ? null : network.namespace() + ":" + canonical;
  }

  /**
   * {@code payer}'s canonical address on {@code network} (without the namespace), or {@code null}
   * as {@link #of} says.
   */
  public static String canonicalAddress(Network network, String payer) {
    if (payer == null || payer.isEmpty()) {
      return null;
    }
    if (network.isEvm()) {
      return evm(payer);
    }
    if (Network.SOLANA.equals(network.namespace())) {
      return solana(payer);
    }
    return payer;
  }

  private static String evm(String text) {
    if (text.length() != EVM_ADDRESS_LENGTH || text.charAt(0) != '0' || text.charAt(1) != 'x') {
      return null;
    }
    for (int i = 2; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        return null;
      }
    }
    return text.toLowerCase(Locale.ROOT);
  }

  private static String solana(String text) {
    byte[] key = Base58.decodeOrNull(text, SOLANA_MAX_TEXT);
    return key == null || key.length != SOLANA_KEY_LENGTH ? null : Base58.encode(key);
  }
}
