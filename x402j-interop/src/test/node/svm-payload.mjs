// Builds a payment with the official v2 client (@x402/svm exact) for the requirements in
// X402J_REQUIREMENTS (one v2 PaymentRequirements, JSON), signed with the buyer's base58 64-byte
// secret key in X402J_SVM_KEY on the chain at X402J_SOLANA_RPC, and hostile variants of it: each
// decodes the official transaction with @solana/kit, changes one thing and re-signs the buyer's
// part with the buyer's key, so that only the facilitator's checks can refuse it.
//
//   node svm-payload.mjs [OTHER_OWNER OTHER_MINT]
//
// OTHER_OWNER is an owner whose associated token account replaces the payee's (recipient attack);
// OTHER_MINT replaces the mint. Prints {"payload": PaymentPayload, "hostile": {name: PaymentPayload}}.
import {
  createKeyPairFromBytes,
  createKeyPairSignerFromBytes,
  getAddressEncoder,
  getBase58Encoder,
  getBase64Encoder,
  getBase64Decoder,
  getCompiledTransactionMessageDecoder,
  getCompiledTransactionMessageEncoder,
  getProgramDerivedAddress,
  getTransactionDecoder,
  signBytes,
} from "@solana/kit";
import { x402Client } from "@x402/core/client";
import { ExactSvmScheme } from "@x402/svm/exact/client";

const [otherOwner, otherMint] = process.argv.slice(2);
const rpcUrl = process.env.X402J_SOLANA_RPC;
const secret = new Uint8Array(getBase58Encoder().encode(process.env.X402J_SVM_KEY));
const signer = await createKeyPairSignerFromBytes(secret);
const keyPair = await createKeyPairFromBytes(secret);
const requirements = JSON.parse(process.env.X402J_REQUIREMENTS);

const client = new x402Client().register("solana:*", new ExactSvmScheme(signer, { rpcUrl }));
const payload = await client.createPaymentPayload({
  x402Version: 2,
  resource: { url: "http://127.0.0.1/weather", description: "", mimeType: "application/json" },
  accepts: [requirements],
});

const ATA_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const addr = getAddressEncoder();
const messageDecoder = getCompiledTransactionMessageDecoder();
const messageEncoder = getCompiledTransactionMessageEncoder();

function decode(base64) {
  const tx = getTransactionDecoder().decode(getBase64Encoder().encode(base64));
  return structuredClone(messageDecoder.decode(tx.messageBytes));
}

// Re-encodes the message and signs it as the buyer; the fee payer's slot stays zero.
async function resign(message) {
  const messageBytes = new Uint8Array(messageEncoder.encode(message));
  const signers = message.header.numSignerAccounts;
  const wire = new Uint8Array(1 + 64 * signers + messageBytes.length);
  wire[0] = signers;
  for (let i = 0; i < signers; i++) {
    if (message.staticAccounts[i] === signer.address) {
      wire.set(await signBytes(keyPair.privateKey, messageBytes), 1 + 64 * i);
    }
  }
  wire.set(messageBytes, 1 + 64 * signers);
  return { ...payload, payload: { transaction: getBase64Decoder().decode(wire) } };
}

function u64le(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, true);
  return out;
}

const TRANSFER = 2; // ix0 limit, ix1 price, ix2 TransferChecked, ix3 memo
const base = decode(payload.payload.transaction);
const hostile = {};
const tamper = async (name, change) => {
  const message = decode(payload.payload.transaction);
  await change(message);
  hostile[name] = await resign(message);
};

await tamper("amount", (m) => {
  const data = new Uint8Array(m.instructions[TRANSFER].data);
  const amount = new DataView(data.buffer).getBigUint64(1, true);
  data.set(u64le(amount + 1n), 1);
  m.instructions[TRANSFER].data = data;
});
if (otherOwner) {
  await tamper("recipient", async (m) => {
    const ix = m.instructions[TRANSFER];
    const tokenProgram = m.staticAccounts[ix.programAddressIndex];
    const [ata] = await getProgramDerivedAddress({
      programAddress: ATA_PROGRAM,
      seeds: [addr.encode(otherOwner), addr.encode(tokenProgram), addr.encode(requirements.asset)],
    });
    m.staticAccounts[ix.accountIndices[2]] = ata;
  });
}
if (otherMint) {
  await tamper("mint", (m) => {
    m.staticAccounts[m.instructions[TRANSFER].accountIndices[1]] = otherMint;
  });
}
await tamper("extraInstruction", (m) => {
  // An unknown program (System) as a fifth instruction, appended as a read-only non-signer.
  m.staticAccounts.push(SYSTEM_PROGRAM);
  m.header.numReadonlyNonSignerAccounts += 1;
  m.instructions.push({ programAddressIndex: m.staticAccounts.length - 1, accountIndices: [], data: new Uint8Array([2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]) });
});
await tamper("feePayerAsAuthority", (m) => {
  m.instructions[TRANSFER].accountIndices[3] = 0;
});
await tamper("feePayerInAccountList", (m) => {
  // The fee payer named as an account of the memo instruction.
  const memo = m.instructions[3];
  memo.accountIndices = [...(memo.accountIndices ?? []), 0];
});
await tamper("computePriceTooHigh", (m) => {
  m.instructions[1].data = new Uint8Array([3, ...u64le(5_000_001n)]);
});

console.log(JSON.stringify({ payload, layout: { accounts: base.staticAccounts, header: base.header, instructions: base.instructions.length }, hostile }));
