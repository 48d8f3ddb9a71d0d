// Signs a payment with the official v2 client ("exact", EIP-3009 or Permit2, and "upto") for the
// first requirement of the PaymentRequired JSON in X402J_PAYMENT_REQUIRED, with the key in
// X402J_TEST_KEY; prints the PaymentPayload. With X402J_TEST_RPC the client reads the chain, as it
// does to add a gas-sponsoring extension the PaymentRequired declares when the Permit2 allowance is
// short. Spend controls are off so that test tokens are paid too.
import { privateKeyToAccount } from "viem/accounts";
import { x402Client } from "@x402/core/client";
import { ExactEvmScheme, UptoEvmScheme } from "@x402/evm";

const account = privateKeyToAccount(process.env.X402J_TEST_KEY);
const options = process.env.X402J_TEST_RPC ? { rpcUrl: process.env.X402J_TEST_RPC } : undefined;
const client = new x402Client()
  .register("eip155:*", new ExactEvmScheme(account, options))
  .register("eip155:*", new UptoEvmScheme(account, options));
client.setSpendControls(false);
const payload = await client.createPaymentPayload(JSON.parse(process.env.X402J_PAYMENT_REQUIRED));
console.log(JSON.stringify(payload));
