#!/bin/bash
# The single-node SLURM test cluster of hpcinv: munge, slurmctld, slurmd, slurmdbd on MariaDB (so sacct
# works) and a private sshd on 127.0.0.1 with a test user and key. Runs as root on Debian 12, needs no
# systemd, is idempotent (installs what is missing, starts what is down) and stops daemons by PID file.
#
#   scripts/test-cluster/cluster.sh [install|start|status|stop|reset|env]     (default: start)
#
# Knobs (environment): WITH_DBD=1 (slurmdbd + MariaDB), WITH_SSHD=1, SSH_PORT=2222, SSH_USER=hpctest,
# SLURM_CPUS (default: real cores), CLUSTER_NAME=localcluster, MAX_ARRAY_SIZE=1001, MIN_JOB_AGE=300,
# WAIT_SECS=60. `env` prints the variables the integration tests read (HPCINV_TEST_SSH_*).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
conf_src="$(cd "$here/../../slurm/test-cluster" && pwd)"
WITH_DBD="${WITH_DBD:-1}"
WITH_SSHD="${WITH_SSHD:-1}"
SSH_PORT="${SSH_PORT:-2222}"
SSH_USER="${SSH_USER:-hpctest}"
SSH_DIR="${SSH_DIR:-/var/lib/hpc-test-ssh}"
CLUSTER_NAME="${CLUSTER_NAME:-localcluster}"
MAX_ARRAY_SIZE="${MAX_ARRAY_SIZE:-1001}"
MIN_JOB_AGE="${MIN_JOB_AGE:-300}"
WAIT_SECS="${WAIT_SECS:-60}"
SLURM_CPUS="${SLURM_CPUS:-}"
PACKAGES=(munge slurmctld slurmd slurm-client)
[[ $WITH_DBD == 1 ]] && PACKAGES+=(slurmdbd mariadb-server)
[[ $WITH_SSHD == 1 ]] && PACKAGES+=(openssh-server)

log() { echo "test-cluster: $*" >&2; }
die() { echo "test-cluster: $*" >&2; exit 1; }

# A PID file names a live process only if the process exists and is not a zombie (PID 1 here does not
# reap orphans, so a daemon that died stays <defunct>).
pid_of() { tr -dc '0-9' 2>/dev/null <"$1"; }

alive() { local pid; pid=$(pid_of "$1") && pid_alive "$pid"; }

pid_alive() {
  local pid=$1 state
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Z]).*/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z && $state != X ]]
}

