// Known vectors from @solana/kit and @solana-program/token.
// argv[2]: JSON {seeds: [hex32], atas: [{owner, mint, program}], curve: [base58]}.
// Prints {addresses: [base58 address of each seed], atas: [base58], onCurve: [bool]}.
import {
  createKeyPairFromPrivateKeyBytes,
  getAddressFromPublicKey,
  isOffCurveAddress,
} from "@solana/kit";
import { findAssociatedTokenPda } from "@solana-program/token";

const input = JSON.parse(process.argv[2]);
const addresses = [];
for (const seed of input.seeds) {
  const pair = await createKeyPairFromPrivateKeyBytes(new Uint8Array(Buffer.from(seed, "hex")));
  addresses.push(await getAddressFromPublicKey(pair.publicKey));
}
const atas = [];
for (const a of input.atas) {
  const [pda] = await findAssociatedTokenPda({ owner: a.owner, mint: a.mint, tokenProgram: a.program });
  atas.push(pda);
}
const onCurve = input.curve.map((a) => !isOffCurveAddress(a));
console.log(JSON.stringify({ addresses, atas, onCurve }));
