package io.x402j.svm.facilitator.internal;

import io.x402j.core.Network;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.support.Futures;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.rpc.RpcException;
import io.x402j.svm.CompiledInstruction;
import io.x402j.svm.Ed25519;
import io.x402j.svm.ExactSvmPayload;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaMessage;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.SolanaTransaction;
import io.x402j.svm.SvmSigner;
import io.x402j.svm.TokenAccounts;
import io.x402j.svm.facilitator.SvmNetworkConfig;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Verifies exact-scheme Solana payments: every check of the official facilitator ({@code
 * @x402/svm} 2.27.0, static path) in its order with its reasons, plus x402j's fail-closed fee-payer
 * isolation, then a simulation without signature verification (every signature but the fee
 * payer's was verified locally). Order:
 *
 * <ol>
 *   <li>scheme, network;
 *   <li>{@code extra.feePayer} present and one of this network's fee payers; the mint accepted;
 *   <li>the transaction decodes (strict base64, v0 or legacy message);
 *   <li>at most {@link SvmNetworkConfig#maxRequiredSignatures()} required signatures;
 *   <li>account 0 is {@code extra.feePayer}; every other required signature verifies (Ed25519);
 *   <li>address-lookup tables resolved (unknown or unfetchable: refused);
 *   <li>3 to 7 instructions (v1: 6): compute-unit limit, compute-unit price (capped), {@code
 *       TransferChecked} whose authority is none of the fee payers, of the mint, to the payee's
 *       associated token account, of exactly the amount; then only Lighthouse or Memo, with exactly
 *       one Memo equal to {@code extra.memo} when it is set;
 *   <li>x402j: no fee payer appears in any instruction's accounts or as a program;
 *   <li>simulation.
 * </ol>
 *
 * Not part of the x402j API.
 */
public final class SvmVerifier {
  private static final int TRANSFER_CHECKED = 12;

  private final Function<Network, SvmNetworkConfig> chains;

  /**
   * Derived associated token accounts of payTo: a pure function of the three addresses, but the
   * derivation (SHA-256 and a curve test per bump tried) was a noticeable part of a verification's
   * CPU, and a seller's payTo and mint repeat. Bounded: cleared when full.
   */
  private final ConcurrentHashMap<AtaKey, SolanaAddress> associatedAccounts =
      new ConcurrentHashMap<>();

  private static final int MAX_CACHED_ACCOUNTS = 4096;

  private record AtaKey(SolanaAddress owner, SolanaAddress mint, SolanaAddress program) {}

  /** A verifier of payments on the networks {@code chains} knows (null for others). */
  public SvmVerifier(Function<Network, SvmNetworkConfig> chains) {
    this.chains = chains;
  }

  /**
   * A payment that passed every check before simulation.
   *
   * @param config its network
   * @param transaction the decoded transaction
   * @param base64 the transaction as it arrived (canonical base64)
   * @param feePayer the fee payer that sponsors it
   * @param payer the transfer authority
   * @param mint the mint
   * @param payTo the payee (owner of the destination account)
   * @param amount the amount in atomic units
   * @param paymentId the lower-hex SHA-256 of the message bytes
   * @param fingerprint the lower-hex SHA-256 of the message bytes and the client's signatures
   */
  public record Checked(
      SvmNetworkConfig config,
      SolanaTransaction transaction,
      String base64,
      SvmSigner feePayer,
      SolanaAddress payer,
      SolanaAddress mint,
      SolanaAddress payTo,
      BigInteger amount,
      String paymentId,
      String fingerprint) {}

  /**
   * The verdict: {@code reason} null when valid.
   *
   * @param reason why not, or {@code null}
   * @param message a human-readable explanation
   * @param payer the transfer authority when known, else {@code null}
   * @param checked the payment, when every check before simulation passed
   */
  public record Verdict(SvmReason reason, String message, String payer, Checked checked) {
    static Verdict refuse(SvmReason reason, String message, String payer) {
      return new Verdict(reason, message, payer, null);
    }

    /** Whether the payment is valid. */
    public boolean valid() {
      return reason == null;
    }
  }

  /** Verifies, simulation included. */
  public CompletableFuture<Verdict> verify(SchemeRequest request) {
    return check(request)
        .thenCompose(
            verdict ->
                verdict.checked() == null || !verdict.valid()
                    ? CompletableFuture.completedFuture(verdict)
                    : simulate(verdict.checked()));
  }

  /** Every check before simulation. */
  public CompletableFuture<Verdict> check(SchemeRequest request) {
    PaymentRequirements req = request.requirements();
    PaymentRequirements accepted = request.payload().accepted();
    if (!"exact".equals(accepted.scheme()) || !"exact".equals(req.scheme())) {
      return done(Verdict.refuse(SvmReason.UNSUPPORTED_SCHEME, "the scheme is not exact", null));
    }
    if (!accepted.network().equals(req.network())) {
      return done(
          Verdict.refuse(
              SvmReason.NETWORK_MISMATCH, "the payment is for a different network", null));
    }
    SvmNetworkConfig config = chains.apply(req.network());
    if (config == null) {
      return done(
          Verdict.refuse(
              SvmReason.INVALID_NETWORK, "this facilitator does not serve " + req.network(), null));
    }
    String feePayerText = req.extraString("feePayer");
    if (feePayerText == null && req.extra() != null && req.extra().get("feePayer") != null) {
      return done(
          Verdict.refuse(
              SvmReason.MISSING_FEE_PAYER, "extra.feePayer must be a base58 address string", null));
    }
    if (feePayerText == null || feePayerText.isEmpty()) {
      return done(
          Verdict.refuse(
              SvmReason.MISSING_FEE_PAYER, "the requirements have no extra.feePayer", null));
    }
    SolanaAddress feePayerAddress = address(feePayerText);
    SvmSigner feePayer = feePayerAddress == null ? null : config.feePayer(feePayerAddress);
    if (feePayer == null) {
      return done(
          Verdict.refuse(
              SvmReason.FEE_PAYER_NOT_MANAGED,
              "extra.feePayer is not a fee payer of this facilitator",
              null));
    }
    SolanaAddress mint = address(req.asset());
    if (!config.assets().isEmpty() && (mint == null || !config.assets().contains(mint))) {
      return done(
          Verdict.refuse(
              SvmReason.UNSUPPORTED_ASSET,
              "this facilitator does not accept mint " + req.asset() + " on " + req.network(),
              null));
    }
    Object raw = request.payload().payload().get("transaction");
    SolanaTransaction tx;
    try {
      if (!(raw instanceof String)) {
        throw new IllegalArgumentException("payload.transaction is not a string");
      }
      tx = SolanaTransaction.decode(ExactSvmPayload.base64((String) raw));
    } catch (IllegalArgumentException e) {
      return done(
          Verdict.refuse(
              SvmReason.COULD_NOT_BE_DECODED,
              "the transaction cannot be decoded: " + e.getMessage(),
              null));
    }
    SolanaMessage message = tx.message();
    int required = message.numRequiredSignatures();
    if (required > config.maxRequiredSignatures()) {
      return done(
          Verdict.refuse(
              SvmReason.EXCESSIVE_SIGNERS,
              "the transaction requires "
                  + required
                  + " signatures; at most "
                  + config.maxRequiredSignatures()
                  + " are accepted",
              null));
    }
    List<SolanaAddress> statics = message.staticAccounts();
    if (statics.isEmpty() || !statics.get(0).equals(feePayerAddress)) {
      return done(
          Verdict.refuse(
              SvmReason.FEE_PAYER_MISMATCH,
              "the transaction's fee payer is not extra.feePayer",
              null));
    }
    byte[] messageBytes = tx.messageBytes();
    List<byte[]> signatures = tx.signatures();
    for (int i = 1; i < required; i++) {
      byte[] signature = i < signatures.size() ? signatures.get(i) : null;
      if (i >= statics.size()
          || signature == null
          || signature.length != 64
          || !Ed25519.verify(statics.get(i), messageBytes, signature)) {
        return done(
            Verdict.refuse(
                SvmReason.SIGNATURE_INVALID,
                "signature " + i + " is not a valid signature of the message",
                null));
      }
    }
    String paymentId = ExactSvmPayload.paymentId(tx);
    String fingerprint = fingerprint(messageBytes, signatures);
    String base64 = (String) raw;
    return LookupTables.resolve(config.rpc(), message.addressTableLookups())
        .handle(
            (loaded, error) -> {
              if (error != null) {
                Throwable cause = Futures.unwrap(error);
                String why =
                    cause instanceof LookupTables.Unresolvable
                        ? cause.getMessage()
                        : "reading the address lookup tables failed: " + cause.getMessage();
                return Verdict.refuse(SvmReason.ALT_RESOLUTION_FAILED, why, null);
              }
              List<SolanaAddress> accounts = new ArrayList<>(statics);
              accounts.addAll(loaded);
              return staticPath(
                  request,
                  config,
                  tx,
                  base64,
                  feePayer,
                  accounts,
                  statics.size(),
                  paymentId,
                  fingerprint);
            });
  }

  /**
   * x402j: a Token-2022 mint whose TransferFeeConfig charges a fee lands less than the amount in
   * the payee's account (the fee is withheld there for the mint's authority), so it is not an exact
   * payment of the amount. Tokenkeg mints have no fees; the mint is read only for Token-2022.
   */
  private CompletableFuture<Verdict> transferFee(Checked checked) {
    Verdict verdict = new Verdict(null, null, checked.payer().toString(), checked);
    if (!tokenProgram(checked.transaction()).equals(SolanaPrograms.TOKEN_2022)) {
      return done(verdict);
    }
    return checked
        .config()
        .rpc()
        .getAccountInfo(checked.mint().toString())
        .handle(
            (account, error) -> {
              if (error != null) {
                return Verdict.refuse(
                    SvmReason.UNEXPECTED_VERIFY_ERROR,
                    "cannot read mint "
                        + checked.mint()
                        + ": "
                        + Futures.unwrap(error).getMessage(),
                    verdict.payer());
              }
              // A missing mint or one of another program fails the simulation.
              if (account.isPresent()
                  && SolanaPrograms.TOKEN_2022.toString().equals(account.get().owner())
                  && chargesTransferFee(account.get().data())) {
                return Verdict.refuse(
                    SvmReason.AMOUNT_MISMATCH,
                    "mint "
                        + checked.mint()
                        + " charges a transfer fee: payTo would receive less than "
                        + checked.amount(),
                    verdict.payer());
              }
              return verdict;
            });
  }

  /** The program of the transfer instruction (the third). */
  private static SolanaAddress tokenProgram(SolanaTransaction tx) {
    SolanaMessage message = tx.message();
    return message.staticAccounts().get(message.instructions().get(2).programIdIndex());
  }

  /**
   * Whether Token-2022 mint data carries a TransferFeeConfig extension with a non-zero fee (basis
   * points and maximum) in its older or newer epoch setting. Malformed extension data counts as a
   * fee (fail closed).
   */
  static boolean chargesTransferFee(byte[] data) {
    final int base = 165;
    if (data.length <= base) {
      return false; // a plain mint: no extensions
    }
    if (data[base] != 1) {
      return true; // not a mint
    }
    int offset = base + 1;
    while (offset + 4 <= data.length) {
      int type = (data[offset] & 0xff) | (data[offset + 1] & 0xff) << 8;
      int length = (data[offset + 2] & 0xff) | (data[offset + 3] & 0xff) << 8;
      offset += 4;
      if (offset + length > data.length) {
        return true;
      }
      if (type == 1) {
        if (length != 108) {
          return true;
        }
        for (int fee = offset + 72; fee <= offset + 90; fee += 18) {
          boolean maximum = !allZero(data, fee + 8, 8);
          boolean bps = !allZero(data, fee + 16, 2);
          if (maximum && bps) {
            return true;
          }
        }
      }
      offset += length;
    }
    return false;
  }

  private static boolean allZero(byte[] data, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (data[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** One instruction with its program and accounts resolved. */
  private record Resolved(SolanaAddress program, List<SolanaAddress> accounts, byte[] data) {}

  private Verdict staticPath(
      SchemeRequest request,
      SvmNetworkConfig config,
      SolanaTransaction tx,
      String base64,
      SvmSigner feePayer,
      List<SolanaAddress> accounts,
      int staticCount,
      String paymentId,
      String fingerprint) {
    PaymentRequirements req = request.requirements();
    List<Resolved> instructions = new ArrayList<>();
    for (CompiledInstruction ix : tx.message().instructions()) {
      // The runtime takes program ids from the static accounts only.
      if (ix.programIdIndex() < 0 || ix.programIdIndex() >= staticCount) {
        return Verdict.refuse(
            SvmReason.COULD_NOT_BE_DECODED, "an instruction's program index is out of range", null);
      }
      List<SolanaAddress> ixAccounts = new ArrayList<>();
      for (int index : ix.accounts()) {
        if (index < 0 || index >= accounts.size()) {
          return Verdict.refuse(
              SvmReason.COULD_NOT_BE_DECODED,
              "an instruction's account index is out of range",
              null);
        }
        ixAccounts.add(accounts.get(index));
      }
      instructions.add(new Resolved(accounts.get(ix.programIdIndex()), ixAccounts, ix.data()));
    }
    int most = request.x402Version() == 1 ? 6 : 7;
    if (instructions.size() < 3 || instructions.size() > most) {
      return Verdict.refuse(
          SvmReason.INSTRUCTIONS_LENGTH,
          "the transaction has "
              + instructions.size()
              + " instructions; 3 to "
              + most
              + " expected",
          null);
    }
    Verdict budget = computeBudget(config, instructions.get(0), instructions.get(1));
    if (budget != null) {
      return budget;
    }
    String payer = tokenPayer(instructions);
    if (payer == null) {
      return Verdict.refuse(
          SvmReason.NO_TRANSFER_INSTRUCTION, "the transaction has no token transfer", null);
    }
    Resolved transfer = instructions.get(2);
    boolean token = transfer.program().equals(SolanaPrograms.TOKEN);
    if (!token && !transfer.program().equals(SolanaPrograms.TOKEN_2022)) {
      return Verdict.refuse(
          SvmReason.NO_TRANSFER_INSTRUCTION,
          "the third instruction is not a token program's",
          payer);
    }
    byte[] data = transfer.data();
    if (data.length != 10 || data[0] != TRANSFER_CHECKED || transfer.accounts().size() < 4) {
      return Verdict.refuse(
          SvmReason.NO_TRANSFER_INSTRUCTION, "the third instruction is not TransferChecked", payer);
    }
    SolanaAddress mintAccount = transfer.accounts().get(1);
    SolanaAddress destination = transfer.accounts().get(2);
    SolanaAddress authority = transfer.accounts().get(3);
    if (config.isFeePayer(authority)) {
      return Verdict.refuse(
          SvmReason.FEE_PAYER_TRANSFERRING_FUNDS,
          "the transfer's authority is a fee payer of this facilitator",
          payer);
    }
    SolanaAddress mint = address(req.asset());
    if (mint == null || !mint.equals(mintAccount)) {
      return Verdict.refuse(
          SvmReason.MINT_MISMATCH, "the transfer moves another mint than " + req.asset(), payer);
    }
    SolanaAddress payTo = address(req.payTo());
    if (payTo == null || !associated(payTo, mint, transfer.program()).equals(destination)) {
      return Verdict.refuse(
          SvmReason.RECIPIENT_MISMATCH,
          "the transfer does not go to the associated token account of payTo",
          payer);
    }
    BigInteger amount = new BigInteger(1, reverse(Arrays.copyOfRange(data, 1, 9)));
    if (!amount.equals(req.amount().value())) {
      return Verdict.refuse(
          SvmReason.AMOUNT_MISMATCH,
          "the transfer moves " + amount + ", not " + req.amount().value(),
          payer);
    }
    List<Resolved> optional = instructions.subList(3, instructions.size());
    for (int i = 0; i < optional.size(); i++) {
      SolanaAddress program = optional.get(i).program();
      if (!program.equals(SolanaPrograms.LIGHTHOUSE) && !program.equals(SolanaPrograms.MEMO)) {
        return Verdict.refuse(
            SvmReason.unknownOptional(i),
            "instruction " + (i + 4) + " calls " + program + ", not Memo or Lighthouse",
            payer);
      }
    }
    Object memoValue = req.extra() == null ? null : req.extra().get("memo");
    if (memoValue != null && !(memoValue instanceof String)) {
      // A memo the seller set must bind the payment: one that is not text is never skipped.
      return Verdict.refuse(
          SvmReason.MEMO_MISMATCH, "extra.memo must be a string when it is set", payer);
    }
    String memo = (String) memoValue;
    if (memo != null && !memo.isEmpty()) {
      List<Resolved> memos = new ArrayList<>();
      for (Resolved ix : optional) {
        if (ix.program().equals(SolanaPrograms.MEMO)) {
          memos.add(ix);
        }
      }
      if (memos.size() != 1) {
        return Verdict.refuse(
            SvmReason.MEMO_COUNT,
            "the transaction has " + memos.size() + " memos; exactly one expected",
            payer);
      }
      if (!Arrays.equals(memos.get(0).data(), memo.getBytes(StandardCharsets.UTF_8))) {
        return Verdict.refuse(SvmReason.MEMO_MISMATCH, "the memo is not extra.memo", payer);
      }
    }
    // x402j: the fee payers must not be reachable by any instruction (lookup tables resolved).
    for (int i = 0; i < instructions.size(); i++) {
      Resolved ix = instructions.get(i);
      if (config.isFeePayer(ix.program())) {
        return Verdict.refuse(
            SvmReason.FEE_PAYER_TRANSFERRING_FUNDS,
            "instruction " + (i + 1) + " invokes a fee payer as its program",
            payer);
      }
      for (SolanaAddress account : ix.accounts()) {
        if (config.isFeePayer(account)) {
          return Verdict.refuse(
              SvmReason.FEE_PAYER_TRANSFERRING_FUNDS,
              "a fee payer appears in the accounts of instruction " + (i + 1),
              payer);
        }
      }
    }
    SvmSigner feePayerSigner = config.feePayer(tx.message().staticAccounts().get(0));
    return new Verdict(
        null,
        null,
        payer,
        new Checked(
            config,
            tx,
            base64,
            feePayerSigner,
            authority,
            mint,
            payTo,
            amount,
            paymentId,
            fingerprint));
  }

  private static Verdict computeBudget(SvmNetworkConfig config, Resolved limit, Resolved price) {
    byte[] l = limit.data();
    if (!limit.program().equals(SolanaPrograms.COMPUTE_BUDGET) || l.length != 5 || l[0] != 2) {
      return Verdict.refuse(
          SvmReason.COMPUTE_LIMIT_INSTRUCTION,
          "the first instruction is not SetComputeUnitLimit",
          null);
    }
    long units = new BigInteger(1, reverse(Arrays.copyOfRange(l, 1, 5))).longValue();
    if (config.maxComputeUnits() != null && units > config.maxComputeUnits()) {
      return Verdict.refuse(
          SvmReason.COMPUTE_LIMIT_TOO_HIGH,
          "compute-unit limit " + units + " exceeds " + config.maxComputeUnits(),
          null);
    }
    byte[] p = price.data();
    if (!price.program().equals(SolanaPrograms.COMPUTE_BUDGET) || p.length != 9 || p[0] != 3) {
      return Verdict.refuse(
          SvmReason.COMPUTE_PRICE_INSTRUCTION,
          "the second instruction is not SetComputeUnitPrice",
          null);
    }
    BigInteger microLamports = new BigInteger(1, reverse(Arrays.copyOfRange(p, 1, 9)));
    if (microLamports.compareTo(BigInteger.valueOf(config.maxComputeUnitPrice())) > 0) {
      return Verdict.refuse(
          SvmReason.COMPUTE_PRICE_TOO_HIGH,
          "compute-unit price "
              + microLamports
              + " µlamports exceeds "
              + config.maxComputeUnitPrice(),
          null);
    }
    // x402j: the fee payer pays limit × price whether the transaction succeeds or fails.
    BigInteger million = BigInteger.valueOf(1_000_000);
    BigInteger fee =
        BigInteger.valueOf(units).multiply(microLamports).add(million.subtract(BigInteger.ONE));
    fee = fee.divide(million);
    if (fee.compareTo(BigInteger.valueOf(config.maxPriorityFeeLamports())) > 0) {
      return Verdict.refuse(
          SvmReason.COMPUTE_LIMIT_TOO_HIGH,
          "compute-unit limit "
              + units
              + " at "
              + microLamports
              + " µlamports per unit is a priority fee of "
              + fee
              + " lamports; at most "
              + config.maxPriorityFeeLamports()
              + " are sponsored",
          null);
    }
    return null;
  }

  /**
   * The authority (account 4) of the first token-program instruction with at least four accounts,
   * as the official facilitator reports the payer; {@code null} when there is none.
   */
  private static String tokenPayer(List<Resolved> instructions) {
    for (Resolved ix : instructions) {
      if ((ix.program().equals(SolanaPrograms.TOKEN)
              || ix.program().equals(SolanaPrograms.TOKEN_2022))
          && ix.accounts().size() >= 4) {
        return ix.accounts().get(3).toString();
      }
    }
    return null;
  }

  /**
   * Reads what the checks before it cannot see (a Token-2022 mint's transfer fee), then simulates a
   * checked payment without verifying signatures. Runs for verification and before a settlement
   * signs, never for a settlement already recorded, whose answer comes from the ledger.
   */
  public CompletableFuture<Verdict> simulate(Checked checked) {
    return transferFee(checked)
        .thenCompose(verdict -> verdict.valid() ? simulateOnly(checked) : done(verdict));
  }

  private CompletableFuture<Verdict> simulateOnly(Checked checked) {
    String payer = checked.payer().toString();
    return checked
        .config()
        .rpc()
        .simulateTransaction(checked.base64())
        .handle(
            (simulation, error) -> {
              if (error != null) {
                Throwable cause = Futures.unwrap(error);
                if (cause instanceof RpcException
                    && ((RpcException) cause).kind() != RpcException.Kind.RPC_ERROR) {
                  return Verdict.refuse(
                      SvmReason.UNEXPECTED_VERIFY_ERROR,
                      "cannot simulate the transaction: " + cause.getMessage(),
                      payer);
                }
                return Verdict.refuse(
                    SvmReason.SIMULATION_FAILED, "simulation failed: " + cause.getMessage(), payer);
              }
              if (!simulation.succeeded()) {
                List<String> logs = simulation.logs();
                String last = logs.isEmpty() ? "" : "; " + logs.get(logs.size() - 1);
                return Verdict.refuse(
                    SvmReason.SIMULATION_FAILED,
                    "simulation failed: " + simulation.err() + last,
                    payer);
              }
              return new Verdict(null, null, payer, checked);
            });
  }

  // ---------------------------------------------------------------------------------- helpers

  private SolanaAddress associated(SolanaAddress owner, SolanaAddress mint, SolanaAddress program) {
    AtaKey key = new AtaKey(owner, mint, program);
    SolanaAddress cached = associatedAccounts.get(key);
    if (cached != null) {
      return cached;
    }
    SolanaAddress derived = TokenAccounts.associated(owner, mint, program);
    if (associatedAccounts.size() >= MAX_CACHED_ACCOUNTS) {
      associatedAccounts.clear();
    }
    associatedAccounts.put(key, derived);
    return derived;
  }

  private static SolanaAddress address(String text) {
    if (text == null) {
      return null;
    }
    try {
      return SolanaAddress.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] reverse(byte[] littleEndian) {
    byte[] out = new byte[littleEndian.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = littleEndian[littleEndian.length - 1 - i];
    }
    return out;
  }

  /** Lower-hex SHA-256. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** The message and every signature but the fee payer's (which the facilitator adds). */
  static String fingerprint(byte[] messageBytes, List<byte[]> signatures) {
    MessageDigest digest = sha256();
    digest.update(messageBytes);
    for (int i = 1; i < signatures.size(); i++) {
      digest.update(signatures.get(i));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
