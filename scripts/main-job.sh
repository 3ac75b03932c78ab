#!/usr/bin/env bash
# The README's main job on a fresh machine (Debian 12, Node ≥ 20): install the locked dependencies,
# build, and run the bundled example (global coupling of a 68-region MPR model from FC/FCD summaries,
# local backend) into runs/example; ends by printing where the report is and the posterior summary.
# Rerunning resumes: finished stages are skipped. Extra arguments go to `hpcinv run` (e.g. --json,
# --truth coupling.a=0.9, --run runs/other).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "main-job: Node.js ≥ 20 is required — fix: install it (e.g. apt-get install nodejs npm on Debian 13, or nodejs.org) and rerun" >&2
  exit 2
fi

# onnxruntime-node's install step downloads a CUDA provider; the CPU runtime it ships needs none of it.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx tsc -p tsconfig.json
exec node dist/cli/main.js run templates/experiments/example.yaml --run runs/example "$@"
