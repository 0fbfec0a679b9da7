#!/usr/bin/env bash
# CI: every bench/run target in its short mode (BENCH_SHORT=1: small sizes, the same code paths and
# printed lines), so that a broken benchmark command fails the build (issue 14, item 11).
# The load target needs wrk: installed here when missing; bench/run skips it with a notice if the
# install failed. Takes about two minutes on two idle cores (docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v wrk >/dev/null; then
  echo "ci: installing wrk for the load benchmark"
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; } ||
    echo "ci: wrk could not be installed; bench/run skips the load target"
fi
started=$(date +%s)
BENCH_SHORT=1 bench/run launch load vuln releases portfolio policy fairwrites ledger client-start image-scan console evidence
echo "ci: the benchmarks' short mode took $(($(date +%s) - started)) s"
