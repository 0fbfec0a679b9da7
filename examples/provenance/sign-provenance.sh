#!/usr/bin/env bash
# Writes a DSSE envelope of an in-toto Statement v1 with a SLSA provenance v1 predicate about one
# artifact, signed with an Ed25519 private key, using only openssl, base64 and printf.
#
#   sign-provenance.sh KEY.pem sha256:HEX NAME [BUILDER_ID] [SOURCE_URI] > provenance.dsse.json
#
# The server trusts the matching public key through provenance.keysFile (docs/getting-started.md).
# This is for builders that hold a signing key (a CI secret). It is not Sigstore: Bulwark verifies
# keys only, not Fulcio certificates or Rekor entries (docs/policies.md, "Not yet").
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 KEY.pem sha256:HEX NAME [BUILDER_ID] [SOURCE_URI]" >&2
  exit 2
fi
key=$1 digest=$2 name=$3
builder=${4:-https://bulwark.example/builders/ci}
source=${5:-}
case "$digest" in
  sha256:[0-9a-f]*) hex=${digest#sha256:} ;;
  *) echo "$0: the digest must be sha256:<64 lowercase hex>, not '$digest'" >&2; exit 2 ;;
esac
if [ ${#hex} -ne 64 ]; then
  echo "$0: the digest must be sha256:<64 lowercase hex>, not '$digest'" >&2
  exit 2
fi
[ -r "$key" ] || { echo "$0: cannot read the key file $key" >&2; exit 2; }

deps='[]'
params='{}'
if [ -n "$source" ]; then
  deps="[{\"uri\": \"$source\"}]"
  params="{\"source\": {\"uri\": \"$source\"}}"
fi
type=application/vnd.in-toto+json
statement=$(printf '{"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "%s", "digest": {"sha256": "%s"}}], "predicateType": "https://slsa.dev/provenance/v1", "predicate": {"buildDefinition": {"buildType": "https://bulwark.example/build/v1", "externalParameters": %s, "resolvedDependencies": %s}, "runDetails": {"builder": {"id": "%s"}}}}' \
  "$name" "$hex" "$params" "$deps" "$builder")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s' "$statement" > "$tmp/payload"
# DSSE v1 pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(payload) SP payload,
# lengths in bytes as ASCII decimal.
{
  printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(wc -c < "$tmp/payload")"
  cat "$tmp/payload"
} > "$tmp/pae"
openssl pkeyutl -sign -inkey "$key" -rawin -in "$tmp/pae" -out "$tmp/sig"
printf '{"payloadType": "%s", "payload": "%s", "signatures": [{"keyid": "ci", "sig": "%s"}]}\n' \
  "$type" "$(base64 -w0 < "$tmp/payload")" "$(base64 -w0 < "$tmp/sig")"
