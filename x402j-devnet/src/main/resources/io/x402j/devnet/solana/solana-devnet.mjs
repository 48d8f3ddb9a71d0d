// x402j's local Solana runtime: one LiteSVM instance (the real SVM, with the SPL Token, Token-2022,
// Associated Token, Memo and ComputeBudget programs preloaded) behind a JSON-RPC 2.0 HTTP server on
// 127.0.0.1 that answers the standard Solana methods a client and a facilitator use, with the
// shapes and encodings of a validator.
//
//   node solana-devnet.mjs [--port P] [--slot-ms MS]
//
// The first line on stdout is one JSON object describing the devnet (rpcUrl, network, token,
// accounts with their base58 64-byte secret keys). The process exits when its standard input
// reaches end-of-file, so it never outlives the process that started it (keep stdin a pipe).
//
// Chain model. Slots and block heights advance together: every landed transaction makes a new
// block, and so does a timer every --slot-ms milliseconds (400 by default, as on Solana; 0 turns
// the timer off so that only transactions and x402jDevnet_warpSlots move the chain). Each block
// has a new blockhash, valid for 150 further blocks (lastValidBlockHeight = height + 150), as on
// a real cluster; a transaction whose blockhash is unknown or expired is refused with
// BlockhashNotFound in preflight and simulation, and dropped (never lands) when preflight is
// skipped. Statuses of landed transactions are "confirmed" until 32 blocks later, then
// "finalized"; without searchTransactionHistory only the last 300 slots are answered, as from a
// validator's status cache.
//
// Test controls (extra JSON-RPC methods, all prefixed x402jDevnet_):
//   x402jDevnet_info()                      the startup JSON
//   x402jDevnet_holdTransactions(bool)      while on, sendTransaction accepts and answers the
//                                           signature but does not process: status stays null
//   x402jDevnet_heldTransactions()          signatures held, oldest first
//   x402jDevnet_releaseTransactions([sigs]) processes held transactions (all when omitted), in
//                                           order; each lands, fails on chain or is dropped (an
//                                           expired blockhash) as it would on a cluster
//   x402jDevnet_dropTransactions([sigs])    discards held transactions (all when omitted): they
//                                           never land, as when a leader drops them
//   x402jDevnet_expireBlockhashes()         advances 151 blocks: every blockhash handed out
//                                           before is expired; returns the new latest blockhash
//   x402jDevnet_warpSlots(n)                advances n blocks
//   x402jDevnet_mint(owner, amount)         mints tokens to owner's associated token account
//                                           (created when missing)
//   x402jDevnet_tokenBalance(owner)         {tokenAccount, exists, amount} of owner's associated
//                                           token account of the devnet mint
//   x402jDevnet_setLamports(address, n)     sets an account's SOL balance
//   x402jDevnet_setAccount(address, {lamports, data (base64), owner, executable?})
//                                           writes any account (a lookup table, another mint...)
//   x402jDevnet_failNext(method, count, code?, message?)
//                                           the next count calls of method answer a JSON-RPC
//                                           error (code -32005, "Node is unhealthy" by default)
//   x402jDevnet_callCounts(reset?)          how often each method was called
import http from "node:http";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import {
  getAddressDecoder,
  getAddressEncoder,
  getBase58Decoder,
  getBase58Encoder,
  getCompiledTransactionMessageDecoder,
  getProgramDerivedAddress,
  getTransactionDecoder,
} from "@solana/kit";

const require = createRequire(import.meta.url);
const { LiteSvm, Account } = require("litesvm/dist/internal.js");

// ---------------------------------------------------------------------------------------------
// Constants and helpers

const NETWORK = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
const GENESIS_HASH = "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG"; // Solana devnet's
const USDC_MINT = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
const DECIMALS = 6;
const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
const ASSOCIATED_TOKEN_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
const COMPUTE_BUDGET_PROGRAM = "ComputeBudget111111111111111111111111111111";
const MAX_PROCESSING_AGE = 150n;
const FINALIZED_DEPTH = 32n;
const STATUS_CACHE_SLOTS = 300n;
const LAMPORTS_PER_SIGNATURE = 5000n;
const SLOTS_PER_EPOCH = 432000n;
const U64_MAX = 18446744073709551615n;
const API_VERSION = "2.2.14";

const b58enc = getBase58Encoder(); // base58 string -> bytes
const b58dec = getBase58Decoder(); // bytes -> base58 string
const addrEnc = getAddressEncoder();
const addrDec = getAddressDecoder();
const txDecoder = getTransactionDecoder();
const messageDecoder = getCompiledTransactionMessageDecoder();
const UNSIGNED = "1".repeat(64); // base58 of an empty signature slot

const TX_ERRORS = [
  "AccountInUse", "AccountLoadedTwice", "AccountNotFound", "ProgramAccountNotFound",
  "InsufficientFundsForFee", "InvalidAccountForFee", "AlreadyProcessed", "BlockhashNotFound",
  "CallChainTooDeep", "MissingSignatureForFee", "InvalidAccountIndex", "SignatureFailure",
  "InvalidProgramForExecution", "SanitizeFailure", "ClusterMaintenance",
  "AccountBorrowOutstanding", "WouldExceedMaxBlockCostLimit", "UnsupportedVersion",
  "InvalidWritableAccount", "WouldExceedMaxAccountCostLimit", "WouldExceedAccountDataBlockLimit",
  "TooManyAccountLocks", "AddressLookupTableNotFound", "InvalidAddressLookupTableOwner",
  "InvalidAddressLookupTableData", "InvalidAddressLookupTableIndex", "InvalidRentPayingAccount",
  "WouldExceedMaxVoteCostLimit", "WouldExceedAccountDataTotalLimit",
  "MaxLoadedAccountsDataSizeExceeded", "ResanitizationNeeded", "InvalidLoadedAccountsDataSizeLimit",
  "UnbalancedTransaction", "ProgramCacheHitMaxLimit", "CommitCancelled",
];
const IX_ERRORS = [
  "GenericError", "InvalidArgument", "InvalidInstructionData", "InvalidAccountData",
  "AccountDataTooSmall", "InsufficientFunds", "IncorrectProgramId", "MissingRequiredSignature",
  "AccountAlreadyInitialized", "UninitializedAccount", "UnbalancedInstruction", "ModifiedProgramId",
  "ExternalAccountLamportSpend", "ExternalAccountDataModified", "ReadonlyLamportChange",
  "ReadonlyDataModified", "DuplicateAccountIndex", "ExecutableModified", "RentEpochModified",
  "NotEnoughAccountKeys", "AccountDataSizeChanged", "AccountNotExecutable", "AccountBorrowFailed",
  "AccountBorrowOutstanding", "DuplicateAccountOutOfSync", "InvalidError", "ExecutableDataModified",
  "ExecutableLamportChange", "ExecutableAccountNotRentExempt", "UnsupportedProgramId", "CallDepth",
  "MissingAccount", "ReentrancyNotAllowed", "MaxSeedLengthExceeded", "InvalidSeeds",
  "InvalidRealloc", "ComputationalBudgetExceeded", "PrivilegeEscalation",
  "ProgramEnvironmentSetupFailure", "ProgramFailedToComplete", "ProgramFailedToCompile",
  "Immutable", "IncorrectAuthority", "AccountNotRentExempt", "InvalidAccountOwner",
  "ArithmeticOverflow", "UnsupportedSysvar", "IllegalOwner", "MaxAccountsDataAllocationsExceeded",
  "MaxAccountsExceeded", "MaxInstructionTraceLengthExceeded",
  "BuiltinProgramsMustConsumeComputeUnits",
];
// Errors raised while executing: the transaction lands in a block with this error and pays its
// fee. Any other error keeps it out of the chain.
const EXECUTION_ERRORS = new Set([
  "InstructionError", "DuplicateInstruction", "InsufficientFundsForRent",
  "ProgramExecutionTemporarilyRestricted",
]);

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}
const invalidParams = (message) => new RpcError(-32602, message);