stop_pidfile() {
  local name=$1 pidfile=$2 pid i
  pid=$(pid_of "$pidfile") || true
  if alive "$pidfile"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    if pid_alive "$pid"; then log "$name ignored TERM for 15 s, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

wait_for() {
  local what=$1; shift
  local deadline=$((SECONDS + WAIT_SECS))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what did not come up within ${WAIT_SECS}s — fix: read the logs in /var/log/slurm, /var/log/mysql-hpcinv.log and $SSH_DIR/sshd.log"
    sleep 0.2
  done
}

cmd_install() {
  [[ $(id -u) == 0 ]] || die "must run as root — fix: sudo $0 install"
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    # Lists may be missing on a fresh machine; another process may hold the dpkg lock.
    ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >&2
  fi
}

render() { # render SRC DEST MODE: replace @NAME@ placeholders from the environment
  local src=$1 dest=$2 mode=$3 tmp
  tmp=$(mktemp "$dest.XXXXXX")
  sed -e "s|@CLUSTER_NAME@|$CLUSTER_NAME|g" -e "s|@CPUS@|$cpus|g" -e "s|@REAL_MEMORY@|$real_memory|g" \
    -e "s|@MAX_ARRAY_SIZE@|$MAX_ARRAY_SIZE|g" -e "s|@MIN_JOB_AGE@|$MIN_JOB_AGE|g" \
    -e "s|@ACCOUNTING_STORAGE@|$accounting|g" -e "s|@JOBACCT_GATHER@|$jobacct|g" \
    -e "s|@CONFIG_OVERRIDES@|$overrides|g" -e "s|@SSH_PORT@|$SSH_PORT|g" -e "s|@SSH_DIR@|$SSH_DIR|g" \
    -e "s|@SSH_USER@|$SSH_USER|g" "$src" >"$tmp"
  chmod "$mode" "$tmp"
  mv "$tmp" "$dest"
}

write_slurm_conf() {
  local real_cores mem
  real_cores=$(slurmd -C | sed -nE 's/.*CPUs=([0-9]+).*/\1/p' | head -1)
  mem=$(slurmd -C | sed -nE 's/.*RealMemory=([0-9]+).*/\1/p' | head -1)
  cpus=${SLURM_CPUS:-$real_cores}
  # Above the real value the node drains ("Low RealMemory").
  real_memory=$((mem * 9 / 10))
  overrides=""
  # More CPUs than the machine has: slurmd must not check its hardware against the config.
  ((cpus > real_cores)) && overrides="SlurmdParameters=config_overrides"
  if [[ $WITH_DBD == 1 ]]; then
    accounting=accounting_storage/slurmdbd jobacct=jobacct_gather/linux
  else
    accounting=accounting_storage/none jobacct=jobacct_gather/none
  fi
  mkdir -p /etc/slurm /var/log/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd
  chown slurm:slurm /var/log/slurm /var/lib/slurm/slurmctld
  render "$conf_src/slurm.conf.in" /etc/slurm/slurm.conf 0644
  render "$conf_src/cgroup.conf" /etc/slurm/cgroup.conf 0644
  if [[ $WITH_DBD == 1 ]]; then
    render "$conf_src/slurmdbd.conf.in" /etc/slurm/slurmdbd.conf 0600
    chown slurm:slurm /etc/slurm/slurmdbd.conf
  fi
  # slurmctld refuses to start when the stored cluster name differs: that state belongs to another cluster.
  local cn=/var/lib/slurm/slurmctld/clustername
  if [[ -f $cn && $(cat "$cn") != "$CLUSTER_NAME" ]]; then
    log "state dir belongs to cluster $(cat "$cn"), wiping it"
    find /var/lib/slurm/slurmctld -mindepth 1 -delete
  fi
}

start_munge() {
  alive /run/munge/munged.pid && return 0
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge
  rm -f /run/munge/munged.pid /run/munge/munge.socket.2
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged
  wait_for munged munge -n
}

start_mariadb() {
  if ! mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    [[ -d /var/lib/mysql/mysql ]] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >&2
    log "starting mariadbd"
    setsid /usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 --pid-file=/run/mysqld/mysqld.pid \
      </dev/null >>/var/log/mysql-hpcinv.log 2>&1 &
    wait_for mariadbd mariadb-admin --protocol=socket ping
  fi
  mariadb --protocol=socket -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
    CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED VIA unix_socket;
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
}

start_slurmdbd() {
  if ! alive /run/slurmdbd.pid; then
    log "starting slurmdbd"
    /usr/sbin/slurmdbd
  fi
  wait_for slurmdbd sacctmgr -n show cluster
  if ! sacctmgr -n -P show cluster format=Cluster | grep -qx "$CLUSTER_NAME"; then
    sacctmgr -i add cluster "$CLUSTER_NAME" >&2
  fi
}

node_state() { sinfo -h -N -n localhost -o '%T' 2>/dev/null | head -1; }

start_slurm() {
  if ! alive /run/slurmctld.pid; then
    log "starting slurmctld"
    /usr/sbin/slurmctld
  fi
  wait_for slurmctld scontrol ping
  if ! alive /run/slurmd.pid; then
    log "starting slurmd"
    /usr/sbin/slurmd -N localhost
  fi
  local deadline=$((SECONDS + WAIT_SECS)) state
  while :; do
    state=$(node_state)
    case $state in
      idle | mixed | mix | allocated | alloc | completing) break ;;
      down* | drain*) scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
    esac
    ((SECONDS < deadline)) || die "node localhost is '${state:-absent}' after ${WAIT_SECS}s — fix: read /var/log/slurm/slurmd.log (scontrol show node localhost gives the reason)"
    sleep 0.3
  done
  log "node localhost is $state"
}

