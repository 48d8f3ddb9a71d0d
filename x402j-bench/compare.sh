#!/bin/sh
# Reproduces the README's comparison tables: x402j against the official TypeScript facilitator on
# one EVM devnet, then on one local Solana runtime. Needs a JDK 17+ and Node.js with npm (the
# official SDKs are installed from the pinned projects in x402j-interop/src/test/node and, for
# Solana, x402j-bench/src/node). Takes about nine minutes.
set -e
cd "$(dirname "$0")/.."
./mvnw -q -B package -pl x402j-bench -am -DskipTests -DskipITs -Dspotless.check.skip=true
exec java -cp x402j-bench/target/x402j-benchmarks.jar io.x402j.bench.Comparison "$@"
