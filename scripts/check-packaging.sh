#!/usr/bin/env bash
# Checks the tarball a user would install: exports, types and files (as jose's check:packaging does).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tarball=$(npm pack --silent --pack-destination "$out" | tail -n 1)
npx publint --strict "$out/$tarball"
# The CLI entry is not a library entry point; ESM-only is intended (node16 CJS consumers use import()).
npx attw "$out/$tarball" --profile esm-only
# The offline verifier page ships in the package (README, "The verifier page").
listing=$(tar tzf "$out/$tarball")
grep -qx 'package/dist/verifier.html' <<<"$listing" || { echo "the tarball lacks dist/verifier.html (npm run build)" >&2; exit 1; }