function sha256(...parts) {
  const h = crypto.createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function keypairFromSeed(seed) {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const privateKey = crypto.createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const pub = Buffer.from(crypto.createPublicKey(privateKey).export({ format: "jwk" }).x, "base64url");
  return {
    address: b58dec.decode(pub),
    secret: b58dec.decode(Buffer.concat([seed, pub])),
  };
}

function u64le(value) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(value));
  return b;
}

function uiAmountString(amount, decimals) {
  const s = amount.toString().padStart(decimals + 1, "0");
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : whole;
}

function tokenAmount(amount, decimals) {
  const s = uiAmountString(amount, decimals);
  return { amount: amount.toString(), decimals, uiAmount: Number(s), uiAmountString: s };
}

// JSON with bigints written as plain numbers (u64 values such as rentEpoch exceed 2^53).
function stringify(value) {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `\u0000big${v}` : v)).replace(
    /"\\u0000big(\d+)"/g,
    "$1",
  );
}

function parseArgs(argv) {
  const options = { port: 0, slotMs: 400 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) {
        throw new Error(`${flag} needs a whole number, got ${v}`);
      }
      return Number(v);
    };
    if (flag === "--port") options.port = next();
    else if (flag === "--slot-ms") options.slotMs = next();
    else throw new Error(`unknown option ${flag} (known: --port P, --slot-ms MS)`);
  }
  if (options.port > 65535) throw new Error(`--port must be 0..65535, got ${options.port}`);
  return options;
}

// ---------------------------------------------------------------------------------------------
// The chain

const svm = new LiteSvm();
svm.setBlockhashCheck(false); // blockhash validity is this server's, with a real 150-block window
svm.setTransactionHistory(1000000n);

const chain = {
  slot: 0n,
  blockHeight: 0n,
  latest: null,
  blockhashes: new Map(), // blockhash -> { slot, lastValidBlockHeight }
  transactions: new Map(), // signature -> record
  held: [], // { signature, wire }
  holding: false,
  transactionCount: 0n,
};

function newBlocks(count = 1n) {
  chain.slot += count;
  chain.blockHeight += count;
  const hash = b58dec.decode(sha256("x402j solana devnet block ", chain.slot.toString()));
  chain.latest = hash;
  chain.blockhashes.set(hash, {
    slot: chain.slot,
    lastValidBlockHeight: chain.blockHeight + MAX_PROCESSING_AGE,
  });
  for (const [h, info] of chain.blockhashes) {
    if (info.lastValidBlockHeight + STATUS_CACHE_SLOTS < chain.blockHeight) chain.blockhashes.delete(h);
    else break;
  }
  svm.warpToSlot(chain.slot);
  const clock = svm.getClock();
  clock.unixTimestamp = BigInt(Math.floor(Date.now() / 1000));
  svm.setClock(clock);
  svm.expireBlockhash(); // LiteSVM's own blockhash only names airdrops; keep them distinct
}

function blockhashValid(hash) {
  const info = chain.blockhashes.get(hash);
  return info !== undefined && chain.blockHeight <= info.lastValidBlockHeight;
}

function context() {
  return { apiVersion: API_VERSION, slot: chain.slot };
}

function withContext(value) {
  return { context: context(), value };
}

// ---------------------------------------------------------------------------------------------
// Accounts and their encodings

function getAccount(address) {
  return svm.getAccount(addrEnc.encode(address));
}

function setAccount(address, lamports, data, owner) {
  svm.setAccount(
    addrEnc.encode(address),
    new Account(BigInt(lamports), data, addrEnc.encode(owner), false, U64_MAX),
  );
}

function rentExempt(size) {
  return svm.minimumBalanceForRentExemption(BigInt(size));
}

function isTokenProgram(owner) {
  return owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM;
}

function readOption(data, at) {
  return data.readUInt32LE(at) === 1 ? addrDec.decode(data.subarray(at + 4, at + 36)) : null;
}

function parseMint(data) {
  if (data.length < 82 || data[45] !== 1) return null;
  return {
    mintAuthority: readOption(data, 0),
    supply: data.readBigUInt64LE(36),
    decimals: data[44],
    isInitialized: true,
    freezeAuthority: readOption(data, 46),
  };
}

function parseTokenAccount(data) {
  if (data.length < 165 || data[108] === 0) return null;
  const isNative = data.readUInt32LE(109) === 1;
  return {
    mint: addrDec.decode(data.subarray(0, 32)),
    owner: addrDec.decode(data.subarray(32, 64)),
    amount: data.readBigUInt64LE(64),
    delegate: readOption(data, 72),
    state: data[108] === 2 ? "frozen" : "initialized",
    isNative,
    delegatedAmount: data.readBigUInt64LE(121),
    closeAuthority: readOption(data, 129),
  };
}

function mintDecimals(mint) {
  const account = getAccount(mint);
  const parsed = account && isTokenProgram(addrDec.decode(account.owner())) ? parseMint(Buffer.from(account.data())) : null;
  return parsed ? parsed.decimals : null;
}

