// EIP-712 digests and signatures of TransferWithAuthorization, computed with viem, for the cases in
// X402J_CASES (a JSON array of {key, domain, message}); prints {"results": [{digest, signature}]}.
import { hashTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const types = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};
const results = [];
for (const c of JSON.parse(process.env.X402J_CASES)) {
  const domain = { ...c.domain, chainId: BigInt(c.domain.chainId) };
  const message = {
    ...c.message,
    value: BigInt(c.message.value),
    validAfter: BigInt(c.message.validAfter),
    validBefore: BigInt(c.message.validBefore),
  };
  const typed = { domain, types, primaryType: "TransferWithAuthorization", message };
  const signature = await privateKeyToAccount(c.key).signTypedData(typed);
  results.push({ digest: hashTypedData(typed), signature });
}
console.log(JSON.stringify({ results }));
