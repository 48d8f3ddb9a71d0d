// Decodes a base64 wire transaction with @solana/kit's decoders, as the official facilitator does
// (getTransactionDecoder, then getCompiledTransactionMessageDecoder on messageBytes), and checks
// every non-empty signature with kit's Ed25519. argv[2]: base64. Prints the decoded fields as JSON.
import {
  getBase64Encoder,
  getTransactionDecoder,
  getCompiledTransactionMessageDecoder,
  getBase58Decoder,
  getPublicKeyFromAddress,
  verifySignature,
} from "@solana/kit";

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const wire = getBase64Encoder().encode(process.argv[2]);
const tx = getTransactionDecoder().decode(wire);
const message = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
const signatures = {};
const verified = {};
for (const [address, signature] of Object.entries(tx.signatures)) {
  signatures[address] = signature ? getBase58Decoder().decode(signature) : null;
  if (signature) {
    verified[address] = await verifySignature(
      await getPublicKeyFromAddress(address),
      signature,
      tx.messageBytes,
    );
  }
}
console.log(
  JSON.stringify({
    version: message.version,
    header: message.header,
    staticAccounts: message.staticAccounts,
    lifetimeToken: message.lifetimeToken,
    instructions: (message.instructions ?? []).map((ix) => ({
      programAddressIndex: ix.programAddressIndex,
      accountIndices: ix.accountIndices ?? [],
      data: hex(ix.data ?? new Uint8Array()),
    })),
    addressTableLookups: message.addressTableLookups ?? [],
    signatures,
    verified,
  }),
);
