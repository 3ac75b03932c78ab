#!/bin/sh
# Build the hpcinv image with podman (daemon-less) from the offline bundle, without any registry.
#
# Usage: containers/build.sh [--tag IMAGE] [--base IMAGE] [--bundle FILE.tgz] [--save FILE.tar]
#   --tag     image name (default localhost/hpcinv:<version>)
#   --base    base image (default localhost/node-base:20, made here by make-node-base.sh when missing)
#   --bundle  an existing `hpcinv bundle` tarball (default: make one from this checkout; needs dist/)
#   --save    also write a docker-archive, the input of apptainer.def and of `sarus load`
# Environment: CONTAINER_ENGINE (default podman; buildah-compatible `podman build` options are used),
#   CONTAINERS_CONF (on this project's CI machines: containers/containers.conf, see docs/containers.md).
# Prints the image name on the last line of stdout.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ENGINE=${CONTAINER_ENGINE:-podman}
VERSION=$(node -p "require('$ROOT/package.json').version")
TAG="localhost/hpcinv:$VERSION"
BASE="localhost/node-base:20"
BUNDLE=""
SAVE=""

usage() { sed -n '2,12p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) [ $# -ge 2 ] || usage; TAG=$2; shift 2 ;;
    --base) [ $# -ge 2 ] || usage; BASE=$2; shift 2 ;;
    --bundle) [ $# -ge 2 ] || usage; BUNDLE=$2; shift 2 ;;
    --save) [ $# -ge 2 ] || usage; SAVE=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "build.sh: unknown option $1 — fix: see containers/build.sh --help" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/context"

case "$BASE" in
  localhost/*) PULL=never; sh "$HERE/make-node-base.sh" "$BASE" >/dev/null ;;
  *) PULL=missing ;;
esac

if [ -z "$BUNDLE" ]; then
  if [ ! -f "$ROOT/dist/cli/main.js" ]; then
    echo "build.sh: $ROOT/dist/cli/main.js is missing — fix: run npm run build first" >&2
    exit 2
  fi
  node "$ROOT/dist/cli/main.js" bundle --out "$WORK" --platform linux-x64 >&2
  BUNDLE="$WORK/hpcinv-$VERSION-linux-x64.tgz"
fi
if [ ! -f "$BUNDLE" ]; then
  echo "build.sh: bundle $BUNDLE not found — fix: pass a file made by hpcinv bundle" >&2
  exit 2
fi
# the context holds only the bundle: nothing else of the checkout is sent to the builder
ln "$BUNDLE" "$WORK/context/hpcinv.tgz" 2>/dev/null || cp "$BUNDLE" "$WORK/context/hpcinv.tgz"

"$ENGINE" build --pull="$PULL" --network=none \
  --build-arg BASE="$BASE" --build-arg VERSION="$VERSION" \
  -f "$HERE/Dockerfile" -t "$TAG" "$WORK/context" >&2

if [ -n "$SAVE" ]; then
  rm -f "$SAVE.tmp"
  "$ENGINE" save --format docker-archive -o "$SAVE.tmp" "$TAG" >&2
  mv "$SAVE.tmp" "$SAVE"
fi
echo "$TAG"
