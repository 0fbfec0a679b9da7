#!/usr/bin/env bash
# CI: the differential harness for version matching (issue 15, item 1) over the shared OSV exports
# and the records in test resources; fails on any disagreement between Bulwark and the independent
# oracles, and when an oracle cannot run (before-20-differential-tools.sh installs them). About a
# minute on two idle cores (docs/benchmarks.md, "Differential harness").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
started=$(date +%s)
DIFFERENTIAL_REQUIRE_ORACLES=1 bench/run differential
echo "ci: the differential harness took $(($(date +%s) - started)) s"
