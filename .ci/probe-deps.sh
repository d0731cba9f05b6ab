#!/bin/sh
# Debian packages `telltale probe` and its sandbox tests need (run as root in CI):
#   util-linux  unshare, setpriv, mount (namespaces, privilege drop, private mounts)
#   iproute2    `ip link set lo up` inside the network namespace
#   tzdata      /usr/share/zoneinfo for the time-zone personas
#   ca-certificates, procps  ordinary runtime basics (pgrep/ps for leftover-process checks by hand)
#   chromium    renders the HTML report headlessly in the report test
#   redis-server  the queue mode of `telltale history` (BullMQ) in test/jobs/queue.test.ts, started by the test itself
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends util-linux iproute2 tzdata ca-certificates procps chromium fonts-dejavu-core redis-server