function jsonParsedData(owner, data) {
  if (!isTokenProgram(owner)) return null;
  const program = owner === TOKEN_PROGRAM ? "spl-token" : "spl-token-2022";
  if (data.length === 82 || (owner === TOKEN_2022_PROGRAM && data.length > 165 && data[165] === 1)) {
    const mint = parseMint(data);
    if (!mint) return null;
    return {
      program,
      parsed: {
        info: {
          decimals: mint.decimals,
          freezeAuthority: mint.freezeAuthority,
          isInitialized: true,
          mintAuthority: mint.mintAuthority,
          supply: mint.supply.toString(),
        },
        type: "mint",
      },
      space: BigInt(data.length),
    };
  }
  const account = parseTokenAccount(data);
  const decimals = account ? mintDecimals(account.mint) : null;
  if (!account || decimals === null) return null;
  const info = {
    isNative: account.isNative,
    mint: account.mint,
    owner: account.owner,
    state: account.state,
    tokenAmount: tokenAmount(account.amount, decimals),
  };
  if (account.delegate) {
    info.delegate = account.delegate;
    info.delegatedAmount = tokenAmount(account.delegatedAmount, decimals);
  }
  if (account.closeAuthority) info.closeAuthority = account.closeAuthority;
  return { program, parsed: { info, type: "account" }, space: BigInt(data.length) };
}

function encodeAccount(account, config = {}) {
  if (account === null) return null;
  const encoding = config.encoding ?? "binary";
  let data = Buffer.from(account.data());
  const owner = addrDec.decode(account.owner());
  const base = {
    executable: account.executable(),
    lamports: account.lamports(),
    owner,
    rentEpoch: account.rentEpoch(),
    space: BigInt(data.length),
  };
  if (encoding === "jsonParsed") {
    const parsed = jsonParsedData(owner, data);
    if (parsed) return { data: parsed, ...base };
    return { data: [data.toString("base64"), "base64"], ...base };
  }
  if (config.dataSlice) {
    const { offset, length } = config.dataSlice;
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0) {
      throw invalidParams("Invalid params: dataSlice needs a non-negative offset and length");
    }
    data = data.subarray(offset, offset + length);
  }
  switch (encoding) {
    case "base64":
      return { data: [data.toString("base64"), "base64"], ...base };
    case "base58":
    case "binary":
      if (data.length > 128) {
        throw new RpcError(-32600, "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.");
      }
      return { data: encoding === "binary" ? b58dec.decode(data) : [b58dec.decode(data), "base58"], ...base };
    default:
      throw invalidParams(`Invalid params: unsupported encoding ${encoding} (use base64, base58 or jsonParsed)`);
  }
}

function parseAddress(value, what = "address") {
  if (typeof value !== "string") throw invalidParams(`Invalid param: ${what} must be a base58 string`);
  try {
    const bytes = b58enc.encode(value);
    if (bytes.length === 32) return value;
  } catch {
    // fall through
  }
  throw invalidParams(`Invalid param: Invalid`);
}

function ata(owner, mint, tokenProgram = TOKEN_PROGRAM) {
  return getProgramDerivedAddress({
    programAddress: ASSOCIATED_TOKEN_PROGRAM,
    seeds: [addrEnc.encode(owner), addrEnc.encode(tokenProgram), addrEnc.encode(mint)],
  }).then(([address]) => address);
}

function tokenAccountData(mint, owner, amount) {
  const data = Buffer.alloc(165);
  Buffer.from(addrEnc.encode(mint)).copy(data, 0);
  Buffer.from(addrEnc.encode(owner)).copy(data, 32);
  data.writeBigUInt64LE(BigInt(amount), 64);
  data[108] = 1; // initialized
  return data;
}

function mintData(authority, supply, decimals) {
  const data = Buffer.alloc(82);
  data.writeUInt32LE(1, 0);
  Buffer.from(addrEnc.encode(authority)).copy(data, 4);
  data.writeBigUInt64LE(BigInt(supply), 36);
  data[44] = decimals;
  data[45] = 1; // initialized
  return data;
}

async function mintTo(owner, amount) {
  const mintAccount = getAccount(USDC_MINT);
  const mint = parseMint(Buffer.from(mintAccount.data()));
  const address = await ata(owner, USDC_MINT);
  const existing = getAccount(address);
  const current = existing ? parseTokenAccount(Buffer.from(existing.data())) : null;
  const balance = (current ? current.amount : 0n) + amount;
  if (balance > U64_MAX || mint.supply + amount > U64_MAX) throw invalidParams("Invalid params: amount overflows u64");
  setAccount(address, rentExempt(165), tokenAccountData(USDC_MINT, owner, balance), TOKEN_PROGRAM);
  setAccount(USDC_MINT, mintAccount.lamports(), mintData(mint.mintAuthority, mint.supply + amount, mint.decimals), TOKEN_PROGRAM);
  return address;
}

// ---------------------------------------------------------------------------------------------
// Transactions

function decodeWire(encoded, encoding = "base58") {
  if (typeof encoded !== "string") throw invalidParams("invalid transaction: expected an encoded string");
  let wire;
  if (encoding === "base64") {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
      throw invalidParams("invalid base64 encoding: InvalidByte");
    }
    wire = new Uint8Array(Buffer.from(encoded, "base64"));
  } else if (encoding === "base58") {
    try {
      wire = b58enc.encode(encoded);
    } catch {
      throw invalidParams("invalid base58 encoding: InvalidCharacter");
    }
  } else {
    throw invalidParams(`Invalid params: unsupported encoding: ${encoding}. Supported encodings: base58, base64`);
  }
  const layout = walkWire(wire);
  return layout === null ? decodeWithKit(wire) : decodeLazily(wire, layout);
}

// The codecs' full decoding: addresses, signatures, instructions. Exact, but its BigInt base58 of
// every address was half of a simulation's CPU time, so the common case skips it (decodeLazily).
function decodeWithKit(wire) {
  let tx;
  let message;
  try {
    tx = txDecoder.decode(wire);
    message = messageDecoder.decode(tx.messageBytes);
  } catch (e) {
    throw invalidParams(`failed to deserialize solana_transaction::versioned::VersionedTransaction: ${e.message}`);
  }
  const sigs = Object.values(tx.signatures);
  if (sigs.length === 0 || sigs.length !== message.header.numSignerAccounts) {
    throw invalidParams("invalid transaction: Transaction failed to sanitize accounts offsets correctly");
  }
  const first = sigs[0] ?? new Uint8Array(64);
  return {
    wire,
    tx,
    message,
    signature: base58(first),
    blockhash: message.lifetimeToken,
    version: message.version,
    accountKeys: message.staticAccounts.map(String),
  };
}

