#!/usr/bin/env bash
# Runs the isomorphic core, bundled for browsers (no Node API), through one end-to-end pass
# (scripts/runtime-smoke/smoke.js) in Node, Bun, Deno and headless Chromium. Bun and Deno come as binaries from
# the npm registry into a temporary directory (they are not dependencies of the project); Chromium from
# Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

BUN_VERSION=1.4.5
DENO_VERSION=2.9.6
work="$(mktemp -d)"
server=''
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

ok() { grep -q '^RUNTIME-SMOKE OK' <<<"$1" || { printf '%s\n' "$1"; return 1; }; printf '  %-9s %s\n' "$2" "$1"; }

# The whole core: the root facade and every subpath of src/entries/, as one module for the smoke test.
{
  echo "export * from '$PWD/src/index.ts';"
  for entry in src/entries/*.ts; do echo "export * from '$PWD/$entry';"; done
} >"$work/core.ts"
npx esbuild "$work/core.ts" --bundle --platform=browser --format=esm --target=es2022 \
  --outfile="$work/core.browser.js" --log-level=warning
node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).metadata; process.stdout.write(`export default ${JSON.stringify(m)};\n`)' \
  examples/demo/case.json >"$work/case-metadata.js"
cp scripts/runtime-smoke/smoke.js scripts/runtime-smoke/run.js scripts/runtime-smoke/index.html "$work/"
echo "core bundled for browsers: $(wc -c <"$work/core.browser.js") bytes"

ok "$(node "$work/run.js" "$work")" "node $(node --version)"

if [ "$(uname -m)" = x86_64 ]; then
  (cd "$work" && npm pack --silent "@oven/bun-linux-x64@$BUN_VERSION" "@deno/linux-x64-glibc@$DENO_VERSION" >/dev/null)
  mkdir -p "$work/bun" "$work/deno"
  tar xzf "$work"/oven-bun-linux-x64-*.tgz -C "$work/bun"
  tar xzf "$work"/deno-linux-x64-glibc-*.tgz -C "$work/deno"
  ok "$("$work/bun/package/bin/bun" "$work/run.js" "$work")" "bun $BUN_VERSION"
  ok "$(DENO_NO_UPDATE_CHECK=1 "$work/deno/package/deno" run --quiet --allow-read --allow-env "$work/run.js" "$work")" "deno $DENO_VERSION"
else
  echo "  (bun and deno skipped: no binary for $(uname -m) here)"
fi

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  browser="$(command -v chromium)"
fi
if [ -z "$browser" ]; then
  echo "no Chromium and no apt-get: the browser run is skipped" >&2
  exit 1
fi
port_file="$work/port"
node -e '
  const http = require("http"), fs = require("fs"), path = require("path");
  const root = process.argv[1];
  const types = { ".js": "text/javascript", ".html": "text/html; charset=utf-8" };
  const server = http.createServer((req, res) => {
    const file = path.join(root, path.basename(new URL(req.url, "http://x").pathname) || "index.html");
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
      res.end(body);
    });
  });
  server.listen(0, "127.0.0.1", () => fs.writeFileSync(path.join(root, "port"), String(server.address().port)));
' "$work" &
server=$!
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
dom="$("$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --virtual-time-budget=60000 \
  --dump-dom "http://127.0.0.1:$(cat "$port_file")/index.html" 2>/dev/null)"
result="$(sed -n 's/.*<pre id="out">\([^<]*\)<\/pre>.*/\1/p' <<<"$dom")"
ok "${result:-$dom}" "$("$browser" --version 2>/dev/null | head -1)"
