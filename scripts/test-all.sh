#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian 12 machine (as root), starts the services
# the integration tests use (single-node SLURM with munge and slurmdbd, the test sshd) and runs the
# whole suite. Idempotent: a second run only checks and starts what is down.
set -euo pipefail
cd "$(dirname "$0")/.."

export ONNXRUNTIME_NODE_INSTALL=skip DEBIAN_FRONTEND=noninteractive

apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
if [ "$(id -u)" = 0 ]; then
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends python3-onnx chromium shellcheck openssl clang lld >/dev/null  # clang+lld: simulator wasm rebuild check
  sh scripts/containers/install-podman.sh >/dev/null   # podman/buildah/runc for the image tests
  bash scripts/test-cluster/cluster.sh start >&2       # single-node SLURM + slurmdbd + test sshd (test/jobs/slurm, transport)
else
  echo "test-all: not root; assuming system packages are installed" >&2
fi

npm ci --no-audit --no-fund
npm test
