// Compiles the devnet contracts with solc-js and writes the artifact the devnet module loads.
// Run `npm ci && npm run build` in this directory after changing a contract; the test
// ContractArtifactTest fails while the artifact is older than the sources.
//
// Two kinds of sources:
//  - ours, ../src/main/solidity/*.sol, compiled together with solc 0.8.37;
//  - third-party contracts the devnet deploys at their public addresses, unchanged under
//    ../src/main/solidity/third_party (origin and commits in its README.md), each group with the
//    compiler version and settings of its own repository.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';
import solc0817 from 'solc-0.8.17';

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = join(here, '..', 'src', 'main', 'solidity');
const outFile = join(here, '..', 'src', 'main', 'resources', 'io', 'x402j', 'devnet', 'contracts.json');

function solFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...solFiles(path));
    else if (entry.endsWith('.sol')) out.push(path);
  }
  return out;
}

// Source unit names are paths relative to src/main/solidity with '/' separators.
const unitName = (path) => relative(sourceDir, path).split(sep).join('/');

const sourceSha256 = {};
const allSources = {};
for (const path of solFiles(sourceDir)) {
  const content = readFileSync(path, 'utf8');
  allSources[unitName(path)] = { content };
  sourceSha256[unitName(path)] = createHash('sha256').update(content, 'utf8').digest('hex');
}
const pick = (prefixes) =>
  Object.fromEntries(Object.entries(allSources).filter(([n]) => prefixes.some((p) => p(n))));

const outputSelection = {
  '*': {
    '': ['ast'],
    '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.immutableReferences'],
  },
};

// The name of every immutable variable by AST id, so the artifact can say where in the runtime
// code each one is (the devnet writes them itself when it installs code at a fixed address).
function immutableNames(output) {
  const names = {};
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (node.nodeType === 'VariableDeclaration' && node.mutability === 'immutable') names[node.id] = node.name;
      Object.values(node).forEach(walk);
    }
  };
  Object.values(output.sources || {}).forEach((s) => walk(s.ast));
  return names;
}

// Each build: which compiler, which sources, which settings, and which contracts to export
// (null: every contract with code).
const builds = [
  {
    compiler: solc,
    sources: pick([(n) => !n.includes('/')]),
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection },
    export: null,
  },
  {
    // Uniswap/permit2 foundry.toml: solc 0.8.17, via-IR, 1,000,000 optimizer runs, no metadata hash.
    compiler: solc0817,
    sources: pick([(n) => n.startsWith('third_party/permit2/'), (n) => n.startsWith('third_party/solmate/')]),
    settings: {
      optimizer: { enabled: true, runs: 1000000 },
      viaIR: true,
      evmVersion: 'london',
      metadata: { bytecodeHash: 'none' },
      remappings: ['solmate/=third_party/solmate/'],
      outputSelection,
    },
    export: ['Permit2'],
  },
  {
    // coinbase/x402 contracts/evm/foundry.toml: 200 optimizer runs, no via-IR, no CBOR metadata.
    compiler: solc,
    sources: pick([(n) => n.startsWith('third_party/x402/'), (n) => n.startsWith('third_party/openzeppelin-contracts/')]),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      metadata: { appendCBOR: false, bytecodeHash: 'none' },
      remappings: ['@openzeppelin/contracts/=third_party/openzeppelin-contracts/contracts/'],
      outputSelection,
    },
    export: ['x402ExactPermit2Proxy', 'x402UptoPermit2Proxy'],
  },
];

const contracts = {};
const compilers = {};
for (const build of builds) {
  const input = { language: 'Solidity', sources: build.sources, settings: build.settings };
  const output = JSON.parse(build.compiler.compile(JSON.stringify(input)));
  for (const e of output.errors || []) console.error(e.formattedMessage);
  if ((output.errors || []).some((e) => e.severity === 'error')) process.exit(1);
  const names = immutableNames(output);
  for (const file of Object.keys(output.contracts).sort()) {
    for (const [name, c] of Object.entries(output.contracts[file])) {
      if (build.export ? !build.export.includes(name) : c.evm.bytecode.object === '') continue;
      if (contracts[name]) throw new Error('two contracts named ' + name);
      compilers[name] = 'solc ' + build.compiler.version();
      contracts[name] = {
        source: file,
        compiler: compilers[name],
        abi: c.abi,
        bytecode: '0x' + c.evm.bytecode.object,
        deployedBytecode: '0x' + c.evm.deployedBytecode.object,
      };
      const refs = c.evm.deployedBytecode.immutableReferences || {};
      if (Object.keys(refs).length > 0) {
        // name -> [{start, length}] byte ranges of the runtime code holding its 32-byte value
        contracts[name].immutables = Object.fromEntries(
          Object.entries(refs).map(([id, ranges]) => [names[id], ranges]).sort(([a], [b]) => a.localeCompare(b)),
        );
      }
    }
  }
}

const artifact = { compiler: 'solc ' + solc.version(), evmVersion: 'cancun', sourceSha256, contracts };
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(artifact, null, 2) + '\n');
console.log('wrote ' + outFile + ' (' + Object.keys(contracts).join(', ') + ')');