// A well-formed transaction with distinct account keys: what simulation and landing need (first
// signature, blockhash, version) is read from the bytes; the codecs' decoding (tx, message,
// accountKeys) runs only when something asks for it. Anything unusual goes to decodeWithKit, so
// errors and edge cases stay the codecs'.
function decodeLazily(wire, layout) {
  let full;
  const kit = () => (full ??= decodeWithKit(wire));
  const decoded = {
    wire,
    signature: base58(wire.subarray(layout.signaturesAt, layout.signaturesAt + 64)),
    blockhash: name32(wire.subarray(layout.blockhashAt, layout.blockhashAt + 32)),
    version: layout.version,
  };
  for (const field of ["tx", "message", "accountKeys"]) {
    Object.defineProperty(decoded, field, { enumerable: true, get: () => kit()[field] });
  }
  return decoded;
}

// Walks a wire transaction's layout (no address decoding): the offsets decodeLazily needs, or null
// when the bytes are not a plain well-formed legacy or v0 transaction with one signature per
// signer and distinct static account keys.
function walkWire(wire) {
  let at = 0;
  const fail = () => {
    throw new RangeError("layout");
  };
  const byte = () => (at < wire.length ? wire[at++] : fail());
  const skip = (n) => {
    if (at + n > wire.length) fail();
    const start = at;
    at += n;
    return start;
  };
  // compact-u16, minimal encodings only
  const length = () => {
    let value = 0;
    for (let i = 0; i < 3; i++) {
      const b = byte();
      if (i > 0 && b === 0) fail();
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return value <= 0xffff ? value : fail();
    }
    return fail();
  };
  try {
    const signatures = length();
    const signaturesAt = skip(64 * signatures);
    let version = "legacy";
    if (at < wire.length && wire[at] & 0x80) {
      version = byte() & 0x7f;
      if (version !== 0) return null;
    }
    const signers = byte();
    byte();
    byte();
    const keys = length();
    const keysAt = skip(32 * keys);
    const blockhashAt = skip(32);
    const instructions = length();
    for (let i = 0; i < instructions; i++) {
      byte();
      skip(length());
      skip(length());
    }
    if (version !== "legacy") {
      const lookups = length();
      for (let i = 0; i < lookups; i++) {
        skip(32);
        skip(length());
        skip(length());
      }
    }
    if (at !== wire.length || signatures === 0 || signatures !== signers || signers > keys) return null;
    const distinct = new Set();
    for (let i = 0; i < keys; i++) {
      distinct.add(Buffer.from(wire.buffer, wire.byteOffset + keysAt + 32 * i, 32).toString("latin1"));
    }
    return distinct.size === keys ? { signaturesAt, blockhashAt, version } : null;
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

// Base58 by byte arithmetic: the codecs' encoder goes through BigInt, which cost more than running
// the transaction. startupSelfCheck compares the two.
const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
function base58(bytes) {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits = []; // little-endian base-58 digits
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i];
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j] << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let out = "1".repeat(zeros);
  for (let k = digits.length - 1; k >= 0; k--) out += BASE58[digits[k]];
  return out;
}

// Names of 32-byte values (blockhashes, keys) repeat: remembered, up to a bound.
const names32 = new Map();
function name32(bytes) {
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, 32).toString("latin1");
  let name = names32.get(key);
  if (name === undefined) {
    if (names32.size >= 65536) names32.clear();
    name = base58(bytes);
    names32.set(key, name);
  }
  return name;
}

function startupSelfCheck() {
  for (let i = 0; i < 200; i++) {
    const bytes = new Uint8Array(crypto.randomBytes(i % 2 === 0 ? 32 : 64));
    bytes.fill(0, 0, i % 5); // leading zeros
    if (base58(bytes) !== b58dec.decode(bytes)) throw new Error("base58 disagrees with @solana/kit");
  }
}
startupSelfCheck();

function messageFee(message) {
  const keys = message.staticAccounts.map(String);
  let limit = null;
  let price = 0n;
  let others = 0;
  for (const ix of message.instructions) {
    if (keys[ix.programAddressIndex] === COMPUTE_BUDGET_PROGRAM && ix.data) {
      const data = Buffer.from(ix.data);
      if (data[0] === 2 && data.length >= 5) limit = BigInt(data.readUInt32LE(1));
      else if (data[0] === 3 && data.length >= 9) price = data.readBigUInt64LE(1);
    } else {
      others++;
    }
  }
  if (limit === null) limit = BigInt(Math.min(1400000, 200000 * others));
  const priority = (price * limit + 999999n) / 1000000n;
  return LAMPORTS_PER_SIGNATURE * BigInt(message.header.numSignerAccounts) + priority;
}

function convertError(err) {
  if (typeof err === "number") return TX_ERRORS[err] ?? `Unknown(${err})`;
  const name = err?.constructor?.name ?? "";
  if (name.endsWith("InstructionError")) {
    const inner = err.err();
    let ix;
    if (typeof inner === "number") ix = IX_ERRORS[inner] ?? `Unknown(${inner})`;
    else if (inner && "code" in inner) ix = { Custom: inner.code };
    else if (inner && "msg" in inner) ix = { BorshIoError: inner.msg };
    else ix = String(inner);
    return { InstructionError: [err.index, ix] };
  }
  if (name.endsWith("DuplicateInstruction")) return { DuplicateInstruction: err.index };
  if (name.endsWith("InsufficientFundsForRent")) return { InsufficientFundsForRent: { account_index: err.accountIndex } };
  if (name.endsWith("ProgramExecutionTemporarilyRestricted")) {
    return { ProgramExecutionTemporarilyRestricted: { account_index: err.accountIndex } };
  }
  return String(err);
}

function errorName(err) {
  return typeof err === "string" ? err : Object.keys(err)[0];
}

