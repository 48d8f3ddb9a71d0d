package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.evm.Abi;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class GasSponsoringCheckTest {
  private static final PrivateKeySigner PAYER =
      PrivateKeySigner.fromHex(
          "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  private static final PrivateKeySigner OTHER =
      PrivateKeySigner.fromHex(
          "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
  private static final EvmAddress TOKEN =
      EvmAddress.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");
  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  private static final BigInteger AMOUNT = BigInteger.valueOf(10_000);
  private static final long CHAIN = 84532;
  private static final BigInteger FEE_CAP = BigInteger.valueOf(200_000_000_000L);

  // ----------------------------------------------------------------------------- EIP-2612

  private static Map<String, Object> permitInfo() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("from", PAYER.address().toString());
    info.put("asset", TOKEN.toString());
    info.put("spender", Permit2.ADDRESS.toString());
    info.put("amount", AMOUNT.toString());
    info.put("nonce", "0");
    info.put("deadline", Long.toString(NOW.getEpochSecond() + 60));
    info.put("signature", Hex.encode(PAYER.sign(Bytes32.of(new byte[32])).toBytes()));
    info.put("version", "1");
    return info;
  }

  private static ErrorReason permitReason(Consumer<Map<String, Object>> change) {
    Map<String, Object> info = permitInfo();
    change.accept(info);
    return GasSponsoringCheck.eip2612(
            Map.of("eip2612GasSponsoring", Map.of("info", info)),
            PAYER.address(),
            TOKEN,
            AMOUNT,
            NOW)
        .orElseThrow()
        .refusal()
        .reason();
  }

  @Test
  void aWellFormedPermitIsAcceptedAndAnAbsentOneIsNoExtension() {
    var checked =
        GasSponsoringCheck.eip2612(
                Map.of("eip2612GasSponsoring", Map.of("info", permitInfo())),
                PAYER.address(),
                TOKEN,
                AMOUNT,
                NOW)
            .orElseThrow();
    assertThat(checked.refused()).isFalse();
    assertThat(checked.value().amount()).isEqualTo(AMOUNT);
    assertThat(GasSponsoringCheck.eip2612(null, PAYER.address(), TOKEN, AMOUNT, NOW)).isEmpty();
    assertThat(GasSponsoringCheck.eip2612(Map.of(), PAYER.address(), TOKEN, AMOUNT, NOW)).isEmpty();
  }

  @Test
  void anEchoedDeclarationOrAnIncompleteInfoIsNoExtensionAsForTheOfficialFacilitator() {
    // A client that does not sponsor echoes the server's declaration: info with a description and
    // a version only. The official facilitator ignores an info missing any payer field; so do we.
    Map<String, Object> declared = Map.of("description", "EIP-2612 gas sponsoring", "version", "1");
    Map<String, Object> incomplete = new LinkedHashMap<>(permitInfo());
    incomplete.remove("signature");
    Map<String, Object> emptyNonce = new LinkedHashMap<>(permitInfo());
    emptyNonce.put("nonce", "");
    for (Map<String, Object> info : List.of(declared, incomplete, emptyNonce)) {
      assertThat(
              GasSponsoringCheck.eip2612(
                  Map.of("eip2612GasSponsoring", Map.of("info", info, "schema", Map.of())),
                  PAYER.address(),
                  TOKEN,
                  AMOUNT,
                  NOW))
          .as(info.toString())
          .isEmpty();
    }
    assertThat(
            GasSponsoringCheck.erc20Approval(
                Map.of("erc20ApprovalGasSponsoring", Map.of("info", declared)),
                PAYER.address(),
                TOKEN,
                AMOUNT,
                84532,
                BigInteger.TEN.pow(12)))
        .isEmpty();
  }

  @Test
  void eachPermitFaultGetsItsOfficialReason() {
    assertThat(permitReason(i -> i.put("amount", "0x10")))
        .isEqualTo(ErrorReason.EIP2612_EXTENSION_FORMAT);
    assertThat(permitReason(i -> i.put("version", "one")))
        .isEqualTo(ErrorReason.EIP2612_EXTENSION_FORMAT);
    assertThat(permitReason(i -> i.put("from", OTHER.address().toString())))
        .isEqualTo(ErrorReason.EIP2612_FROM_MISMATCH);
    assertThat(permitReason(i -> i.put("asset", OTHER.address().toString())))
        .isEqualTo(ErrorReason.EIP2612_ASSET_MISMATCH);
    assertThat(permitReason(i -> i.put("spender", Permit2.EXACT_PROXY.toString())))
        .isEqualTo(ErrorReason.EIP2612_SPENDER_NOT_PERMIT2);
    assertThat(permitReason(i -> i.put("deadline", Long.toString(NOW.getEpochSecond() + 5))))
        .isEqualTo(ErrorReason.EIP2612_DEADLINE_EXPIRED);
    assertThat(permitReason(i -> i.put("amount", "10001")))
        .isEqualTo(ErrorReason.PERMIT2_2612_AMOUNT_MISMATCH);
  }

  // ------------------------------------------------------------------------- ERC-20 approval

  /** A raw approve transaction: by default the payer's good approval of Permit2 for AMOUNT. */
  private static final class Tx {
    PrivateKeySigner signer = PAYER;
    long chainId = CHAIN;
    EvmAddress to = TOKEN;
    byte[] data = approve(Permit2.ADDRESS, AMOUNT);
    long gas = 60_000;
    BigInteger maxFee = BigInteger.valueOf(2_000_000_000L);
    BigInteger value = BigInteger.ZERO;
  }

  /** The signed good approval after {@code change}. */
  private static String approval(Consumer<Tx> change) {
    Tx t = new Tx();
    change.accept(t);
    Eip1559Transaction tx =
        new Eip1559Transaction(
            t.chainId, 3, BigInteger.ONE, t.maxFee, t.gas, t.to, t.value, t.data);
    return Hex.encode(tx.encodeSigned(t.signer.sign(tx.signingHash())));
  }

  private static byte[] approve(EvmAddress spender, BigInteger amount) {
    return Abi.call("approve(address,uint256)").address(spender).uint(amount).encode();
  }

  private static String goodApproval() {
    return approval(t -> {});
  }

  private static Map<String, Object> approvalInfo(String signedTransaction) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("from", PAYER.address().toString());
    info.put("asset", TOKEN.toString());
    info.put("spender", Permit2.ADDRESS.toString());
    info.put("amount", AMOUNT.toString());
    info.put("signedTransaction", signedTransaction);
    info.put("version", "1");
    return info;
  }

  private static GasSponsoringCheck.Checked<GasSponsoringCheck.Approval> checkApproval(
      Map<String, Object> info) {
    return GasSponsoringCheck.erc20Approval(
            Map.of("erc20ApprovalGasSponsoring", Map.of("info", info)),
            PAYER.address(),
            TOKEN,
            AMOUNT,
            CHAIN,
            FEE_CAP)
        .orElseThrow();
  }

  private static ErrorReason approvalReason(Consumer<Map<String, Object>> change) {
    Map<String, Object> info = approvalInfo(goodApproval());
    change.accept(info);
    var checked = checkApproval(info);
    assertThat(checked.refused()).as("refused").isTrue();
    return checked.refusal().reason();
  }

  private static ErrorReason approvalTxReason(String signedTransaction) {
    return approvalReason(i -> i.put("signedTransaction", signedTransaction));
  }

  @Test
  void aWellFormedApprovalIsAcceptedWithItsSenderAndCost() {
    var checked = checkApproval(approvalInfo(goodApproval()));
    assertThat(checked.refused()).isFalse();
    assertThat(checked.value().signed().sender()).isEqualTo(PAYER.address());
    assertThat(checked.value().maxCost()).isEqualTo(BigInteger.valueOf(60_000L * 2_000_000_000L));
  }

  @Test
  void eachApprovalFaultGetsItsOfficialReason() {
    assertThat(approvalReason(i -> i.put("signedTransaction", "0xzz")))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_EXTENSION_FORMAT);
    assertThat(approvalReason(i -> i.put("from", OTHER.address().toString())))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_FROM_MISMATCH);
    assertThat(approvalReason(i -> i.put("asset", OTHER.address().toString())))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_ASSET_MISMATCH);
    assertThat(approvalReason(i -> i.put("spender", Permit2.EXACT_PROXY.toString())))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_SPENDER_NOT_PERMIT2);
    assertThat(approvalTxReason("0x02c0")).isEqualTo(ErrorReason.ERC20_APPROVAL_TX_PARSE_FAILED);
    assertThat(approvalTxReason(approval(t -> t.chainId = 1)))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_PARSE_FAILED);
    assertThat(approvalTxReason(approval(t -> t.to = OTHER.address())))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_WRONG_TARGET);
    assertThat(
            approvalTxReason(
                approval(
                    t ->
                        t.data =
                            Abi.call("transfer(address,uint256)")
                                .address(Permit2.ADDRESS)
                                .uint(AMOUNT)
                                .encode())))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_WRONG_SELECTOR);
    assertThat(approvalTxReason(approval(t -> t.data = Hex.decode("0x095ea7b300"))))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
    assertThat(approvalTxReason(approval(t -> t.data = approve(Permit2.EXACT_PROXY, AMOUNT))))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_WRONG_SPENDER);
    assertThat(approvalTxReason(approval(t -> t.signer = OTHER)))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_SIGNER_MISMATCH);
  }

  @Test
  void aHighSOrBadParitySignatureIsAnInvalidSignature() {
    byte[] good = Hex.decode(goodApproval());
    // The signed transaction ends with yParity, r and s; this one's r and s are full 32-byte
    // strings (RLP prefix 0xa0), so yParity is the single byte before r.
    assertThat(good[good.length - 33]).isEqualTo((byte) 0xa0);
    assertThat(good[good.length - 66]).isEqualTo((byte) 0xa0);
    int parity = good.length - 67;
    assertThat(good[parity]).isIn((byte) 0x80, (byte) 0x01);

    // s replaced by n - s, the malleable twin (a low s has a high twin of 32 bytes).
    byte[] highS = good.clone();
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(good, good.length - 32, good.length));
    System.arraycopy(Abi.word(Signature.CURVE_ORDER.subtract(s)), 0, highS, highS.length - 32, 32);
    assertThat(approvalTxReason(Hex.encode(highS)))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_INVALID_SIGNATURE);

    byte[] badParity = good.clone();
    badParity[parity] = 0x02;
    assertThat(approvalTxReason(Hex.encode(badParity)))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_INVALID_SIGNATURE);
  }

  @Test
  void theSponsorshipIsBoundedAndTheApprovalMustCoverThePayment() {
    assertThat(approvalTxReason(approval(t -> t.gas = GasSponsoringCheck.MAX_APPROVAL_GAS + 1)))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
    assertThat(approvalTxReason(approval(t -> t.maxFee = FEE_CAP.add(BigInteger.ONE))))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
    assertThat(approvalTxReason(approval(t -> t.value = BigInteger.ONE)))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
    String small =
        approval(t -> t.data = approve(Permit2.ADDRESS, AMOUNT.subtract(BigInteger.ONE)));
    assertThat(
            approvalReason(
                i -> {
                  i.put("signedTransaction", small);
                  i.put("amount", AMOUNT.subtract(BigInteger.ONE).toString());
                }))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
  }

  @Test
  void anApprovalBelowItsCalldataGasFloorIsRefusedBeforeItCouldBeFunded() {
    byte[] data = approve(Permit2.ADDRESS, AMOUNT);
    long floor = GasSponsoringCheck.minimumGas(data);
    // approve(Permit2, 10000): 47 zero and 21 other bytes, so 131 tokens; the floor of 10 per
    // token beats the 4 per token of the standard calldata cost.
    assertThat(floor).isEqualTo(21_000 + 10 * (47 + 4 * 21));
    assertThat(
            approvalTxReason(
                approval(
                    t -> {
                      t.data = data;
                      t.gas = floor - 1;
                    })))
        .isEqualTo(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
    assertThat(
            checkApproval(
                    approvalInfo(
                        approval(
                            t -> {
                              t.data = data;
                              t.gas = floor;
                            })))
                .refused())
        .isFalse();
  }

  @Test
  void theApprovalMustUseThePayersNextNonceAndCoverTheBaseFee() {
    var approval = checkApproval(approvalInfo(goodApproval())).value();
    assertThat(GasSponsoringCheck.approvalOnChain(approval, 3, BigInteger.ONE)).isNull();
    assertThat(GasSponsoringCheck.approvalOnChain(approval, 4, BigInteger.ONE).reason())
        .isEqualTo(ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED);
    assertThat(
            GasSponsoringCheck.approvalOnChain(approval, 3, BigInteger.valueOf(3_000_000_000L))
                .message())
        .contains("below the current base fee");
  }
}
