package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.Price;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.AssetAmount;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SupportedKind;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pricing, the fee payer and the identity of exact payments on Solana. */
class ExactSvmServerTest {
  static final Network MAINNET = Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
  static final Network DEVNET = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  static final Network TESTNET = Network.parse("solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z");
  static final String FEE_PAYER = "2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9";
  static final String SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";

  final ExactSvmServer server = new ExactSvmServer();

  @Test
  void dollarsAreChargedInTheNetworksUsdcMintWithSixDecimals() {
    AssetAmount mainnet = server.parsePrice(Price.parse("$0.01"), MAINNET);
    AssetAmount devnet = server.parsePrice(Price.parse("$1.5"), DEVNET);

    assertThat(mainnet.asset()).isEqualTo("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
    assertThat(mainnet.amount()).isEqualTo(TokenAmount.of(10_000));
    assertThat(mainnet.extra()).isNull();
    assertThat(devnet.asset()).isEqualTo("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
    assertThat(devnet.amount()).isEqualTo(TokenAmount.of(1_500_000));
  }

  @Test
  void anExplicitMintIsChargedWithItsDecimals() {
    Asset mint =
        new Asset("So11111111111111111111111111111111111111112", "WSOL", 9, null, null, false);

    assertThat(server.parsePrice(Price.parse("1000"), DEVNET, mint).amount())
        .isEqualTo(TokenAmount.of(1000));
    assertThat(server.parsePrice(Price.parse("0.5 WSOL"), DEVNET, mint).amount())
        .isEqualTo(TokenAmount.of(500_000_000));
    assertThatThrownBy(() -> server.parsePrice(Price.parse("$1"), DEVNET, mint))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badNetworksAndMintsAreRefusedNamingThem() {
    assertThatThrownBy(() -> server.parsePrice(Price.parse("$1"), Network.evm(84532)))
        .hasMessageContaining("is not a Solana network");
    assertThatThrownBy(() -> server.parsePrice(Price.parse("$1"), TESTNET))
        .hasMessageContaining("has no default token");
    Asset notBase58 = new Asset("0OIl", "X", 6, null, null, true);
    assertThatThrownBy(() -> server.parsePrice(Price.parse("$1"), DEVNET, notBase58))
        .hasMessageStartingWith("asset: ");
  }

  static PaymentRequirements requirement(Map<String, Object> extra) {
    return PaymentRequirements.builder()
        .scheme("exact")
        .network(DEVNET)
        .amount(TokenAmount.of(1000))
        .asset("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU")
        .payTo(SELLER)
        .maxTimeoutSeconds(60)
        .extra(extra)
        .build();
  }

  @Test
  void theFeePayerComesFromTheSupportedKind() {
    SupportedKind kind =
        new SupportedKind(2, "exact", DEVNET.toString(), Map.of("feePayer", FEE_PAYER), Map.of());

    PaymentRequirements enhanced =
        server.enhanceRequirements(requirement(Map.of("memo", "inv_42")), kind);

    assertThat(enhanced.extra()).isEqualTo(Map.of("memo", "inv_42", "feePayer", FEE_PAYER));
    assertThat(server.needsSupportedKind()).isTrue();
    assertThat(server.dynamicExtraFields())
        .containsExactlyInAnyOrder("recentBlockhash", "lastValidBlockHeight");
  }

  @Test
  void withoutAFeePayerNoRequirementIsMade() {
    assertThatThrownBy(() -> server.enhanceRequirements(requirement(Map.of()), null))
        .hasMessageContaining("/supported lists no exact kind for " + DEVNET);
    assertThatThrownBy(
            () ->
                server.enhanceRequirements(
                    requirement(Map.of()), SupportedKind.of(2, "exact", DEVNET.toString())))
        .hasMessageContaining("has no extra.feePayer");
    assertThatThrownBy(
            () ->
                server.enhanceRequirements(
                    requirement(Map.of()),
                    new SupportedKind(
                        2, "exact", DEVNET.toString(), Map.of("feePayer", 7), Map.of())))
        .hasMessageStartingWith("extra.feePayer: ");
  }

  static byte[] transaction(byte sigFill) {
    SolanaAddress feePayer = SolanaAddress.parse(FEE_PAYER);
    byte[] wire = new byte[1 + 64 + 4 + 1 + 64 + 32 + 2];
    int i = 0;
    wire[i++] = 1;
    for (int k = 0; k < 64; k++) {
      wire[i++] = sigFill;
    }
    wire[i++] = (byte) 0x80;
    wire[i++] = 1;
    wire[i++] = 0;
    wire[i++] = 1;
    wire[i++] = 2;
    System.arraycopy(feePayer.bytes(), 0, wire, i, 32);
    i += 32;
    System.arraycopy(SolanaAddress.parse(SELLER).bytes(), 0, wire, i, 32);
    i += 32;
    for (int k = 0; k < 32; k++) {
      wire[i++] = (byte) (k + 1);
    }
    return wire;
  }

  @Test
  void oneMessageIsOnePaymentHoweverSignedAndOtherSpellingsAreRefused() {
    PaymentRequirements r = requirement(Map.of("feePayer", FEE_PAYER));
    byte[] wire = transaction((byte) 0xFB);
    String standard = Base64.getEncoder().encodeToString(wire);
    byte[] resigned = transaction((byte) 0x11);
    PaymentIdentity id = server.identify(2, r, Map.of("transaction", standard));

    assertThat(
            server.identify(
                2, r, Map.of("transaction", Base64.getEncoder().encodeToString(resigned))))
        .isEqualTo(id);
    assertThat(server.identify(1, r, Map.of("transaction", standard))).isEqualTo(id);
    assertThatThrownBy(() -> server.identify(2, r, Map.of("transaction", standard, "other", 1)))
        .hasMessageStartingWith("payload.transaction: ");
    assertThat(id.id())
        .startsWith("exact|" + DEVNET + "|")
        .hasSize(6 + DEVNET.toString().length() + 1 + 64);

    for (String hostile :
        List.of(
            Base64.getUrlEncoder().encodeToString(wire),
            Base64.getEncoder().withoutPadding().encodeToString(wire),
            " " + standard,
            standard + "\n",
            standard.substring(0, 10) + "\r\n" + standard.substring(10),
            Base64.getMimeEncoder().encodeToString(wire))) {
      if (hostile.equals(standard)) {
        continue;
      }
      assertThatThrownBy(() -> server.identify(2, r, Map.of("transaction", hostile)))
          .as(hostile)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("payload.transaction: ");
    }
    assertThatThrownBy(() -> server.identify(2, r, Map.of()))
        .hasMessageStartingWith("payload.transaction: ");
    assertThatThrownBy(() -> server.identify(2, r, Map.of("transaction", "AQID")))
        .hasMessageStartingWith("payload.transaction: ");
  }
}