// A validator's description of an error, as in "Transaction simulation failed: <description>".
function describeError(err) {
  if (err === "BlockhashNotFound") return "Blockhash not found";
  if (err === "AlreadyProcessed") return "This transaction has already been processed";
  if (err === "InsufficientFundsForFee") return "Insufficient funds for fee";
  if (err === "AccountNotFound") return "Attempt to debit an account but found no record of a prior credit.";
  if (err === "SignatureFailure") return "Transaction did not pass signature verification";
  if (typeof err === "object" && err.InstructionError) {
    const [index, ix] = err.InstructionError;
    const what = typeof ix === "object" && "Custom" in ix
      ? `custom program error: 0x${ix.Custom.toString(16)}`
      : typeof ix === "string" ? ix.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() : JSON.stringify(ix);
    return `Error processing Instruction ${index}: ${what}`;
  }
  return typeof err === "string" ? err : JSON.stringify(err);
}

function innerInstructions(meta) {
  return meta.innerInstructions().map((list, index) => ({
    index,
    instructions: list.map((inner) => {
      const ix = inner.instruction();
      return {
        accounts: Array.from(ix.accounts()),
        data: b58dec.decode(ix.data()),
        programIdIndex: ix.programIdIndex(),
        stackHeight: inner.stackHeight(),
      };
    }),
  })).filter((group) => group.instructions.length > 0);
}

function returnData(meta) {
  const rd = meta.returnData();
  const data = rd ? rd.data() : new Uint8Array();
  if (!rd || data.length === 0) return null;
  return { programId: b58dec.decode(rd.programId()), data: [Buffer.from(data).toString("base64"), "base64"] };
}

function tokenBalances(keys) {
  const out = [];
  keys.forEach((key, accountIndex) => {
    const account = getAccount(key);
    if (!account) return;
    const owner = addrDec.decode(account.owner());
    if (!isTokenProgram(owner)) return;
    const parsed = parseTokenAccount(Buffer.from(account.data()));
    const decimals = parsed ? mintDecimals(parsed.mint) : null;
    if (!parsed || decimals === null) return;
    out.push({
      accountIndex,
      mint: parsed.mint,
      owner: parsed.owner,
      programId: owner,
      uiTokenAmount: tokenAmount(parsed.amount, decimals),
    });
  });
  return out;
}

// Runs a decoded transaction against the SVM. simulate: roll back afterwards.
function execute(decoded, { simulate, sigVerify }) {
  const versioned = decoded.version !== "legacy";
  svm.setSigverify(sigVerify);
  try {
    if (simulate) {
      return versioned ? svm.simulateVersionedTransaction(decoded.wire) : svm.simulateLegacyTransaction(decoded.wire);
    }
    return versioned ? svm.sendVersionedTransaction(decoded.wire) : svm.sendLegacyTransaction(decoded.wire);
  } finally {
    svm.setSigverify(true);
  }
}

function signaturesValid(decoded) {
  const message = Buffer.from(decoded.tx.messageBytes);
  return Object.entries(decoded.tx.signatures).every(([address, signature]) => {
    if (!signature) return false;
    const key = crypto.createPublicKey({
      key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(addrEnc.encode(address))]),
      format: "der",
      type: "spki",
    });
    return crypto.verify(null, message, key, Buffer.from(signature));
  });
}

function simulate(decoded, config) {
  const base = {
    accounts: null,
    err: null,
    innerInstructions: null,
    loadedAccountsDataSize: 0,
    logs: [],
    replacementBlockhash: null,
    returnData: null,
    unitsConsumed: 0,
  };
  if (config.replaceRecentBlockhash) {
    base.replacementBlockhash = {
      blockhash: chain.latest,
      lastValidBlockHeight: chain.blockhashes.get(chain.latest).lastValidBlockHeight,
    };
  } else if (!blockhashValid(decoded.blockhash)) {
    return { ...base, err: "BlockhashNotFound" };
  }
  if (chain.transactions.has(decoded.signature) && decoded.signature !== UNSIGNED) {
    return { ...base, err: "AlreadyProcessed" };
  }
  const result = execute(decoded, { simulate: true, sigVerify: false });
  const failed = typeof result.err === "function";
  const meta = result.meta();
  const value = {
    ...base,
    err: failed ? convertError(result.err()) : null,
    logs: meta.logs(),
    returnData: returnData(meta),
    unitsConsumed: meta.computeUnitsConsumed(),
  };
  if (config.innerInstructions) value.innerInstructions = innerInstructions(meta);
  if (config.accounts) {
    const wanted = config.accounts.addresses ?? [];
    const post = failed ? new Map() : new Map(result.postAccounts().map((a) => [addrDec.decode(a.address), a.account()]));
    value.accounts = wanted.map((address) => {
      const account = post.get(address) ?? getAccount(address);
      return encodeAccount(account, { encoding: config.accounts.encoding ?? "base64" });
    });
  }
  return value;
}

// Processes a transaction as a leader would: it lands (with or without an execution error) or it
// is dropped. Returns the record, or { dropped: reason }.
function land(decoded) {
  if (!blockhashValid(decoded.blockhash)) return { dropped: "BlockhashNotFound" };
  if (chain.transactions.has(decoded.signature)) return { dropped: "AlreadyProcessed" };
  const keys = decoded.accountKeys;
  const preBalances = keys.map((k) => getAccount(k)?.lamports() ?? 0n);
  const preTokenBalances = tokenBalances(keys);
  const result = execute(decoded, { simulate: false, sigVerify: true });
  const failed = typeof result.err === "function";
  const err = failed ? convertError(result.err()) : null;
  if (err !== null && !EXECUTION_ERRORS.has(errorName(err))) return { dropped: errorName(err) };
  const meta = failed ? result.meta() : result;
  let fee = messageFee(decoded.message);
  if (err !== null) {
    // LiteSVM does not charge a failed transaction; a cluster does.
    const payer = getAccount(keys[0]);
    if (payer && payer.lamports() >= fee && preBalances[0] === payer.lamports()) {
      setAccount(keys[0], payer.lamports() - fee, payer.data(), addrDec.decode(payer.owner()));
    } else if (!payer || preBalances[0] === payer.lamports()) {
      fee = 0n;
    }
  }
  newBlocks();
  chain.transactionCount++;
  const record = {
    signature: decoded.signature,
    slot: chain.slot,
    blockTime: Math.floor(Date.now() / 1000),
    decoded,
    err,
    fee,
    preBalances,
    postBalances: keys.map((k) => getAccount(k)?.lamports() ?? 0n),
    preTokenBalances,
    postTokenBalances: tokenBalances(keys),
    logs: meta.logs(),
    innerInstructions: innerInstructions(meta),
    unitsConsumed: meta.computeUnitsConsumed(),
    returnData: returnData(meta),
  };
  chain.transactions.set(decoded.signature, record);
  return record;
}

