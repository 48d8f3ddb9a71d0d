package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeClient;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Witness;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.UptoEvmClient;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Permit2 payments, exact and upto, made by the official v2 clients (@x402/evm with viem) for fixed
 * inputs (their clock and random source are pinned, so nothing is re-implemented on the Node side)
 * and by x402j for the same inputs: the EIP-712 digest, the signature, the payload's JSON text
 * (field order included) and the proxy's {@code settle} calldata are identical byte for byte.
 * Varied chain ids, amounts up to uint256, nonces from zero to uint256 max, deadlines, recipients
 * and facilitators.
 */
class Permit2SignatureInteropIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final BigInteger MAX = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

  record Case(
      PrivateKeySigner signer,
      boolean upto,
      long chainId,
      long now,
      int maxTimeoutSeconds,
      byte[] nonce,
      EvmAddress token,
      BigInteger amount,
      EvmAddress payTo,
      EvmAddress facilitator,
      BigInteger settleAmount) {

    Permit2Authorization authorization() {
      return new Permit2Authorization(
          token,
          amount,
          signer.address(),
          upto ? Permit2.UPTO_PROXY : Permit2.EXACT_PROXY,
          new BigInteger(1, nonce),
          BigInteger.valueOf(now + maxTimeoutSeconds),
          upto
              ? Permit2Witness.upto(payTo, facilitator, BigInteger.ZERO)
              : Permit2Witness.exact(payTo, BigInteger.ZERO));
    }

    /** The requirement the official client is given, as x402j's wire type. */
    PaymentRequirements requirements() {
      PaymentRequirements.Builder b =
          PaymentRequirements.builder()
              .scheme(upto ? "upto" : "exact")
              .network(Network.parse("eip155:" + chainId))
              .amount(TokenAmount.of(amount))
              .asset(token.toString())
              .payTo(payTo.toString())
              .maxTimeoutSeconds(maxTimeoutSeconds)
              .extra("name", "USDC")
              .extra("version", "2")
              .extra("assetTransferMethod", "permit2");
      if (upto) {
        b.extra("facilitatorAddress", facilitator.toString());
      }
      return b.build();
    }

    /** x402j's client for this case, with the same clock reading and random nonce. */
    SchemeClient x402jClient() {
      Clock clock = Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC);
      return upto
          ? UptoEvmClient.of(signer, clock, new FixedRandom(nonce))
          : ExactEvmClient.of(signer, clock, new FixedRandom(nonce));
    }

    Map<String, Object> toNode() {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("name", "USDC");
      extra.put("version", "2");
      extra.put("assetTransferMethod", "permit2");
      if (upto) {
        extra.put("facilitatorAddress", facilitator.toString());
      }
      Map<String, Object> requirements = new LinkedHashMap<>();
      requirements.put("scheme", upto ? "upto" : "exact");
      requirements.put("network", "eip155:" + chainId);
      requirements.put("asset", token.toString());
      requirements.put("amount", amount.toString());
      requirements.put("payTo", payTo.toString());
      requirements.put("maxTimeoutSeconds", maxTimeoutSeconds);
      requirements.put("extra", extra);
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("key", signer.exportPrivateKeyHex());
      c.put("kind", upto ? "upto" : "exact");
      c.put("now", now);
      c.put("nonce", Hex.encode(nonce));
      c.put("requirements", requirements);
      if (settleAmount != null) {
        c.put("settleAmount", settleAmount.toString());
      }
      return c;
    }
  }

  /** A random source that yields the same bytes each time, as the pinned official client. */
  static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedRandom(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      System.arraycopy(bytes, 0, out, 0, out.length);
    }
  }

  static List<Case> cases() {
    Random random = new Random(2612);
    SecureRandom keys = new SecureRandom();
    long[] chains = {1, 8453, 84532, 31337, 324705682};
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      byte[] nonce = new byte[32];
      if (i % 6 == 1) {
        java.util.Arrays.fill(nonce, (byte) 0xff);
      } else if (i % 6 != 0) {
        random.nextBytes(nonce);
      }
      BigInteger amount =
          i == 2 ? MAX : BigInteger.valueOf(1 + random.nextInt(1_000_000_000)); // uint256 max once
      boolean upto = i % 2 == 1;
      BigInteger settle =
          !upto ? null : i == 3 ? BigInteger.ZERO : amount.divide(BigInteger.valueOf(3));
      cases.add(
          new Case(
              PrivateKeySigner.generate(keys),
              upto,
              chains[i % chains.length],
              1_700_000_000L + random.nextInt(200_000_000),
              1 + random.nextInt(3600),
              nonce,
              PrivateKeySigner.generate(keys).address(),
              amount,
              PrivateKeySigner.generate(keys).address(),
              PrivateKeySigner.generate(keys).address(),
              settle));
    }
    return cases;
  }

  @Test
  void payloadsDigestsSignaturesAndCalldataMatchTheOfficialClients() throws Exception {
    List<Case> cases = cases();
    JsonNode results =
        Node.project()
            .run(
                "permit2-sign.mjs",
                Map.of(
                    "X402J_CASES",
                    JSON.writeValueAsString(cases.stream().map(Case::toNode).toList())),
                Duration.ofSeconds(90))
            .path("results");

    assertThat(results).hasSize(cases.size());
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      JsonNode official = results.get(i);
      String label = (c.upto() ? "upto" : "exact") + " case " + i;
      Permit2Authorization authorization = c.authorization();

      assertThat(Permit2.digest(c.chainId(), authorization).toString())
          .as("digest, %s", label)
          .isEqualTo(official.path("digest").asText());
      Permit2Payload ours =
          new Permit2Payload(
              Permit2.sign(c.signer(), c.chainId(), authorization).toString(), authorization);
      assertThat(JSON.writeValueAsString(ours.toMap()))
          .as("payload JSON, %s", label)
          .isEqualTo(official.path("payloadJson").asText());
      byte[] calldata =
          c.upto()
              ? Permit2Calls.uptoSettle(ours, c.settleAmount())
              : Permit2Calls.exactSettle(ours);
      assertThat(Hex.encode(calldata))
          .as("settle calldata, %s", label)
          .isEqualTo(official.path("calldata").asText());
      // x402j's client, at the same instant with the same nonce, makes the same payload text.
      assertThat(JSON.writeValueAsString(c.x402jClient().createPayload(2, c.requirements())))
          .as("x402j client's payload JSON, %s", label)
          .isEqualTo(official.path("payloadJson").asText());
      // And the official payload reads back as the same payment.
      @SuppressWarnings("unchecked")
      Map<String, Object> officialPayload = JSON.convertValue(official.path("payload"), Map.class);
      assertThat(Permit2Payload.fromMap(officialPayload)).as("parsed, %s", label).isEqualTo(ours);
    }
  }
}
