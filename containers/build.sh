#!/bin/sh
# Build the hpcinv image with podman (daemon-less) or docker from the offline bundle, without any registry.
#
# Usage: containers/build.sh [--tag IMAGE] [--base IMAGE] [--bundle FILE.tgz] [--save FILE.tar]
#   --tag     image name (default localhost/hpcinv:<version>)
#   --base    base image (default localhost/node-base:20, made here by make-node-base.sh when missing)
#   --bundle  an existing `hpcinv bundle` tarball (default: make one from this checkout; needs dist/)
#   --save    also write a docker-archive, the input of apptainer.def and of `sarus load`
# Environment: CONTAINER_ENGINE (podman, the default, or docker),
#   CONTAINERS_CONF (on this project's CI machines: containers/containers.conf, see docs/containers.md).
# Prints the image name on the last line of stdout.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ENGINE=${CONTAINER_ENGINE:-podman}
VERSION=$(PKG="$ROOT/package.json" node -p 'require(process.env.PKG).version')
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

# podman: never contact a registry for a local base; docker build knows only --pull (always pull)
PULL_FLAG=""
case "$BASE" in
  localhost/*)
    sh "$HERE/make-node-base.sh" "$BASE" >/dev/null
    [ "$ENGINE" = docker ] || PULL_FLAG=--pull=never ;;
esac

if [ -z "$BUNDLE" ]; then
  if [ ! -f "$ROOT/dist/cli/main.js" ]; then
    echo "build.sh: $ROOT/dist/cli/main.js is missing — fix: run npm run build first" >&2
    exit 2
  fi
  # the image is Linux on this machine's CPU (the base's node comes from here or matches it)
  PLATFORM="linux-$(node -p process.arch)"
  node "$ROOT/dist/cli/main.js" bundle --out "$WORK" --platform "$PLATFORM" >&2
  BUNDLE="$WORK/hpcinv-$VERSION-$PLATFORM.tgz"
fi
if [ ! -f "$BUNDLE" ]; then
  echo "build.sh: bundle $BUNDLE not found — fix: pass a file made by hpcinv bundle" >&2
  exit 2
fi
# the context holds only the bundle: nothing else of the checkout is sent to the builder
ln "$BUNDLE" "$WORK/context/hpcinv.tgz" 2>/dev/null || cp "$BUNDLE" "$WORK/context/hpcinv.tgz"

# shellcheck disable=SC2086 # PULL_FLAG is one word or none
"$ENGINE" build $PULL_FLAG --network=none \
  --build-arg BASE="$BASE" --build-arg VERSION="$VERSION" \
  -f "$HERE/Dockerfile" -t "$TAG" "$WORK/context" >&2

if [ -n "$SAVE" ]; then
  rm -f "$SAVE.tmp"
  if [ "$ENGINE" = docker ]; then
    docker save -o "$SAVE.tmp" "$TAG" >&2
  else
    "$ENGINE" save --format docker-archive -o "$SAVE.tmp" "$TAG" >&2
  fi
  mv "$SAVE.tmp" "$SAVE"
fi
echo "$TAG"
