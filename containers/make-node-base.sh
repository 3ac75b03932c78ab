#!/bin/sh
# Make a registry-free base image from this machine's own node binary, for sites and CI machines that
# cannot pull node:20-slim. Besides node it holds the shared libraries node links against, a POSIX shell
# (dash as /bin/sh, so shell-form RUN, Apptainer %runscript and the hpcinv wrapper work), /usr/bin/env,
# and a non-root user `node` (1000:1000) matching the official node images.
#
# Usage: containers/make-node-base.sh [--force] [IMAGE]     (default IMAGE: localhost/node-base:20)
# Skips the work when IMAGE already exists, so image rebuilds reuse the same base layer.
set -eu

FORCE=0
if [ "${1:-}" = "--force" ]; then FORCE=1; shift; fi
IMAGE=${1:-localhost/node-base:20}
ENGINE=${CONTAINER_ENGINE:-podman}   # or docker

if [ "$FORCE" -eq 0 ] && "$ENGINE" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "$IMAGE"
  exit 0
fi

NODE=$(readlink -f "$(command -v node)")
SHELL_BIN=$(readlink -f /bin/sh)
ENV_BIN=$(readlink -f /usr/bin/env)
case "$("$NODE" --version)" in
  v20.*) ;;
  *) echo "make-node-base.sh: $NODE is $("$NODE" --version), the image expects Node 20 — fix: install Node 20 or edit the tag" >&2
     exit 2 ;;
esac

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
R="$WORK/rootfs"
mkdir -p "$R/usr/local/bin" "$R/bin" "$R/usr/bin" "$R/tmp" "$R/etc" "$R/root" "$R/home/node"
chmod 1777 "$R/tmp"
cp "$NODE" "$R/usr/local/bin/node"
cp "$SHELL_BIN" "$R/bin/sh"
cp "$ENV_BIN" "$R/usr/bin/env"

# Every shared library the three binaries link against, at the same path (incl. the dynamic loader).
for bin in "$NODE" "$SHELL_BIN" "$ENV_BIN"; do
  ldd "$bin" | awk '/=>/ {print $3} /^[[:space:]]*\// {print $1}'
done | sort -u | while read -r lib; do
  [ -e "$lib" ] || continue
  mkdir -p "$R$(dirname "$lib")"
  cp -L "$lib" "$R$lib"
done

printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$R/etc/group"
chown 1000:1000 "$R/home/node"

tar -C "$R" --numeric-owner -cf "$WORK/rootfs.tar" .
"$ENGINE" import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'CMD ["node"]' \
  "$WORK/rootfs.tar" "$IMAGE" >/dev/null
echo "$IMAGE"