function status(record, searchHistory) {
  if (!record) return null;
  const age = chain.slot - record.slot;
  if (!searchHistory && age > STATUS_CACHE_SLOTS) return null;
  const finalized = age >= FINALIZED_DEPTH;
  return {
    confirmationStatus: finalized ? "finalized" : "confirmed",
    confirmations: finalized ? null : age,
    err: record.err,
    slot: record.slot,
    status: record.err === null ? { Ok: null } : { Err: record.err },
  };
}

function encodeTransaction(record, config) {
  const encoding = config.encoding ?? "json";
  const { decoded } = record;
  const meta = {
    computeUnitsConsumed: record.unitsConsumed,
    err: record.err,
    fee: record.fee,
    innerInstructions: record.innerInstructions,
    loadedAddresses: { readonly: [], writable: [] },
    logMessages: record.logs,
    postBalances: record.postBalances,
    postTokenBalances: record.postTokenBalances,
    preBalances: record.preBalances,
    preTokenBalances: record.preTokenBalances,
    rewards: [],
    status: record.err === null ? { Ok: null } : { Err: record.err },
  };
  if (record.returnData) meta.returnData = record.returnData;
  let transaction;
  if (encoding === "base64") {
    transaction = [Buffer.from(decoded.wire).toString("base64"), "base64"];
  } else if (encoding === "base58") {
    transaction = [b58dec.decode(decoded.wire), "base58"];
  } else if (encoding === "json" || encoding === "jsonParsed") {
    const m = decoded.message;
    const header = m.header;
    const numKeys = decoded.accountKeys.length;
    const instructions = m.instructions.map((ix) => ({
      accounts: ix.accountIndices ?? [],
      data: b58dec.decode(ix.data ?? new Uint8Array()),
      programIdIndex: ix.programAddressIndex,
      stackHeight: null,
    }));
    const accountKeys = encoding === "json"
      ? decoded.accountKeys
      : decoded.accountKeys.map((pubkey, i) => ({
        pubkey,
        signer: i < header.numSignerAccounts,
        source: "transaction",
        writable: i < header.numSignerAccounts
          ? i < header.numSignerAccounts - header.numReadonlySignerAccounts
          : i < numKeys - header.numReadonlyNonSignerAccounts,
      }));
    transaction = {
      message: {
        accountKeys,
        header: {
          numReadonlySignedAccounts: header.numReadonlySignerAccounts,
          numReadonlyUnsignedAccounts: header.numReadonlyNonSignerAccounts,
          numRequiredSignatures: header.numSignerAccounts,
        },
        instructions: encoding === "json" ? instructions : instructions.map((ix) => ({
          accounts: ix.accounts.map((i) => decoded.accountKeys[i]),
          data: ix.data,
          programId: decoded.accountKeys[ix.programIdIndex],
          stackHeight: null,
        })),
        recentBlockhash: decoded.blockhash,
      },
      signatures: Object.values(decoded.tx.signatures).map((s) => b58dec.decode(s ?? new Uint8Array(64))),
    };
    if (decoded.version !== "legacy") {
      transaction.message.addressTableLookups = (m.addressTableLookups ?? []).map((l) => ({
        accountKey: String(l.lookupTableAddress),
        readonlyIndexes: l.readonlyIndexes ?? l.readableIndices ?? [],
        writableIndexes: l.writableIndexes ?? l.writableIndices ?? [],
      }));
    }
  } else {
    throw invalidParams(`Invalid params: unsupported encoding ${encoding}`);
  }
  return {
    blockTime: record.blockTime,
    meta,
    slot: record.slot,
    transaction,
    version: decoded.version,
  };
}

// ---------------------------------------------------------------------------------------------
// Methods

const failures = new Map(); // method -> { count, code, message }
const callCounts = new Map();

function config(params, index) {
  const c = params[index];
  if (c === undefined || c === null) return {};
  if (typeof c !== "object" || Array.isArray(c)) throw invalidParams("Invalid params: configuration must be an object");
  return c;
}

function u64Param(value, what) {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "bigint" && value >= 0n) return value;
  throw invalidParams(`Invalid params: ${what} must be a non-negative integer`);
}

function signatureParam(value) {
  if (typeof value !== "string") throw invalidParams("Invalid param: signature must be a base58 string");
  let bytes;
  try {
    bytes = b58enc.encode(value);
  } catch {
    bytes = null;
  }
  if (!bytes || bytes.length !== 64) throw invalidParams("Invalid param: Invalid");
  return value;
}

let info; // the startup JSON, set below

