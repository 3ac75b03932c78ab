#!/bin/sh
# Install the daemon-less container tools the container tests need (podman, buildah, runc) and the
# ShellCheck linter for the shell lint test. Idempotent: exits quickly when everything is already present.
# Run as root on Debian 12 (CI runs it from .ci/run). See docs/containers.md and
# shared spec containers-here.md §1: runc must be named, podman alone pulls in crun only, and crun
# refuses this machine kind's hybrid cgroups.
set -eu

missing=""
for tool in podman buildah runc shellcheck; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -z "$missing" ]; then
  echo "container tools present: podman buildah runc shellcheck"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-podman.sh: missing:$missing and not root — fix: run as root (sudo $0)" >&2
  exit 2
fi

export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
  podman buildah runc shellcheck ca-certificates iptables
echo "installed:$missing"
