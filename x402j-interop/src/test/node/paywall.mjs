// Opens URL in headless Chromium as a browser with a wallet: an EIP-1193 provider is injected that
// signs with the key in X402J_TEST_KEY. Clicks "Pay" and reports what the page ends up showing.
import { chromium } from "playwright-core";
import { privateKeyToAccount } from "viem/accounts";

const [url, chainIdText] = process.argv.slice(2);
const account = privateKeyToAccount(process.env.X402J_TEST_KEY);
const chainId = Number(chainIdText);
const browser = await chromium.launch({
  executablePath: process.env.X402J_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const page = await browser.newPage();
  const calls = [];
  await page.exposeFunction("__x402jWallet", async (method, params) => {
    calls.push(method);
    if (method === "eth_requestAccounts" || method === "eth_accounts") return [account.address];
    if (method === "eth_chainId") return "0x" + chainId.toString(16);
    if (method === "eth_signTypedData_v4") {
      const typed = JSON.parse(params[1]);
      delete typed.types.EIP712Domain;
      const uints = new Set(
        typed.types[typed.primaryType].filter((f) => f.type.startsWith("uint")).map((f) => f.name),
      );
      const message = {};
      for (const [k, v] of Object.entries(typed.message)) message[k] = uints.has(k) ? BigInt(v) : v;
      return account.signTypedData({
        domain: { ...typed.domain, chainId: BigInt(typed.domain.chainId) },
        types: typed.types,
        primaryType: typed.primaryType,
        message,
      });
    }
    throw new Error("unsupported wallet method " + method);
  });
  await page.addInitScript(() => {
    window.ethereum = {
      request: ({ method, params }) => window.__x402jWallet(method, params || []),
    };
  });
  const first = await page.goto(url);
  const status = first.status();
  await page.click("#x402-pay");
  await page.waitForFunction(
    () => ["paid", "error"].includes(document.body && document.body.getAttribute("data-x402-state")),
    null,
    { timeout: 60000 },
  );
  const state = await page.evaluate(() => document.body.getAttribute("data-x402-state"));
  const transaction = await page.evaluate(() => document.body.getAttribute("data-x402-transaction"));
  const text = await page.evaluate(() => document.body.innerText);
  console.log(JSON.stringify({ status, state, transaction, text, calls }));
} finally {
  await browser.close();
}
