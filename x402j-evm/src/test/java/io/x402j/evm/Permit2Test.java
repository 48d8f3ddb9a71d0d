package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Permit2 and EIP-2612 EIP-712 digests against regression vectors.
 *
 * <p>The vectors were produced once by hand with viem (the copy @x402/evm 2.27.0 ships with, under
 * the interop lane's node_modules) by a small node script calling {@code hashDomain} and {@code
 * hashTypedData} with the type definitions of @x402/evm ({@code permit2WitnessTypes}, {@code
 * uptoPermit2WitnessTypes}, {@code eip2612PermitTypes}) on chain 84532 and the messages below. The
 * interop module cross-checks live against the official SDK.
 */
class Permit2Test {
  static final EvmAddress USDC = EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e");
  static final EvmAddress PAY_TO = EvmAddress.parse("0x209693Bc6afc0C5328bA36FaF03C514EF312287C");
  static final EvmAddress FACILITATOR =
      EvmAddress.parse("0x1111111111111111111111111111111111111111");
  static final BigInteger NONCE = new BigInteger("123456789012345678901234567890");
  static final BigInteger DEADLINE = BigInteger.valueOf(1767225600L);

  static Permit2Authorization exact(EvmAddress from) {
    return new Permit2Authorization(
        USDC,
        BigInteger.valueOf(10_000),
        from,
        Permit2.EXACT_PROXY,
        NONCE,
        DEADLINE,
        Permit2Witness.exact(PAY_TO, BigInteger.ZERO));
  }

  static Permit2Authorization upto(EvmAddress from) {
    return new Permit2Authorization(
        USDC,
        BigInteger.valueOf(10_000),
        from,
        Permit2.UPTO_PROXY,
        NONCE,
        DEADLINE,
        Permit2Witness.upto(PAY_TO, FACILITATOR, BigInteger.valueOf(5)));
  }

  @Test
  void addressesAreTheCanonicalOnes() {
    assertThat(Permit2.ADDRESS.toString()).isEqualTo("0x000000000022D473030F116dDEE9F6B43aC78BA3");
    assertThat(Permit2.EXACT_PROXY.toString())
        .isEqualTo("0x402085c248EeA27D92E8b30b2C58ed07f9E20001");
    assertThat(Permit2.UPTO_PROXY.toString())
        .isEqualTo("0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002");
  }

  @Test
  void domainSeparatorMatchesViem() {
    assertThat(Permit2.domainSeparator(84532).toString())
        .isEqualTo("0x010f27a92fb9a32622f44f001dc4d15706a85b33499cfc2ce9033113ab26592c");
  }

  @Test
  void exactDigestMatchesViem() {
    // The digest does not depend on "from" (the owner is not part of the signed message).
    assertThat(Permit2.digest(84532, exact(PAY_TO)).toString())
        .isEqualTo("0x765ec701332b41e2c50078c1609d121c76a7246403966611e51ad5e0c6cf8e95");
  }

  @Test
  void uptoDigestMatchesViem() {
    assertThat(Permit2.digest(84532, upto(PAY_TO)).toString())
        .isEqualTo("0x6abdb94569d0469b004408b293fd021dcaf4487f5dac18bb4e456cdd5ce2150b");
  }

  @Test
  void theWitnessTypeChangesTheDigest() {
    Permit2Authorization e = exact(PAY_TO);
    Permit2Authorization sameFieldsUptoWitness =
        new Permit2Authorization(
            e.token(),
            e.amount(),
            e.from(),
            e.spender(),
            e.nonce(),
            e.deadline(),
            Permit2Witness.upto(PAY_TO, FACILITATOR, BigInteger.ZERO));
    assertThat(Permit2.digest(84532, sameFieldsUptoWitness)).isNotEqualTo(Permit2.digest(84532, e));
    assertThat(Permit2.digest(1, e)).isNotEqualTo(Permit2.digest(84532, e));
  }

  @Test
  void typeStringsAreTheProxiesOnes() {
    assertThat(Permit2.EXACT_PERMIT_TYPE)
        .isEqualTo(
            "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,"
                + "uint256 deadline,Witness witness)TokenPermissions(address token,uint256 amount)"
                + "Witness(address to,uint256 validAfter)");
    assertThat(Permit2.UPTO_PERMIT_TYPE)
        .endsWith("Witness(address to,address facilitator,uint256 validAfter)");
  }

  @Test
  void eip2612DigestMatchesViem() {
    Bytes32 domain = Eip2612.domainSeparator("USD Coin", "2", 84532, USDC);
    assertThat(
            Eip2612.digest(
                    domain,
                    PAY_TO,
                    Permit2.ADDRESS,
                    BigInteger.valueOf(10_000),
                    BigInteger.valueOf(3),
                    DEADLINE)
                .toString())
        .isEqualTo("0x7b391cc2636451cb44c6b5d09b8c04ff7db91810aa7396b6bdf658c72474d0f5");
  }

  @Test
  void signRefusesAnAuthorizationFromAnotherAccount() {
    PrivateKeySigner signer = PrivateKeySigner.fromHex(PrivateKeySignerTest.ANVIL_KEY_0);
    Signature sig = Permit2.sign(signer, 84532, exact(signer.address()));
    assertThat(sig.recoverSigner(Permit2.digest(84532, exact(signer.address()))))
        .isEqualTo(signer.address());
    assertThatThrownBy(() -> Permit2.sign(signer, 84532, exact(PAY_TO)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not the signer");
  }

  @Test
  void numbersOutsideUint256AreRefused() {
    BigInteger tooBig = BigInteger.ONE.shiftLeft(256);
    assertThatThrownBy(
            () ->
                new Permit2Authorization(
                    USDC,
                    BigInteger.ONE,
                    PAY_TO,
                    Permit2.EXACT_PROXY,
                    tooBig,
                    DEADLINE,
                    Permit2Witness.exact(PAY_TO, BigInteger.ZERO)))
        .hasMessageContaining("nonce must be a uint256");
    assertThatThrownBy(() -> Permit2Witness.exact(PAY_TO, BigInteger.valueOf(-1)))
        .hasMessageContaining("witness.validAfter");
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.startsWith("0x") ? s.substring(2) : s);
  }
}
