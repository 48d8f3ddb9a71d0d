// Permit2 payloads made by the official v2 clients (@x402/evm ExactEvmScheme with a Permit2 offer,
// UptoEvmScheme) for fixed inputs: for each case of X402J_CASES (a JSON array of {key, kind:
// "exact"|"upto", now, nonce (0x + 64 hex), requirements, settleAmount?}) the clock reads `now` and
// the random source yields `nonce`, so the payload is reproducible. Prints {"results": [{payload,
// payloadJson, digest, calldata}]}: the payload as the client made it (and its JSON text), the
// EIP-712 digest viem computes for it, and the proxy's settle calldata viem encodes for it.
import { encodeFunctionData, getAddress, hashTypedData, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { x402Client } from "@x402/core/client";
import {
  ExactEvmScheme,
  UptoEvmScheme,
  PERMIT2_ADDRESS,
  permit2WitnessTypes,
  uptoPermit2WitnessTypes,
  x402ExactPermit2ProxyABI,
  x402UptoPermit2ProxyABI,
} from "@x402/evm";

const realNow = Date.now;
const realRandom = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
const results = [];
for (const c of JSON.parse(process.env.X402J_CASES)) {
  const account = privateKeyToAccount(c.key);
  // Random tokens are not the client's default assets: its spend controls would refuse them.
  const client = new x402Client()
    .register("eip155:*", c.kind === "upto" ? new UptoEvmScheme(account) : new ExactEvmScheme(account));
  client.setSpendControls(false);
  const nonceBytes = hexToBytes(c.nonce);
  Date.now = () => c.now * 1000;
  globalThis.crypto.getRandomValues = (array) => {
    if (array.length === 32) {
      array.set(nonceBytes);
      return array;
    }
    return realRandom(array);
  };
  let made;
  try {
    made = await client.createPaymentPayload({
      x402Version: 2,
      resource: { url: "http://127.0.0.1/digest" },
      accepts: [c.requirements],
    });
  } finally {
    Date.now = realNow;
    globalThis.crypto.getRandomValues = realRandom;
  }
  const payload = made.payload;
  const a = payload.permit2Authorization;
  const upto = c.kind === "upto";
  const chainId = Number(c.requirements.network.split(":")[1]);
  const witness = upto
    ? { to: getAddress(a.witness.to), facilitator: getAddress(a.witness.facilitator), validAfter: BigInt(a.witness.validAfter) }
    : { to: getAddress(a.witness.to), validAfter: BigInt(a.witness.validAfter) };
  const digest = hashTypedData({
    domain: { name: "Permit2", chainId, verifyingContract: PERMIT2_ADDRESS },
    types: upto ? uptoPermit2WitnessTypes : permit2WitnessTypes,
    primaryType: "PermitWitnessTransferFrom",
    message: {
      permitted: { token: getAddress(a.permitted.token), amount: BigInt(a.permitted.amount) },
      spender: getAddress(a.spender),
      nonce: BigInt(a.nonce),
      deadline: BigInt(a.deadline),
      witness,
    },
  });
  const permit = {
    permitted: { token: getAddress(a.permitted.token), amount: BigInt(a.permitted.amount) },
    nonce: BigInt(a.nonce),
    deadline: BigInt(a.deadline),
  };
  const calldata = upto
    ? encodeFunctionData({
        abi: x402UptoPermit2ProxyABI,
        functionName: "settle",
        args: [permit, BigInt(c.settleAmount ?? a.permitted.amount), getAddress(a.from), witness, payload.signature],
      })
    : encodeFunctionData({
        abi: x402ExactPermit2ProxyABI,
        functionName: "settle",
        args: [permit, getAddress(a.from), witness, payload.signature],
      });
  results.push({ payload, payloadJson: JSON.stringify(payload), digest, calldata });
}
console.log(JSON.stringify({ results }));
