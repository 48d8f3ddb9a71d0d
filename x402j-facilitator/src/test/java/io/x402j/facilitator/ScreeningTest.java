package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.EvmAddress;
import io.x402j.facilitator.testing.AcceptingScheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Screening identifies payers and recipients by their parsed address, whatever the spelling. */
class ScreeningTest {
  static final EvmAddress DENIED = EvmAddress.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  static final EvmAddress SELLER = EvmAddress.parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
  static final EvmAddress HONEST = EvmAddress.parse("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB");

  /** Spellings of one address: EIP-55, lower case, upper-case digits, and other scripts. */
  static List<String> spellings(EvmAddress address) {
    String lower = address.toLowerHex();
    return List.of(
        address.toString(),
        lower,
        "0x" + lower.substring(2).toUpperCase(Locale.ROOT),
        AcceptingScheme.fullWidth(lower),
        AcceptingScheme.fullWidthLetter(lower));
  }

  static FacilitatorService service(Path denylist, AcceptingScheme scheme) {
    return FacilitatorService.builder()
        .scheme(scheme)
        .screen(DenylistScreen.fromFile(denylist))
        .build();
  }

  static FacilitatorRequest request(String from, String payTo) {
    PaymentRequirements requirements = AcceptingScheme.requirements(payTo);
    return FacilitatorRequest.of(AcceptingScheme.payment(from, requirements), requirements);
  }

  @Test
  void everySpellingOfADeniedPayerIsRefusedAndNeverReachesTheScheme(@TempDir Path dir)
      throws Exception {
    Path denylist = Files.writeString(dir.resolve("deny.txt"), DENIED.toLowerHex() + "\n");
    AcceptingScheme scheme = new AcceptingScheme();
    FacilitatorService service = service(denylist, scheme);

    for (String spelling : spellings(DENIED)) {
      VerifyResponse verdict = service.verify(request(spelling, SELLER.toString())).join();
      SettleResponse settled = service.settle(request(spelling, SELLER.toString())).join();

      // A full-width digit is the listed payer (when it parses) or no address at all: refused
      // either way, never "not listed".
      assertThat(verdict.isValid()).as("verify %s", spelling).isFalse();
      assertThat(verdict.reason())
          .as("verify %s", spelling)
          .get()
          .isIn(ErrorReason.PAYER_DENIED, ErrorReason.INVALID_PAYLOAD);
      assertThat(settled.success()).as("settle %s", spelling).isFalse();
      assertThat(settled.reason())
          .as("settle %s", spelling)
          .get()
          .isIn(ErrorReason.PAYER_DENIED, ErrorReason.INVALID_PAYLOAD);
    }
    assertThat(scheme.verified).hasValue(0);
    assertThat(scheme.settled).hasValue(0);
    // The ASCII spellings are the listed account, and say so.
    assertThat(service.verify(request(DENIED.toLowerHex(), SELLER.toString())).join().reason())
        .hasValue(ErrorReason.PAYER_DENIED);
  }

  @Test
  void everySpellingOfADeniedRecipientIsRefused(@TempDir Path dir) throws Exception {
    Path denylist = Files.writeString(dir.resolve("deny.txt"), SELLER + "  # blocked\n");
    AcceptingScheme scheme = new AcceptingScheme();
    FacilitatorService service = service(denylist, scheme);

    for (String spelling : spellings(SELLER)) {
      SettleResponse settled = service.settle(request(HONEST.toString(), spelling)).join();

      assertThat(settled.success()).as("settle to %s", spelling).isFalse();
      assertThat(settled.reason())
          .as("settle to %s", spelling)
          .get()
          .isIn(ErrorReason.RECIPIENT_DENIED, ErrorReason.INVALID_PAYMENT_REQUIREMENTS);
    }
    assertThat(scheme.settled).hasValue(0);
    assertThat(service.settle(request(HONEST.toString(), SELLER.toString())).join().reason())
        .hasValue(ErrorReason.RECIPIENT_DENIED);
  }

  @Test
  void aPayerThatIsNoAddressIsInvalidNotUnlisted(@TempDir Path dir) throws Exception {
    Path denylist = Files.writeString(dir.resolve("deny.txt"), DENIED + "\n");
    AcceptingScheme scheme = new AcceptingScheme();
    FacilitatorService service = service(denylist, scheme);

    for (String junk :
        List.of("alice", "0x" + "g".repeat(40), "0x" + "1".repeat(39), "x".repeat(70_000))) {
      VerifyResponse verdict = service.verify(request(junk, SELLER.toString())).join();

      assertThat(verdict.reason()).as("%.60s", junk).hasValue(ErrorReason.INVALID_PAYLOAD);
      assertThat(verdict.invalidMessage()).hasSizeLessThan(400);
    }
    assertThat(scheme.verified).hasValue(0);
    assertThat(service.verify(request(HONEST.toLowerHex(), SELLER.toString())).join().isValid())
        .isTrue();
  }

  @Test
  void theDenylistParsesWhatItIsGivenWhenCalledDirectly(@TempDir Path dir) throws Exception {
    DenylistScreen screen =
        DenylistScreen.fromFile(Files.writeString(dir.resolve("deny.txt"), DENIED + "\n"));

    for (String spelling : spellings(DENIED)) {
      assertThat(screen.screen(AcceptingScheme.NETWORK, spelling, SELLER.toString()))
          .as(spelling)
          .hasValueSatisfying(
              refusal ->
                  assertThat(refusal.reason())
                      .isIn(ErrorReason.PAYER_DENIED, ErrorReason.INVALID_PAYLOAD));
    }
    assertThat(screen.screen(AcceptingScheme.NETWORK, HONEST.toString(), SELLER.toString()))
        .isEmpty();
  }

  @Test
  void anEditedDenylistIsReadAgainAtMostOnceASecond(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("deny.txt"), DENIED + "\n");
    RevertBanTest.TestClock clock = new RevertBanTest.TestClock();
    DenylistScreen screen = DenylistScreen.fromFile(file, clock);
    assertThat(screen.screen(AcceptingScheme.NETWORK, HONEST.toString(), SELLER.toString()))
        .isEmpty();

    Files.writeString(file, HONEST + "\n");
    Files.setLastModifiedTime(
        file, java.nio.file.attribute.FileTime.from(clock.instant().plusSeconds(5)));
    clock.advance(java.time.Duration.ofMillis(999));
    assertThat(screen.screen(AcceptingScheme.NETWORK, HONEST.toString(), SELLER.toString()))
        .as("not read again within the second")
        .isEmpty();

    clock.advance(java.time.Duration.ofMillis(1));
    assertThat(screen.screen(AcceptingScheme.NETWORK, HONEST.toString(), SELLER.toString()))
        .as("read again a second after the last look")
        .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(ErrorReason.PAYER_DENIED));
    assertThat(screen.size()).isEqualTo(1);
  }
}
