#!/bin/sh
# `hpcinv` on the PATH inside the image (installed as /usr/local/bin/hpcinv), for runtimes that start a
# command rather than the entry point: `apptainer exec hpcinv.sif hpcinv task ...`, `sarus run ... hpcinv`.
exec node /opt/hpcinv/dist/cli/main.js "$@"