const methods = {
  getHealth: () => "ok",
  getVersion: () => ({ "feature-set": 3294202862, "solana-core": API_VERSION }),
  getGenesisHash: () => GENESIS_HASH,
  getSlot: () => chain.slot,
  getBlockHeight: () => chain.blockHeight,
  getTransactionCount: () => chain.transactionCount,
  getEpochInfo: () => ({
    absoluteSlot: chain.slot,
    blockHeight: chain.blockHeight,
    epoch: chain.slot / SLOTS_PER_EPOCH,
    slotIndex: chain.slot % SLOTS_PER_EPOCH,
    slotsInEpoch: SLOTS_PER_EPOCH,
    transactionCount: chain.transactionCount,
  }),
  getLatestBlockhash: () => withContext({
    blockhash: chain.latest,
    lastValidBlockHeight: chain.blockhashes.get(chain.latest).lastValidBlockHeight,
  }),
  isBlockhashValid: (p) => {
    if (typeof p[0] !== "string") throw invalidParams("Invalid param: blockhash must be a base58 string");
    return withContext(blockhashValid(p[0]));
  },
  getBalance: (p) => withContext(getAccount(parseAddress(p[0]))?.lamports() ?? 0n),
  getAccountInfo: (p) => withContext(encodeAccount(getAccount(parseAddress(p[0])), config(p, 1))),
  getMultipleAccounts: (p) => {
    if (!Array.isArray(p[0])) throw invalidParams("Invalid params: expected an array of addresses");
    if (p[0].length > 100) throw invalidParams("Too many inputs provided; max 100");
    const c = config(p, 1);
    return withContext(p[0].map((a) => encodeAccount(getAccount(parseAddress(a)), c)));
  },
  getMinimumBalanceForRentExemption: (p) => rentExempt(u64Param(p[0] ?? 0, "data length")),
  getTokenAccountBalance: (p) => {
    const account = getAccount(parseAddress(p[0]));
    const owner = account ? addrDec.decode(account.owner()) : null;
    const parsed = account && isTokenProgram(owner) ? parseTokenAccount(Buffer.from(account.data())) : null;
    const decimals = parsed ? mintDecimals(parsed.mint) : null;
    if (!parsed || decimals === null) {
      throw new RpcError(-32602, "Invalid param: could not find account");
    }
    return withContext(tokenAmount(parsed.amount, decimals));
  },
  getTokenSupply: (p) => {
    const account = getAccount(parseAddress(p[0]));
    const mint = account && isTokenProgram(addrDec.decode(account.owner())) ? parseMint(Buffer.from(account.data())) : null;
    if (!mint) throw new RpcError(-32602, "Invalid param: not a Token mint");
    return withContext(tokenAmount(mint.supply, mint.decimals));
  },
  getFeeForMessage: (p) => {
    if (typeof p[0] !== "string") throw invalidParams("Invalid params: message must be base64");
    let message;
    try {
      message = messageDecoder.decode(new Uint8Array(Buffer.from(p[0], "base64")));
    } catch (e) {
      throw invalidParams(`invalid message: ${e.message}`);
    }
    return withContext(blockhashValid(message.lifetimeToken) ? messageFee(message) : null);
  },
  getRecentPrioritizationFees: () => [],
  simulateTransaction: (p) => {
    const c = config(p, 1);
    if (c.sigVerify && c.replaceRecentBlockhash) {
      throw invalidParams("sigVerify may not be used with replaceRecentBlockhash");
    }
    const decoded = decodeWire(p[0], c.encoding ?? "base58");
    if (c.sigVerify && !signaturesValid(decoded)) {
      throw new RpcError(-32003, "Transaction signature verification failure");
    }
    return withContext(simulate(decoded, c));
  },
  sendTransaction: (p) => {
    const c = config(p, 1);
    const decoded = decodeWire(p[0], c.encoding ?? "base58");
    if (!c.skipPreflight) {
      if (!signaturesValid(decoded)) throw new RpcError(-32003, "Transaction signature verification failure");
      const sim = simulate(decoded, {});
      if (sim.err !== null) {
        throw new RpcError(-32002, `Transaction simulation failed: ${describeError(sim.err)}`, {
          accounts: null,
          err: sim.err,
          innerInstructions: null,
          loadedAccountsDataSize: 0,
          logs: sim.logs,
          replacementBlockhash: null,
          returnData: sim.returnData,
          unitsConsumed: sim.unitsConsumed,
        });
      }
    }
    if (chain.holding) {
      if (!chain.held.some((h) => h.signature === decoded.signature)) chain.held.push({ signature: decoded.signature, decoded });
    } else {
      land(decoded);
    }
    return decoded.signature;
  },
  getSignatureStatuses: (p) => {
    if (!Array.isArray(p[0])) throw invalidParams("Invalid params: expected an array of signatures");
    if (p[0].length > 256) throw invalidParams("Too many inputs provided; max 256");
    const c = config(p, 1);
    return withContext(p[0].map((s) => status(chain.transactions.get(signatureParam(s)), !!c.searchTransactionHistory)));
  },
  getTransaction: (p) => {
    const c = config(p, 1);
    const record = chain.transactions.get(signatureParam(p[0]));
    if (!record || !record.decoded) return null; // airdrops have a status but no stored body
    const max = c.maxSupportedTransactionVersion;
    if (record.decoded.version !== "legacy" && (max === undefined || max === null || max < record.decoded.version)) {
      throw new RpcError(
        -32015,
        `Transaction version (${record.decoded.version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${record.decoded.version}`,
      );
    }
    return encodeTransaction(record, c);
  },
  requestAirdrop: (p) => {
    const address = parseAddress(p[0]);
    const amount = u64Param(p[1], "lamports");
    const result = svm.airdrop(addrEnc.encode(address), amount);
    if (!result || typeof result.err === "function") {
      throw new RpcError(-32603, `airdrop failed: ${result ? JSON.stringify(convertError(result.err())) : "no faucet"}`);
    }
    newBlocks();
    const signature = b58dec.decode(result.signature());
    chain.transactionCount++;
    chain.transactions.set(signature, {
      signature,
      slot: chain.slot,
      blockTime: Math.floor(Date.now() / 1000),
      decoded: null,
      err: null,
    });
    return signature;
  },

  // Test controls
  x402jDevnet_info: () => info,
  x402jDevnet_holdTransactions: (p) => {
    if (typeof p[0] !== "boolean") throw invalidParams("Invalid params: expected true or false");
    chain.holding = p[0];
    return chain.holding;
  },
  x402jDevnet_heldTransactions: () => chain.held.map((h) => h.signature),
  x402jDevnet_releaseTransactions: (p) => {
    const chosen = takeHeld(p[0]);
    return chosen.map((h) => {
      const outcome = land(h.decoded);
      return outcome.dropped
        ? { signature: h.signature, landed: false, dropped: outcome.dropped }
        : { signature: h.signature, landed: true, slot: outcome.slot, err: outcome.err };
    });
  },
  x402jDevnet_dropTransactions: (p) => takeHeld(p[0]).map((h) => h.signature),
  x402jDevnet_expireBlockhashes: () => {
    newBlocks(MAX_PROCESSING_AGE + 1n);
    return methods.getLatestBlockhash().value;
  },
  x402jDevnet_warpSlots: (p) => {
    const n = u64Param(p[0], "slots");
    if (n === 0n || n > 1000000n) throw invalidParams("Invalid params: slots must be 1..1000000");
    newBlocks(n);
    return chain.slot;
  },
  x402jDevnet_mint: async (p) => {
    const owner = parseAddress(p[0], "owner");
    const amount = typeof p[1] === "string" && /^\d+$/.test(p[1]) ? BigInt(p[1]) : u64Param(p[1], "amount");
    return mintTo(owner, amount);
  },
  x402jDevnet_tokenBalance: async (p) => {
    const tokenAccount = await ata(parseAddress(p[0], "owner"), USDC_MINT);
    const account = getAccount(tokenAccount);
    const parsed = account ? parseTokenAccount(Buffer.from(account.data())) : null;
    return { tokenAccount, exists: parsed !== null, amount: (parsed ? parsed.amount : 0n).toString() };
  },
  x402jDevnet_setLamports: (p) => {
    const address = parseAddress(p[0]);
    const lamports = typeof p[1] === "string" && /^\d+$/.test(p[1]) ? BigInt(p[1]) : u64Param(p[1], "lamports");
    const existing = getAccount(address);
    if (existing) setAccount(address, lamports, existing.data(), addrDec.decode(existing.owner()));
    else setAccount(address, lamports, new Uint8Array(), SYSTEM_PROGRAM);
    return lamports;
  },
  x402jDevnet_setAccount: (p) => {
    const address = parseAddress(p[0]);
    const a = p[1];
    if (!a || typeof a !== "object") throw invalidParams("Invalid params: expected {lamports, data, owner, executable?}");
    const lamports = typeof a.lamports === "string" && /^\d+$/.test(a.lamports) ? BigInt(a.lamports) : u64Param(a.lamports, "lamports");
    if (typeof a.data !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.data) || a.data.length % 4 !== 0) {
      throw invalidParams("Invalid params: data must be base64");
    }
    const owner = parseAddress(a.owner, "owner");
    svm.setAccount(
      addrEnc.encode(address),
      new Account(lamports, new Uint8Array(Buffer.from(a.data, "base64")), addrEnc.encode(owner), a.executable === true, U64_MAX),
    );
    return null;
  },
  x402jDevnet_failNext: (p) => {
    if (typeof p[0] !== "string") throw invalidParams("Invalid params: expected a method name");
    const count = Number(u64Param(p[1] ?? 1, "count"));
    failures.set(p[0], {
      count,
      code: Number.isInteger(p[2]) ? p[2] : -32005,
      message: typeof p[3] === "string" ? p[3] : "Node is unhealthy",
    });
    return count;
  },
  x402jDevnet_callCounts: (p) => {
    const counts = Object.fromEntries(callCounts);
    if (p[0] === true) callCounts.clear();
    return counts;
  },
};

