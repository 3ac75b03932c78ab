#!/usr/bin/env bash
# Runs every command of docs/quickstart.md as written: each ```sh block, in order, from the checkout's
# root, with `set -e` (a failing command fails the check). Blocks of the SLURM section (## 4.) run only
# when a SLURM cluster answers (`sinfo`), those of the UNICORE section (## 5.) only when `openssl` is
# installed (the test server makes its certificates with it); skipped blocks are reported. Slow: the
# main job alone takes minutes. Usage: bash scripts/check-docs.sh [docs/quickstart.md]
set -euo pipefail
cd "$(dirname "$0")/.."
doc=${1:-docs/quickstart.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Split the page into numbered block files named <index>-<section>.sh.
awk -v dir="$work" '
  /^## [0-9]+\./ { section = $2; sub(/\./, "", section) }
  /^```sh$/ { inblock = 1; n++; file = sprintf("%s/%03d-%s.sh", dir, n, section ? section : 0); next }
  /^```$/ && inblock { inblock = 0; next }
  inblock { print > file }
' "$doc"

mkdir -p runs
failed=0
for block in "$work"/*.sh; do
  name=$(basename "$block" .sh)
  section=${name#*-}
  if [ "$section" = 4 ] && ! sinfo >/dev/null 2>&1; then
    echo "check-docs: SKIPPED block $name (no SLURM cluster answers sinfo — start one: bash scripts/test-cluster/cluster.sh start)"
    continue
  fi
  if [ "$section" = 5 ] && ! command -v openssl >/dev/null; then
    echo "check-docs: SKIPPED block $name (openssl is not installed)"
    continue
  fi
  echo "check-docs: running block $name:"
  sed 's/^/  | /' "$block"
  if ! bash -euo pipefail "$block"; then
    echo "check-docs: FAILED block $name of $doc" >&2
    failed=1
    break
  fi
done
exit "$failed"
