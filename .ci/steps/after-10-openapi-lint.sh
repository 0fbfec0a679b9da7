#!/usr/bin/env bash
# Lints the OpenAPI document the server serves with Redocly's and Spectral's recommended rules;
# any error or warning fails the step. The file linted is the reviewed copy in test resources:
# OpenApiDocumentTest (run by ./run-tests before this step) proves it equals the document merged
# from the features' parts and served at /api/v1/openapi.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

REDOCLY=@redocly/cli@2.77.0
SPECTRAL=@stoplight/spectral-cli@6.16.3
DOC="${OPENAPI_DOC:-server/src/test/resources/openapi-merged.json}"
export NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

status=0

# Redocly exits non-zero on errors only; its JSON totals give the warnings too.
redocly_json="$(mktemp)"
trap 'rm -f "$redocly_json"' EXIT
npx --yes "$REDOCLY" lint --extends recommended --config .redocly.yaml --format json "$DOC" \
  >"$redocly_json" 2>/dev/null || true
if ! node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const p of r.problems) {
    const at = (p.location || []).map((l) => l.pointer).join(", ");
    console.log(`redocly: ${p.severity} ${p.ruleId}: ${p.message} (${at})`);
  }
  const t = r.totals;
  console.log(`redocly: ${t.errors} errors, ${t.warnings} warnings`);
  process.exit(t.errors + t.warnings === 0 ? 0 : 1);
' "$redocly_json"; then
  status=1
fi

# Spectral fails at or above --fail-severity; warn makes warnings fail too.
if npx --yes "$SPECTRAL" lint --ruleset .spectral.yaml --fail-severity warn "$DOC"; then
  echo "spectral: 0 errors, 0 warnings"
else
  status=1
fi

exit "$status"
