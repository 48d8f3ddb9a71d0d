// Compiles ../src/main/solidity/*.sol with solc-js and writes the artifact the devnet module
// loads. Run `npm ci && npm run build` in this directory after changing a contract; the test
// ContractArtifactTest fails while the artifact is older than the sources.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = join(here, '..', 'src', 'main', 'solidity');
const outFile = join(here, '..', 'src', 'main', 'resources', 'io', 'x402j', 'devnet', 'contracts.json');

const sources = {};
const sourceSha256 = {};
for (const file of readdirSync(sourceDir).filter((f) => f.endsWith('.sol')).sort()) {
  const content = readFileSync(join(sourceDir, file), 'utf8');
  sources[file] = { content };
  sourceSha256[file] = createHash('sha256').update(content, 'utf8').digest('hex');
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

const contracts = {};
for (const file of Object.keys(output.contracts).sort()) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    contracts[name] = {
      source: file,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    };
  }
}

const artifact = { compiler: 'solc ' + solc.version(), evmVersion: 'cancun', sourceSha256, contracts };
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(artifact, null, 2) + '\n');
console.log('wrote ' + outFile + ' (' + Object.keys(contracts).join(', ') + ')');
