package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.Base58;
import io.x402j.core.wire.PaymentRequirements;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Known vectors and interop against the official libraries: @solana/kit and
 *
 * @solana-program/token for keys, curve points and associated token accounts; the @x402/svm 2.27.0
 *     client for the payment transaction (byte for byte); kit's decoders (the official
 *     facilitator's) for decoding ours.
 */
class SvmInteropIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final Network DEVNET = new Network("solana", "EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  private static final String USDC_DEVNET = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  private static final SolanaKeypair PAYER = SolanaKeypair.fromSeed(seed(1));
  private static final SolanaAddress FEE_PAYER = SolanaKeypair.fromSeed(seed(2)).address();
  private static final SolanaAddress PAY_TO = SolanaKeypair.fromSeed(seed(3)).address();
  private static final String BLOCKHASH = Base58.encode(seed(4));

  private static byte[] seed(int n) {
    byte[] seed = new byte[32];
    new Random(n).nextBytes(seed);
    return seed;
  }

  @Test
  void keysCurvePointsAndAssociatedAccountsMatchSolanaKit() throws Exception {
    Random random = new Random(42);
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] s = new byte[32];
      random.nextBytes(s);
      seeds.add(HEX.formatHex(s));
    }
    List<SolanaAddress> owners =
        List.of(PAYER.address(), PAY_TO, FEE_PAYER, SolanaPrograms.TOKEN, SolanaPrograms.SYSTEM);
    List<SolanaAddress> mints =
        List.of(
            SolanaAddress.parse(USDC_DEVNET),
            SolanaAddress.parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
            SolanaAddress.parse("2u1tszSeqZ3qBWF3uNGPFc8TzMk2tdiwknnRMWGWjGWH"));
    List<Map<String, String>> atas = new ArrayList<>();
    List<SolanaAddress> expectedAtas = new ArrayList<>();
    for (SolanaAddress owner : owners) {
      for (SolanaAddress mint : mints) {
        for (SolanaAddress program : List.of(SolanaPrograms.TOKEN, SolanaPrograms.TOKEN_2022)) {
          atas.add(
              Map.of(
                  "owner",
                  owner.toString(),
                  "mint",
                  mint.toString(),
                  "program",
                  program.toString()));
          expectedAtas.add(TokenAccounts.associated(owner, mint, program));
        }
      }
    }
    List<String> curve = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[32];
      random.nextBytes(b);
      curve.add(Base58.encode(b));
    }
    expectedAtas.forEach(a -> curve.add(a.toString()));
    Map<String, Object> input = Map.of("seeds", seeds, "atas", atas, "curve", curve);

    JsonNode out = NodeScripts.run("vectors.mjs", JSON.writeValueAsString(input));

    for (int i = 0; i < seeds.size(); i++) {
      assertThat(SolanaKeypair.fromSeed(HEX.parseHex(seeds.get(i))).address().toString())
          .as("address of seed %s", seeds.get(i))
          .isEqualTo(out.get("addresses").get(i).asText());
    }
    for (int i = 0; i < expectedAtas.size(); i++) {
      assertThat(expectedAtas.get(i).toString())
          .as("ATA %s", atas.get(i))
          .isEqualTo(out.get("atas").get(i).asText());
    }
    int onCurve = 0;
    for (int i = 0; i < curve.size(); i++) {
      boolean ours = Ed25519.isOnCurve(Base58.decode(curve.get(i)));
      assertThat(ours)
          .as("on curve: %s", curve.get(i))
          .isEqualTo(out.get("onCurve").get(i).asBoolean());
      onCurve += ours ? 1 : 0;
    }
    // the random sample exercises both answers
    assertThat(onCurve).isBetween(50, 250);
  }

  private static PaymentRequirements requirements(Map<String, Object> extra) {
    return PaymentRequirements.builder()
        .scheme("exact")
        .network(DEVNET)
        .amount(TokenAmount.of(1000))
        .asset(USDC_DEVNET)
        .payTo(PAY_TO.toString())
        .maxTimeoutSeconds(60)
        .extra(extra)
        .build();
  }

  private static JsonNode official(
      PaymentRequirements requirements, int decimals, SolanaAddress program) throws Exception {
    Map<String, Object> wire = new LinkedHashMap<>();
    wire.put("scheme", requirements.scheme());
    wire.put("network", requirements.network().toString());
    wire.put("amount", requirements.amount().toString());
    wire.put("asset", requirements.asset());
    wire.put("payTo", requirements.payTo());
    wire.put("maxTimeoutSeconds", requirements.maxTimeoutSeconds());
    wire.put("extra", requirements.extra());
    Map<String, Object> input =
        Map.of(
            "secret",
            PAYER.secretBase58(),
            "x402Version",
            2,
            "requirements",
            wire,
            "mint",
            Map.of("decimals", decimals, "program", program.toString()));
    return NodeScripts.run("official-payload.mjs", JSON.writeValueAsString(input));
  }

  @Test
  void theOfficialClientBuildsByteForByteWhatOursBuilds() throws Exception {
    PaymentRequirements requirements =
        requirements(
            Map.of(
                "feePayer", FEE_PAYER.toString(), "memo", "inv_42", "recentBlockhash", BLOCKHASH));
    JsonNode payload = official(requirements, 6, SolanaPrograms.TOKEN);
    assertThat(payload.size()).isEqualTo(1);
    ExactSvmPayload theirs =
        ExactSvmPayload.parse(Map.of("transaction", payload.get("transaction").asText()));

    SolanaTransaction tx = theirs.transaction();
    SolanaMessage m = tx.message();
    assertThat(m.version()).isZero();
    assertThat(m.numRequiredSignatures()).isEqualTo(2);
    assertThat(m.numReadonlySigned()).isEqualTo(1);
    assertThat(m.numReadonlyUnsigned()).isEqualTo(4);
    SolanaAddress mint = SolanaAddress.parse(USDC_DEVNET);
    SolanaAddress source = TokenAccounts.associated(PAYER.address(), mint, SolanaPrograms.TOKEN);
    SolanaAddress destination = TokenAccounts.associated(PAY_TO, mint, SolanaPrograms.TOKEN);
    assertThat(m.staticAccounts().get(0)).isEqualTo(FEE_PAYER);
    assertThat(m.staticAccounts().get(1)).isEqualTo(PAYER.address());
    assertThat(m.staticAccounts().subList(2, 4)).containsExactlyInAnyOrder(source, destination);
    assertThat(m.staticAccounts().subList(4, 8))
        .containsExactly(
            mint, SolanaPrograms.COMPUTE_BUDGET, SolanaPrograms.MEMO, SolanaPrograms.TOKEN);
    assertThat(m.recentBlockhash()).isEqualTo(BLOCKHASH);
    assertThat(m.addressTableLookups()).isEmpty();
    List<CompiledInstruction> ixs = m.instructions();
    assertThat(ixs).hasSize(4);
    assertThat(m.staticAccounts().get(ixs.get(0).programIdIndex()))
        .isEqualTo(SolanaPrograms.COMPUTE_BUDGET);
    assertThat(HEX.formatHex(ixs.get(0).data())).isEqualTo("02204e0000");
    assertThat(ixs.get(0).accounts()).isEmpty();
    assertThat(HEX.formatHex(ixs.get(1).data())).isEqualTo("030100000000000000");
    assertThat(m.staticAccounts().get(ixs.get(2).programIdIndex())).isEqualTo(SolanaPrograms.TOKEN);
    assertThat(ixs.get(2).accounts().stream().map(m.staticAccounts()::get))
        .containsExactly(source, mint, destination, PAYER.address());
    assertThat(HEX.formatHex(ixs.get(2).data())).isEqualTo("0ce80300000000000006");
    assertThat(m.staticAccounts().get(ixs.get(3).programIdIndex())).isEqualTo(SolanaPrograms.MEMO);
    assertThat(ixs.get(3).data()).isEqualTo("inv_42".getBytes());
    assertThat(tx.isUnsigned(0)).isTrue();
    assertThat(Ed25519.verify(PAYER.address(), tx.messageBytes(), tx.signature(1))).isTrue();

    // Ed25519 is deterministic: the same inputs give the same bytes.
    ExactSvmPayload ours = ExactSvmClient.of(PAYER).pay(requirements);
    assertThat(ours.transactionBase64()).isEqualTo(payload.get("transaction").asText());
    assertThat(ours.paymentId()).isEqualTo(theirs.paymentId());
  }

  @Test
  void accountOrderFollowsKitsCollationForOtherRecipients() throws Exception {
    // The two token accounts are ordered by kit's base58 collation (case-insensitive first), not
    // by ASCII. Recipient seeds 18, 60, 229 and 243 give destination accounts that ASCII would
    // order the other way round ("7QJG…" vs "7kEz…"); 10 and 11 are ordinary cases.
    int asciiDisagrees = 0;
    for (int n : new int[] {10, 11, 18, 60, 229, 243}) {
      PaymentRequirements requirements =
          requirements(
                  Map.of(
                      "feePayer", FEE_PAYER.toString(), "memo", "m", "recentBlockhash", BLOCKHASH))
              .toBuilder()
              .payTo(SolanaKeypair.fromSeed(seed(n)).address().toString())
              .build();
      JsonNode payload = official(requirements, 6, SolanaPrograms.TOKEN);
      ExactSvmPayload ours = ExactSvmClient.of(PAYER).pay(requirements);
      assertThat(ours.transactionBase64())
          .as("recipient seed %d", n)
          .isEqualTo(payload.get("transaction").asText());
      List<SolanaAddress> accounts = ours.transaction().message().staticAccounts();
      if (accounts.get(2).toString().compareTo(accounts.get(3).toString()) > 0) {
        asciiDisagrees++;
      }
    }
    assertThat(asciiDisagrees).as("cases where ASCII order would differ").isEqualTo(4);
  }

  @Test
  void theOfficialNonceMemoIs32HexCharacters() throws Exception {
    PaymentRequirements requirements =
        requirements(Map.of("feePayer", FEE_PAYER.toString(), "recentBlockhash", BLOCKHASH));
    JsonNode payload = official(requirements, 6, SolanaPrograms.TOKEN);
    SolanaTransaction theirs =
        ExactSvmPayload.parse(Map.of("transaction", payload.get("transaction").asText()))
            .transaction();
    SolanaTransaction ours = ExactSvmClient.of(PAYER).pay(requirements).transaction();
    for (SolanaTransaction tx : List.of(theirs, ours)) {
      assertThat(new String(tx.message().instructions().get(3).data())).matches("[0-9a-f]{32}");
    }
    assertThat(ours.message().staticAccounts()).isEqualTo(theirs.message().staticAccounts());
  }

  @Test
  void solanaKitDecodesOurTransaction() throws Exception {
    SolanaAddress mint = SolanaAddress.parse("2u1tszSeqZ3qBWF3uNGPFc8TzMk2tdiwknnRMWGWjGWH");
    ExactSvmClient client =
        ExactSvmClient.builder(PAYER)
            .blockhashSource(network -> new RecentBlockhash(BLOCKHASH, 1234))
            .mintInfoSource((network, m) -> new MintInfo(SolanaPrograms.TOKEN_2022, 6))
            .random(new SecureRandom())
            .build();
    PaymentRequirements requirements =
        requirements(Map.of("feePayer", FEE_PAYER.toString(), "memo", "ünïcödé memo")).toBuilder()
            .asset(mint.toString())
            .amount(TokenAmount.of(new java.math.BigInteger("18446744073709551615")))
            .build();
    ExactSvmPayload payload = ExactSvmPayload.parse(client.createPayload(2, requirements));
    SolanaTransaction tx = payload.transaction();

    JsonNode kit = NodeScripts.run("decode.mjs", payload.transactionBase64());

    assertThat(kit.get("version").asInt()).isZero();
    assertThat(kit.get("header").get("numSignerAccounts").asInt()).isEqualTo(2);
    assertThat(kit.get("header").get("numReadonlySignerAccounts").asInt()).isEqualTo(1);
    assertThat(kit.get("header").get("numReadonlyNonSignerAccounts").asInt())
        .isEqualTo(tx.message().numReadonlyUnsigned());
    List<String> accounts = new ArrayList<>();
    kit.get("staticAccounts").forEach(a -> accounts.add(a.asText()));
    assertThat(accounts)
        .isEqualTo(tx.message().staticAccounts().stream().map(SolanaAddress::toString).toList());
    assertThat(kit.get("lifetimeToken").asText()).isEqualTo(BLOCKHASH);
    for (int i = 0; i < 4; i++) {
      JsonNode ix = kit.get("instructions").get(i);
      CompiledInstruction ours = tx.message().instructions().get(i);
      assertThat(ix.get("programAddressIndex").asInt()).isEqualTo(ours.programIdIndex());
      List<Integer> indices = new ArrayList<>();
      ix.get("accountIndices").forEach(a -> indices.add(a.asInt()));
      assertThat(indices).isEqualTo(ours.accounts());
      assertThat(ix.get("data").asText()).isEqualTo(HEX.formatHex(ours.data()));
    }
    assertThat(kit.get("instructions").size()).isEqualTo(4);
    assertThat(HEX.formatHex(tx.message().instructions().get(2).data()))
        .isEqualTo("0cffffffffffffffff06");
    assertThat(kit.get("signatures").get(FEE_PAYER.toString()).isNull()).isTrue();
    assertThat(kit.get("verified").get(PAYER.address().toString()).asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(payload.transactionBase64())).isEqualTo(tx.encode());
  }
}