start_sshd() {
  mkdir -p "$SSH_DIR" /run/sshd
  chmod 0755 "$SSH_DIR"
  id "$SSH_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$SSH_USER"
  # useradd leaves the account locked ("!"), which sshd refuses without PAM: unlock it, no password.
  usermod -p '*' "$SSH_USER"
  [[ -f $SSH_DIR/host_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C hpcinv-test-host -f "$SSH_DIR/host_ed25519"
  [[ -f $SSH_DIR/client_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C hpcinv-test-client -f "$SSH_DIR/client_ed25519"
  chmod 0600 "$SSH_DIR/host_ed25519" "$SSH_DIR/client_ed25519"
  local home
  home=$(getent passwd "$SSH_USER" | cut -d: -f6)
  install -d -m 0700 -o "$SSH_USER" -g "$SSH_USER" "$home/.ssh"
  install -m 0600 -o "$SSH_USER" -g "$SSH_USER" "$SSH_DIR/client_ed25519.pub" "$home/.ssh/authorized_keys"
  # known_hosts in OpenSSH format: what a user would have after `ssh-keyscan -p PORT 127.0.0.1`.
  echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1-2 "$SSH_DIR/host_ed25519.pub")" >"$SSH_DIR/known_hosts"
  render "$conf_src/sshd_config.in" "$SSH_DIR/sshd_config" 0644
  if ! alive "$SSH_DIR/sshd.pid"; then
    log "starting sshd on 127.0.0.1:$SSH_PORT"
    /usr/sbin/sshd -f "$SSH_DIR/sshd_config" -E "$SSH_DIR/sshd.log"
  fi
  wait_for sshd bash -c "exec 3<>/dev/tcp/127.0.0.1/$SSH_PORT"
}

cmd_start() {
  cmd_install
  write_slurm_conf
  start_munge
  if [[ $WITH_DBD == 1 ]]; then start_mariadb; start_slurmdbd; fi
  start_slurm
  [[ $WITH_SSHD == 1 ]] && start_sshd
  cmd_status
}

cmd_stop() {
  [[ $WITH_SSHD == 1 ]] && stop_pidfile sshd "$SSH_DIR/sshd.pid"
  stop_pidfile slurmd /run/slurmd.pid
  stop_pidfile slurmctld /run/slurmctld.pid
  stop_pidfile slurmdbd /run/slurmdbd.pid
  stop_pidfile mariadbd /run/mysqld/mysqld.pid
  stop_pidfile munged /run/munge/munged.pid
}

daemons() { # name:pidfile of every daemon this configuration runs
  echo munged:/run/munge/munged.pid
  [[ $WITH_DBD == 1 ]] && echo mariadbd:/run/mysqld/mysqld.pid slurmdbd:/run/slurmdbd.pid
  echo slurmctld:/run/slurmctld.pid slurmd:/run/slurmd.pid
  [[ $WITH_SSHD == 1 ]] && echo "sshd:$SSH_DIR/sshd.pid"
  return 0
}

cmd_status() {
  local rc=0 name pidfile pair
  for pair in $(daemons); do
    name=${pair%%:*} pidfile=${pair#*:}
    if alive "$pidfile"; then echo "$name: running (pid $(pid_of "$pidfile"))"; else echo "$name: stopped"; rc=1; fi
  done
  ((rc == 0)) && echo "node localhost: $(node_state)"
  return $rc
}

cmd_reset() {
  cmd_stop
  log "wiping job state (job ids restart at 1)"
  find /var/lib/slurm/slurmctld /var/lib/slurm/slurmd -mindepth 1 -delete 2>/dev/null || true
  if [[ $WITH_DBD == 1 ]]; then
    start_mariadb
    mariadb --protocol=socket -e "DROP DATABASE IF EXISTS slurm_acct_db;"
    stop_pidfile mariadbd /run/mysqld/mysqld.pid
  fi
}

cmd_env() {
  echo "HPCINV_TEST_SSH_HOST=127.0.0.1"
  echo "HPCINV_TEST_SSH_PORT=$SSH_PORT"
  echo "HPCINV_TEST_SSH_USER=$SSH_USER"
  echo "HPCINV_TEST_SSH_KEY=$SSH_DIR/client_ed25519"
  echo "HPCINV_TEST_SSH_KNOWN_HOSTS=$SSH_DIR/known_hosts"
}

case "${1:-start}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  env) cmd_env ;;
  *) die "unknown command '$1' — fix: use one of install, start, status, stop, reset, env" ;;
esac
