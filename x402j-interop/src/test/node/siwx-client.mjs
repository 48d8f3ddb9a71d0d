// The official client against a sign-in-with-x server, driven by x402j's SiwxHttpInteropIT: it pays
// URL once with @x402/fetch (@x402/evm "exact"), then asks again with @x402/extensions'
// wrapFetchWithSIWx, which answers the 402's sign-in challenge with a SIGN-IN-WITH-X header instead
// of paying. The key comes from the environment (X402J_TEST_KEY), never from the command line.
// Prints {paid: {status, body, receipt}, signedIn: {status, body, paymentRequired}} | {error}.
import { privateKeyToAccount } from "viem/accounts";
import { wrapFetchWithPaymentFromConfig, decodePaymentResponseHeader } from "@x402/fetch";
import { ExactEvmScheme } from "@x402/evm";
import { wrapFetchWithSIWx } from "@x402/extensions/sign-in-with-x";

const [url] = process.argv.slice(2);
const account = privateKeyToAccount(process.env.X402J_TEST_KEY);
try {
  const paidFetch = wrapFetchWithPaymentFromConfig(fetch, {
    schemes: [{ network: "eip155:*", client: new ExactEvmScheme(account, { rpcUrl: process.env.X402J_TEST_RPC }) }],
  });
  const paid = await paidFetch(url);
  const receipt = paid.headers.get("PAYMENT-RESPONSE");
  const paidResult = {
    status: paid.status,
    body: await paid.text(),
    receipt: receipt ? decodePaymentResponseHeader(receipt) : null,
  };
  const signedIn = await wrapFetchWithSIWx(fetch, account)(url);
  console.log(
    JSON.stringify({
      paid: paidResult,
      signedIn: {
        status: signedIn.status,
        body: await signedIn.text(),
        paymentRequired: signedIn.headers.get("PAYMENT-REQUIRED"),
      },
    }),
  );
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
}
