package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.TokenAmount;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * EIP-712 digests and signatures of the same authorizations, computed by x402j and by viem (the
 * official SDK's signer), are identical byte for byte: varied names (Unicode too), versions, chain
 * ids, amounts up to uint256, windows and nonces.
 */
class SignatureInteropIT {
  static Map<String, Object> message(Eip3009Authorization a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", a.from().toString());
    m.put("to", a.to().toString());
    m.put("value", a.value().value().toString());
    m.put("validAfter", a.validAfter().toString());
    m.put("validBefore", a.validBefore().toString());
    m.put("nonce", a.nonce().toString());
    return m;
  }

  @Test
  void digestsAndSignaturesMatchViem() throws Exception {
    Random random = new Random(402);
    SecureRandom keys = new SecureRandom();
    String[] names = {"USDC", "USD Coin", "Test Dollar", "Ünïcødé € Token", ""};
    List<Map<String, Object>> cases = new ArrayList<>();
    List<String[]> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      PrivateKeySigner signer = PrivateKeySigner.generate(keys);
      String name = names[i % names.length];
      String version = Integer.toString(1 + random.nextInt(3));
      long chainId = new long[] {1, 8453, 84532, 31337, 324705682}[i % 5];
      EvmAddress token = PrivateKeySigner.generate(keys).address();
      BigInteger value =
          i == 0
              ? BigInteger.TWO.pow(256).subtract(BigInteger.ONE)
              : BigInteger.valueOf(random.nextInt(1_000_000_000));
      Eip3009Authorization authorization =
          new Eip3009Authorization(
              signer.address(),
              PrivateKeySigner.generate(keys).address(),
              TokenAmount.of(value),
              BigInteger.valueOf(random.nextInt(1_000_000)),
              BigInteger.valueOf(1_700_000_000L + random.nextInt(100_000_000)),
              Bytes32.random(keys));
      Bytes32 digest =
          Eip3009.digest(Eip3009.domainSeparator(name, version, chainId, token), authorization);
      expected.add(new String[] {digest.toString(), signer.sign(digest).toString()});
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("key", signer.exportPrivateKeyHex());
      c.put(
          "domain",
          Map.of(
              "name",
              name,
              "version",
              version,
              "chainId",
              chainId,
              "verifyingContract",
              token.toString()));
      c.put("message", message(authorization));
      cases.add(c);
    }

    JsonNode results =
        Node.project()
            .run(
                "sign.mjs",
                Map.of("X402J_CASES", new ObjectMapper().writeValueAsString(cases)),
                Duration.ofSeconds(60))
            .path("results");

    assertThat(results).hasSize(cases.size());
    for (int i = 0; i < cases.size(); i++) {
      assertThat(results.get(i).path("digest").asText())
          .as("digest %d", i)
          .isEqualTo(expected.get(i)[0]);
      assertThat(results.get(i).path("signature").asText())
          .as("signature %d", i)
          .isEqualTo(expected.get(i)[1]);
    }
  }
}
