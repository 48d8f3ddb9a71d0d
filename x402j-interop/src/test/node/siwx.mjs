// The official sign-in-with-x helpers (@x402/extensions), driven by x402j's SiwxInteropIT.
// X402J_MODE selects what to do; the answer is one line of JSON.
//   format: X402J_CASES = [{info, address}] -> {results: [{message} | {error}]}
//   sign:   X402J_DECLARATION (the 402's extensions["sign-in-with-x"]), X402J_URL, and
//           X402J_EVM_KEY or X402J_SOLANA_SECRET (JSON byte array) -> {header} | {error}
//   verify: X402J_HEADER, X402J_ORIGIN, optional X402J_RPC (viem public client for ERC-1271)
//           -> {payload, validation, verification} | {error}
import {
  createSIWxClientHook,
  createSIWxMessage,
  parseSIWxHeader,
  validateSIWxMessage,
  verifySIWxSignature,
} from "@x402/extensions/sign-in-with-x";
import { createKeyPairSignerFromBytes } from "@solana/kit";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const mode = process.env.X402J_MODE;
if (mode === "format") {
  const results = [];
  for (const c of JSON.parse(process.env.X402J_CASES)) {
    try {
      results.push({ message: createSIWxMessage(c.info, c.address) });
    } catch (e) {
      results.push({ error: String(e?.message ?? e) });
    }
  }
  console.log(JSON.stringify({ results }));
} else if (mode === "sign") {
  const signer = process.env.X402J_EVM_KEY
    ? privateKeyToAccount(process.env.X402J_EVM_KEY)
    : await createKeyPairSignerFromBytes(
        new Uint8Array(JSON.parse(process.env.X402J_SOLANA_SECRET)),
      );
  const hook = createSIWxClientHook(signer);
  const result = await hook({
    paymentRequired: {
      x402Version: 2,
      accepts: [],
      extensions: { "sign-in-with-x": JSON.parse(process.env.X402J_DECLARATION) },
    },
    requestUrl: process.env.X402J_URL,
  });
  // The official hook names the header in lower case ("sign-in-with-x").
  const header = result?.headers ? Object.values(result.headers)[0] : undefined;
  console.log(JSON.stringify(header ? { header } : { error: "the official client did not sign" }));
} else if (mode === "verify") {
  try {
    const payload = parseSIWxHeader(process.env.X402J_HEADER);
    const validation = await validateSIWxMessage(payload, new URL(process.env.X402J_ORIGIN));
    const options = process.env.X402J_RPC
      ? {
          evmVerifier: createPublicClient({ transport: http(process.env.X402J_RPC) })
            .verifyMessage,
        }
      : undefined;
    const verification = await verifySIWxSignature(payload, options);
    console.log(JSON.stringify({ payload, validation, verification }));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e?.message ?? e) }));
  }
} else {
  console.log(JSON.stringify({ error: `unknown mode ${mode}` }));
}
