// The official @x402/extensions payment-identifier helpers against x402j.
//   pay URL      the official client pays URL with an id (appendPaymentIdentifierToExtensions), then
//                sends the very same payment header again; prints both answers.
//   check HEADER the official validators read an x402j PAYMENT-SIGNATURE header.
//   generate     ids from generatePaymentId() and the official declarations, for x402j to read.
// The key comes from the environment (X402J_TEST_KEY), never from the command line.
import {
  appendPaymentIdentifierToExtensions,
  declarePaymentIdentifierExtension,
  extractAndValidatePaymentIdentifier,
  extractPaymentIdentifier,
  generatePaymentId,
  isPaymentIdentifierExtension,
  isPaymentIdentifierRequired,
  isValidPaymentId,
  validatePaymentIdentifierRequirement,
} from "@x402/extensions/payment-identifier";
import {
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  decodePaymentSignatureHeader,
  encodePaymentSignatureHeader,
} from "@x402/core/http";

const [mode, arg] = process.argv.slice(2);
try {
  if (mode === "pay") {
    const { privateKeyToAccount } = await import("viem/accounts");
    const { x402Client } = await import("@x402/core/client");
    const { ExactEvmScheme } = await import("@x402/evm");
    const account = privateKeyToAccount(process.env.X402J_TEST_KEY);
    const client = new x402Client().register(
      "eip155:*",
      new ExactEvmScheme(account, { rpcUrl: process.env.X402J_TEST_RPC }),
    );
    const first = await fetch(arg);
    const required = decodePaymentRequiredHeader(first.headers.get("PAYMENT-REQUIRED"));
    const declared = required.extensions?.["payment-identifier"];
    const payload = await client.createPaymentPayload(required);
    payload.extensions = appendPaymentIdentifierToExtensions({ ...(payload.extensions ?? {}) });
    const header = encodePaymentSignatureHeader(payload);
    const answers = [];
    for (let i = 0; i < 2; i++) {
      const r = await fetch(arg, { headers: { "PAYMENT-SIGNATURE": header } });
      const receipt = r.headers.get("PAYMENT-RESPONSE");
      answers.push({
        status: r.status,
        body: await r.text(),
        receiptHeader: receipt,
        receipt: receipt ? decodePaymentResponseHeader(receipt) : null,
      });
    }
    console.log(
      JSON.stringify({
        declaredIsExtension: isPaymentIdentifierExtension(declared),
        declaredRequired: isPaymentIdentifierRequired(declared),
        id: extractPaymentIdentifier(payload),
        answers,
      }),
    );
  } else if (mode === "check") {
    const payload = decodePaymentSignatureHeader(arg);
    const id = extractPaymentIdentifier(payload);
    console.log(
      JSON.stringify({
        id,
        valid: isValidPaymentId(id),
        extracted: extractAndValidatePaymentIdentifier(payload),
        requirement: validatePaymentIdentifierRequirement(payload, true),
      }),
    );
  } else {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(generatePaymentId());
    console.log(
      JSON.stringify({
        ids,
        required: declarePaymentIdentifierExtension(true),
        optional: declarePaymentIdentifierExtension(false),
      }),
    );
  }
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
}
