// Asks URL without paying and decodes the 402 with the official SDK's own decoder.
import { decodePaymentRequiredHeader } from "@x402/core/http";

const response = await fetch(process.argv[2]);
const header = response.headers.get("PAYMENT-REQUIRED");
let decoded = null;
let error = null;
try {
  decoded = decodePaymentRequiredHeader(header);
} catch (e) {
  error = String(e && e.message ? e.message : e);
}
console.log(JSON.stringify({ status: response.status, decoded, error, body: await response.text() }));
