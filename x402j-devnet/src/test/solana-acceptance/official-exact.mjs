// Acceptance of x402j's Solana devnet by the official stack: the @x402/svm exact client builds a
// payment of the buyer to the seller, and the @x402/svm exact facilitator (signing with the
// facilitator key) verifies and settles it, both through the devnet's JSON-RPC only.
//
//   node official-exact.mjs RPC_URL BUYER_SECRET FACILITATOR_SECRET SELLER MINT AMOUNT
//
// Prints one JSON line: {"verify": VerifyResponse, "settle": SettleResponse, "payload": ...}.
import { createKeyPairSignerFromBytes, getBase58Encoder } from "@solana/kit";
import { toFacilitatorSvmSigner } from "@x402/svm";
import { ExactSvmScheme as ExactSvmClient } from "@x402/svm/exact/client";
import { ExactSvmScheme as ExactSvmFacilitator } from "@x402/svm/exact/facilitator";

const [rpcUrl, buyerSecret, facilitatorSecret, seller, mint, amount] = process.argv.slice(2);
const secret = (s) => new Uint8Array(getBase58Encoder().encode(s));
const buyer = await createKeyPairSignerFromBytes(secret(buyerSecret));
const feePayer = await createKeyPairSignerFromBytes(secret(facilitatorSecret));
const network = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";

const requirements = {
  scheme: "exact",
  network,
  amount,
  asset: mint,
  payTo: seller,
  maxTimeoutSeconds: 60,
  extra: { feePayer: feePayer.address },
};
const client = new ExactSvmClient(buyer, { rpcUrl });
const created = await client.createPaymentPayload(2, requirements);
const payload = {
  x402Version: 2,
  resource: { url: "http://127.0.0.1/weather", description: "", mimeType: "application/json" },
  accepted: requirements,
  payload: created.payload,
};

const facilitator = new ExactSvmFacilitator(toFacilitatorSvmSigner(feePayer, { defaultRpcUrl: rpcUrl }));
const verify = await facilitator.verify(payload, requirements);
const settle = await facilitator.settle(payload, requirements);
const json = (v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));
process.stdout.write(json({ verify, settle, payload }) + "\n");
