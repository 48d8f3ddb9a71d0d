package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemePayment;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Permit2 paths of {@link ExactEvmClient} and {@link UptoEvmClient}, with a fixed clock. */
class Permit2ClientTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final long NOW_S = NOW.getEpochSecond();
  static final Network NET = Network.evm(84532);
  static final EvmAddress FACILITATOR =
      EvmAddress.parse("0x90F79bf6EB2c4f870365E785982E1f101E93b906");

  final PrivateKeySigner signer = PrivateKeySigner.fromHex(PrivateKeySignerTest.ANVIL_KEY_0);
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final ExactEvmClient exact = ExactEvmClient.of(signer, clock, new SecureRandom());
  final UptoEvmClient upto = UptoEvmClient.of(signer, clock, new SecureRandom());

  /** Chain reads with fixed answers, counting the calls. */
  static final class FixedReads implements Permit2Reads {
    BigInteger allowance = BigInteger.ZERO;
    Optional<BigInteger> eip2612Nonce = Optional.of(BigInteger.valueOf(4));
    RuntimeException allowanceFailure;
    final List<String> calls = new ArrayList<>();

    @Override
    public BigInteger permit2Allowance(Network network, EvmAddress token, EvmAddress owner) {
      calls.add("allowance");
      if (allowanceFailure != null) {
        throw allowanceFailure;
      }
      return allowance;
    }

    @Override
    public Optional<BigInteger> eip2612Nonce(Network network, EvmAddress token, EvmAddress owner) {
      calls.add("nonces");
      return eip2612Nonce;
    }

    @Override
    public long transactionNonce(Network network, EvmAddress account) {
      calls.add("txNonce");
      return 9;
    }

    @Override
    public Optional<Fees> fees(Network network) {
      calls.add("fees");
      return Optional.empty();
    }
  }

  static PaymentRequirements.Builder base(String scheme) {
    return PaymentRequirements.builder()
        .scheme(scheme)
        .network(NET)
        .amount(TokenAmount.of(10_000))
        .asset(Permit2Test.USDC.toString())
        .payTo(Permit2Test.PAY_TO.toString())
        .maxTimeoutSeconds(300);
  }

  static PaymentRequirements permit2Exact() {
    return base("exact")
        .extra("name", "USDC")
        .extra("version", "2")
        .extra("assetTransferMethod", "permit2")
        .build();
  }

  static PaymentRequirements uptoRequirements() {
    return base("upto")
        .extra("assetTransferMethod", "permit2")
        .extra("facilitatorAddress", FACILITATOR.toString())
        .build();
  }

  static final Map<String, Object> DECLARES_BOTH =
      Map.of(
          Eip2612GasSponsoring.KEY, Map.of("info", Map.of()),
          Erc20ApprovalGasSponsoring.KEY, Map.of("info", Map.of()));

  @Test
  void permit2ExactIsSignedAsTheOfficialClientSignsIt() {
    Permit2Payload payload = Permit2Payload.fromMap(exact.createPayload(2, permit2Exact()));
    Permit2Authorization a = payload.authorization();
    assertThat(a.spender()).isEqualTo(Permit2.EXACT_PROXY);
    assertThat(a.from()).isEqualTo(signer.address());
    assertThat(a.token()).isEqualTo(Permit2Test.USDC);
    assertThat(a.amount()).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(a.witness()).isEqualTo(Permit2Witness.exact(Permit2Test.PAY_TO, BigInteger.ZERO));
    assertThat(a.deadline()).isEqualTo(BigInteger.valueOf(NOW_S + 300));
    assertThat(Signature.parse(payload.signature()).recoverSigner(Permit2.digest(84532, a)))
        .isEqualTo(signer.address());
    payload.requireExact();
  }

  @Test
  void noncesAreRandom256BitNumbers() {
    BigInteger n1 = exact.authorizePermit2(2, permit2Exact()).authorization().nonce();
    BigInteger n2 = exact.authorizePermit2(2, permit2Exact()).authorization().nonce();
    assertThat(n1).isNotEqualTo(n2);
    assertThat(n1.bitLength()).isLessThanOrEqualTo(256);
  }

  @Test
  void theDeadlineIsCappedLikeEip3009() {
    PaymentRequirements years =
        permit2Exact().toBuilder().maxTimeoutSeconds(Integer.MAX_VALUE).build();
    assertThat(exact.authorizePermit2(2, years).authorization().deadline())
        .isEqualTo(BigInteger.valueOf(NOW_S + 3600));
  }

  @Test
  void routesOnAssetTransferMethod() {
    PaymentRequirements eip3009 = base("exact").extra("name", "USDC").extra("version", "2").build();
    assertThat(exact.createPayload(2, eip3009)).containsKey("authorization");
    PaymentRequirements explicit3009 =
        eip3009.toBuilder().extra("assetTransferMethod", "eip3009").build();
    assertThat(exact.createPayload(2, explicit3009)).containsKey("authorization");
    assertThat(exact.createPayload(2, permit2Exact())).containsKey("permit2Authorization");
    PaymentRequirements unknown =
        eip3009.toBuilder().extra("assetTransferMethod", "permit3").build();
    assertThatThrownBy(() -> exact.createPayload(2, unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'permit3'");
    assertThatThrownBy(() -> exact.authorize(2, permit2Exact()))
        .hasMessageContaining("asks for Permit2");
  }

  @Test
  void permit2NeedsNoEip712Domain() {
    PaymentRequirements plain = base("exact").extra("assetTransferMethod", "permit2").build();
    assertThat(exact.createPayload(2, plain)).containsKey("permit2Authorization");
  }

  @Test
  void withoutReadsOrDeclarationsNoExtensionIsAdded() {
    SchemePayment p = exact.createPayment(2, permit2Exact(), DECLARES_BOTH);
    assertThat(p.extensions()).isEmpty();
    FixedReads reads = new FixedReads();
    SchemePayment undeclared =
        exact.withPermit2Reads(reads).createPayment(2, permit2Exact(), Map.of());
    assertThat(undeclared.extensions()).isEmpty();
    assertThat(reads.calls).isEmpty();
  }

  @Test
  void enoughAllowanceMeansNoExtension() {
    FixedReads reads = new FixedReads();
    reads.allowance = BigInteger.valueOf(10_000);
    SchemePayment p = exact.withPermit2Reads(reads).createPayment(2, permit2Exact(), DECLARES_BOTH);
    assertThat(p.extensions()).isEmpty();
    assertThat(reads.calls).containsExactly("allowance");
  }

  @Test
  void aShortAllowanceGetsAnEip2612PermitForThePermittedAmount() {
    FixedReads reads = new FixedReads();
    reads.allowance = BigInteger.valueOf(9_999);
    SchemePayment p = exact.withPermit2Reads(reads).createPayment(2, permit2Exact(), DECLARES_BOTH);
    Eip2612GasSponsoring info = Eip2612GasSponsoring.fromExtensions(p.extensions()).orElseThrow();
    Permit2Payload payload = Permit2Payload.fromMap(p.payload());
    assertThat(info.from()).isEqualTo(signer.address());
    assertThat(info.asset()).isEqualTo(Permit2Test.USDC);
    assertThat(info.spender()).isEqualTo(Permit2.ADDRESS);
    assertThat(info.amount()).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(info.nonce()).isEqualTo(BigInteger.valueOf(4));
    assertThat(info.deadline()).isEqualTo(payload.authorization().deadline());
    assertThat(info.version()).isEqualTo("1");
    Bytes32 digest =
        Eip2612.digest(
            Eip2612.domainSeparator("USDC", "2", 84532, Permit2Test.USDC),
            signer.address(),
            Permit2.ADDRESS,
            info.amount(),
            info.nonce(),
            info.deadline());
    assertThat(info.parsedSignature().recoverSigner(digest)).isEqualTo(signer.address());
    assertThat(p.extensions()).doesNotContainKey(Erc20ApprovalGasSponsoring.KEY);
  }

  @Test
  void aTokenWithoutNoncesGetsARawApproveOfTheMaximumAsTheOfficialClient() {
    FixedReads reads = new FixedReads();
    reads.eip2612Nonce = Optional.empty();
    SchemePayment p = exact.withPermit2Reads(reads).createPayment(2, permit2Exact(), DECLARES_BOTH);
    Erc20ApprovalGasSponsoring info =
        Erc20ApprovalGasSponsoring.fromExtensions(p.extensions()).orElseThrow();
    assertThat(info.amount()).isEqualTo(TokenAmount.UINT256_MAX);
    assertThat(info.spender()).isEqualTo(Permit2.ADDRESS);
    Eip1559Transaction.Signed tx = info.decodeTransaction();
    assertThat(tx.sender()).isEqualTo(signer.address());
    assertThat(tx.transaction().to()).isEqualTo(Permit2Test.USDC);
    assertThat(tx.transaction().nonce()).isEqualTo(9);
    assertThat(tx.transaction().chainId()).isEqualTo(84532);
    assertThat(tx.transaction().gasLimit()).isEqualTo(70_000);
    assertThat(tx.transaction().maxFeePerGas()).isEqualTo(Permit2Reads.Fees.DEFAULT.maxFeePerGas());
    assertThat(tx.transaction().data())
        .isEqualTo(Permit2Calls.erc20Approve(Permit2.ADDRESS, TokenAmount.UINT256_MAX));
  }

  @Test
  void exactApprovalsApproveOnlyTheAmount() {
    FixedReads reads = new FixedReads();
    PaymentRequirements noDomain = base("exact").extra("assetTransferMethod", "permit2").build();
    SchemePayment p =
        exact
            .withPermit2Reads(reads)
            .withExactPermit2Approvals()
            .createPayment(2, noDomain, DECLARES_BOTH);
    Erc20ApprovalGasSponsoring info =
        Erc20ApprovalGasSponsoring.fromExtensions(p.extensions()).orElseThrow();
    assertThat(info.amount()).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(info.decodeTransaction().transaction().data())
        .isEqualTo(Permit2Calls.erc20Approve(Permit2.ADDRESS, BigInteger.valueOf(10_000)));
    assertThat(reads.calls).as("no domain: no EIP-2612 attempt").doesNotContain("nonces");
  }

  @Test
  void aFailedAllowanceReadCountsAsShortAsTheOfficialClient() {
    FixedReads reads = new FixedReads();
    reads.allowanceFailure = new IllegalStateException("node down");
    SchemePayment p = exact.withPermit2Reads(reads).createPayment(2, permit2Exact(), DECLARES_BOTH);
    assertThat(p.extensions()).containsKey(Eip2612GasSponsoring.KEY);
  }

  @Test
  void onlyTheDeclaredExtensionIsAnswered() {
    FixedReads reads = new FixedReads();
    Map<String, Object> onlyErc20 = Map.of(Erc20ApprovalGasSponsoring.KEY, Map.of());
    SchemePayment p = exact.withPermit2Reads(reads).createPayment(2, permit2Exact(), onlyErc20);
    assertThat(p.extensions()).containsOnlyKeys(Erc20ApprovalGasSponsoring.KEY);
    reads.eip2612Nonce = Optional.empty();
    Map<String, Object> only2612 = Map.of(Eip2612GasSponsoring.KEY, Map.of());
    assertThat(
            exact.withPermit2Reads(reads).createPayment(2, permit2Exact(), only2612).extensions())
        .isEmpty();
  }

  @Test
  void eip3009PaymentsGetNoExtensions() {
    FixedReads reads = new FixedReads();
    PaymentRequirements eip3009 = base("exact").extra("name", "USDC").extra("version", "2").build();
    SchemePayment p = exact.withPermit2Reads(reads).createPayment(2, eip3009, DECLARES_BOTH);
    assertThat(p.extensions()).isEmpty();
    assertThat(p.payload()).containsKey("authorization");
    assertThat(reads.calls).isEmpty();
  }

  @Test
  void uptoSignsTheCeilingForTheNamedFacilitator() {
    Permit2Payload payload = Permit2Payload.fromMap(upto.createPayload(2, uptoRequirements()));
    Permit2Authorization a = payload.requireUpto().authorization();
    assertThat(a.spender()).isEqualTo(Permit2.UPTO_PROXY);
    assertThat(a.amount()).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(a.witness())
        .isEqualTo(Permit2Witness.upto(Permit2Test.PAY_TO, FACILITATOR, BigInteger.ZERO));
    assertThat(a.deadline()).isEqualTo(BigInteger.valueOf(NOW_S + 300));
    assertThat(Signature.parse(payload.signature()).recoverSigner(Permit2.digest(84532, a)))
        .isEqualTo(signer.address());
    assertThat(upto.scheme()).isEqualTo("upto");
  }

  @Test
  void uptoNeedsAFacilitatorAddressAndTheUptoScheme() {
    PaymentRequirements none = base("upto").build();
    assertThatThrownBy(() -> upto.createPayload(2, none))
        .hasMessageContaining("extra.facilitatorAddress");
    PaymentRequirements bad = base("upto").extra("facilitatorAddress", "0x12").build();
    assertThatThrownBy(() -> upto.createPayload(2, bad))
        .hasMessageContaining("extra.facilitatorAddress");
    assertThatThrownBy(() -> upto.createPayload(2, permit2Exact()))
        .hasMessageContaining("upto scheme");
    assertThatThrownBy(() -> exact.createPayload(2, uptoRequirements()))
        .hasMessageContaining("exact scheme");
  }

  @Test
  void anUnknownUptoTransferMethodIsQuotedEscaped() {
    PaymentRequirements forged =
        uptoRequirements().toBuilder().extra("assetTransferMethod", "eip3009\nFAKE LOG").build();
    PaymentRequirements lineBreak =
        uptoRequirements().toBuilder().extra("assetTransferMethod", "x\ny").build();
    assertThatThrownBy(() -> upto.createPayload(2, forged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'eip3009\\u000aFAKE LOG'");
    assertThatThrownBy(() -> upto.createPayload(2, lineBreak)).hasMessageNotContaining("\n");
  }

  @Test
  void uptoAddsGasSponsoringToo() {
    FixedReads reads = new FixedReads();
    SchemePayment p =
        upto.withPermit2Reads(reads).createPayment(2, uptoRequirements(), DECLARES_BOTH);
    // no EIP-712 domain in the upto requirement: the ERC-20 approval path
    assertThat(p.extensions()).containsOnlyKeys(Erc20ApprovalGasSponsoring.KEY);
  }
}