function takeHeld(selection) {
  if (selection === undefined || selection === null) {
    const all = chain.held;
    chain.held = [];
    return all;
  }
  if (!Array.isArray(selection)) throw invalidParams("Invalid params: expected an array of signatures");
  const wanted = new Set(selection.map(signatureParam));
  const chosen = chain.held.filter((h) => wanted.has(h.signature));
  chain.held = chain.held.filter((h) => !wanted.has(h.signature));
  return chosen;
}

async function handle(request) {
  const id = request && typeof request === "object" && "id" in request ? request.id : null;
  const reply = (body) => ({ jsonrpc: "2.0", ...body, id });
  if (!request || typeof request !== "object" || Array.isArray(request) || request.jsonrpc !== "2.0" || typeof request.method !== "string") {
    return reply({ error: { code: -32600, message: "Invalid request" } });
  }
  const { method } = request;
  const params = request.params === undefined ? [] : request.params;
  if (!Array.isArray(params)) return reply({ error: { code: -32602, message: "Invalid params: expected an array" } });
  callCounts.set(method, (callCounts.get(method) ?? 0) + 1);
  const fn = Object.hasOwn(methods, method) ? methods[method] : null;
  if (!fn) return reply({ error: { code: -32601, message: "Method not found" } });
  const failure = failures.get(method);
  if (failure && failure.count > 0) {
    failure.count--;
    return reply({ error: { code: failure.code, message: failure.message } });
  }
  try {
    return reply({ result: await fn(params) });
  } catch (e) {
    if (e instanceof RpcError) {
      const error = { code: e.code, message: e.message };
      if (e.data !== undefined) error.data = e.data;
      return reply({ error });
    }
    process.stderr.write(`${method} failed: ${e.stack}\n`);
    return reply({ error: { code: -32603, message: `Internal error: ${e.message}` } });
  }
}

// One request at a time: each sees the chain as the previous one left it.
let queue = Promise.resolve();
function serially(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

function serve(body) {
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    return Promise.resolve({ jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return Promise.resolve({ jsonrpc: "2.0", error: { code: -32600, message: "Invalid request" }, id: null });
    return serially(async () => {
      const out = [];
      for (const r of parsed) out.push(await handle(r));
      return out;
    });
  }
  return serially(() => handle(parsed));
}

// ---------------------------------------------------------------------------------------------
// Start

async function main() {
  const options = parseArgs(process.argv.slice(2));
  newBlocks();

  const names = ["facilitator", "facilitator2", "buyer", "buyer2", "seller", "mintAuthority"];
  const keys = Object.fromEntries(
    names.map((name) => [name, keypairFromSeed(sha256("x402j solana devnet account: " + name))]),
  );
  const sol = 1000000000n;
  const lamports = { facilitator: 100n * sol, facilitator2: 100n * sol, buyer: 10n * sol, buyer2: 10n * sol, seller: 1n * sol, mintAuthority: 1n * sol };
  for (const name of names) setAccount(keys[name].address, lamports[name], new Uint8Array(), SYSTEM_PROGRAM);
  setAccount(USDC_MINT, rentExempt(82), mintData(keys.mintAuthority.address, 0n, DECIMALS), TOKEN_PROGRAM);
  const dollars = 1000000n;
  await mintTo(keys.buyer.address, 1000n * dollars);
  await mintTo(keys.buyer2.address, 1000n * dollars);
  await mintTo(keys.seller.address, 0n);

  const server = http.createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST", "content-type": "text/plain" }).end("use POST with a JSON-RPC 2.0 body\n");
      return;
    }
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > 10 * 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on("end", () => {
      serve(Buffer.concat(chunks).toString("utf8")).then((answer) => {
        const text = stringify(answer);
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
      });
    });
  });
  server.keepAliveTimeout = 60000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const rpcUrl = `http://127.0.0.1:${server.address().port}`;
  info = {
    rpcUrl,
    network: NETWORK,
    genesisHash: GENESIS_HASH,
    token: {
      address: USDC_MINT,
      decimals: DECIMALS,
      symbol: "USDC",
      name: "USDC",
      programId: TOKEN_PROGRAM,
      mintAuthority: keys.mintAuthority.address,
    },
    accounts: await Promise.all(names.map(async (name) => ({
      name,
      address: keys[name].address,
      privateKey: keys[name].secret,
      tokenAccount: await ata(keys[name].address, USDC_MINT),
    }))),
    slotMs: options.slotMs,
  };
  process.stdout.write(JSON.stringify(info) + "\n");

  if (options.slotMs > 0) {
    setInterval(() => serially(() => newBlocks()), options.slotMs).unref();
  }
  process.stdin.on("data", () => {});
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
  process.on("SIGTERM", () => process.exit(0));
  process.on("SIGINT", () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write(`x402j Solana devnet failed to start: ${e.stack ?? e}\n`);
  process.exit(1);
});
