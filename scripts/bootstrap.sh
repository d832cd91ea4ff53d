#!/usr/bin/env bash
# Installs the workspace with the pinned pnpm (through npx, so only Node and npm are needed) when
# node_modules is missing or older than the lockfile. `pnpm install` also builds every package.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
stamp=node_modules/.knsim-installed
lock_digest=$( (cat pnpm-lock.yaml package.json packages/*/package.json 2>/dev/null) | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_digest" ]; then
  echo "knsim: installing dependencies with pnpm@${pnpm_version} (first run only)..." >&2
  npx -y "pnpm@${pnpm_version}" install --frozen-lockfile >&2
  echo "$lock_digest" > "$stamp"
fi
# Sources may be newer than their build (after a pull or an edit): tsc -b only rebuilds what changed.
node_modules/.bin/tsc -b >&2
