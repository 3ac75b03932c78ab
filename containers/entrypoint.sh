#!/bin/sh
# The image's entry point (/usr/local/bin/hpcinv-entrypoint): `hpcinv task ARGS`, so that
#   podman run -v "$RUN:$RUN" IMAGE "$RUN" --chunk 0
# simulates chunk 0. Runtimes that keep the entry point but are given a whole command line, as
#   sarus run IMAGE hpcinv task "$RUN" --chunk 0      (or pyxis with its entry-point option on)
# pass a first word `hpcinv`: that command line runs as given instead of becoming `task hpcinv ...`.
if [ "${1:-}" = hpcinv ]; then
  shift
  exec node /opt/hpcinv/dist/cli/main.js "$@"
fi
exec node /opt/hpcinv/dist/cli/main.js task "$@"
