// Signs a payment with the official v2 client for the first requirement of the PaymentRequired
// JSON in X402J_PAYMENT_REQUIRED, with the key in X402J_TEST_KEY; prints the PaymentPayload.
import { privateKeyToAccount } from "viem/accounts";
import { x402Client } from "@x402/core/client";
import { ExactEvmScheme } from "@x402/evm";

const client = new x402Client().register("eip155:*", new ExactEvmScheme(privateKeyToAccount(process.env.X402J_TEST_KEY)));
const payload = await client.createPaymentPayload(JSON.parse(process.env.X402J_PAYMENT_REQUIRED));
console.log(JSON.stringify(payload));
