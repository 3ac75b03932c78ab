#!/usr/bin/env bash
# Runs every command the documentation tells a reader to run, as written.
#
#   bash scripts/check-docs.sh [PAGE.md ...]          # default: docs/*.md and README.md
#   bash scripts/check-docs.sh --list [PAGE.md ...]   # only print what would be checked (fast, no side effects)
#   bash scripts/check-docs.sh --worktree [PAGE.md ...]  # check the working tree instead of the last commit
#
# Every ```sh / ```bash block of a page runs with `bash -euo pipefail`, in page order, in that page's own
# fresh copy of the last commit (under a temp dir, with its own HOME; dependencies installed once with
# `npm ci` and hard-linked into each copy), so blocks see the files earlier blocks of the same page made
# and nothing touches this checkout. `hpcinv` is `node <copy>/dist/cli/main.js`
# (what `npm link` gives a reader). Blocks that are not commands carry a non-shell tag (```yaml, ```text).
#
# Markers — HTML comments on the lines before a block (docs/README.md explains them):
#   <!-- check-docs: needs slurm|openssl|podman -->   run only when that is available, else SKIPPED
#   <!-- check-docs: not-run TEST[,TEST] — reason -->  cannot run here; TEST (a file or directory) covers it
#   <!-- check-docs: same-as PAGE -->                  the identical block of PAGE is the one that runs
#   <!-- check-docs: setup                             hidden shell run before the block (what a reader
#   ...                                                  already has: a run directory, a site profile)
#   -->
#   <!-- check-docs: insert-after N ... -->            hidden shell run after line N of the block
#   <!-- check-docs: page fresh -->                    this page's copy has no node_modules or dist
#                                                        (its commands install and build themselves)
# Inline `hpcinv …` code and synopses in non-shell blocks are parsed (not run) by test/docs/docs.test.ts
# through the real yargs parser; that test also checks every marker. The full run starts with it.
set -euo pipefail
cd "$(dirname "$0")/.."

list_only=0; worktree=0
while [ $# -gt 0 ]; do
  case $1 in
    --list) list_only=1; shift ;;
    --worktree) worktree=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
if [ $# -gt 0 ]; then pages=("$@"); else pages=(docs/*.md README.md); fi

# extract PAGE [DIR]: prints the listing (tab-separated) and, with DIR, writes DIR/NNN.sh per shell block.
#   B page line lang mode              a fenced block; mode: run | needs=a,b | not-run=TESTS | same-as=PAGE | - (not shell)
#   C page line source command         an hpcinv command line (source: block | text | inline)
#   I page line inline command         another inline command (npm/node/bash/...), checked for existence
#   H page line kind first-line        hidden setup / insert-after of the next block
#   P page line fresh                  page-level marker
#   E page line message                a malformed marker or fence
extract() {
  awk -v page="$1" -v dir="${2:-}" '
    function out(kind, a, b, c) { printf "%s\t%s\t%d\t%s\t%s\t%s\n", kind, page, NR, a, b, c }
    function outl(kind, line, a, b, c) { printf "%s\t%s\t%d\t%s\t%s\t%s\n", kind, page, line, a, b, c }
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    function isShell(l) { return l == "sh" || l == "bash" || l == "shell" || l == "console" }
    function hasHpcinv(s) { return s ~ /(^|[^A-Za-z0-9_\/.-])hpcinv( |$)/ || s ~ /dist\/cli\/main\.js/ }
    BEGIN { collecting = ""; mode = ""; setup = ""; ins = ""; insN = 0; n = 0 }
    collecting != "" {
      if ($0 ~ /^-->[ \t]*$/) { collecting = ""; next }
      if (collecting == "setup") setup = setup $0 "\n"; else ins = ins $0 "\n"
      next
    }
    !infence && /^[ \t]*<!-- check-docs:/ {
      m = $0; sub(/^[ \t]*<!-- check-docs:[ \t]*/, "", m)
      closed = (m ~ /-->[ \t]*$/); sub(/[ \t]*-->[ \t]*$/, "", m)
      split(m, w, /[ \t]+/); key = w[1]; rest = trim(substr(m, length(key) + 1))
      if (key == "needs") { gsub(/[ \t]+/, ",", rest); mode = "needs=" rest }
      else if (key == "not-run") { t = rest; sub(/[ \t]+.*/, "", t); if (rest !~ / — ./) out("E", "not-run needs TESTS — reason", "", ""); mode = "not-run=" t }
      else if (key == "same-as") { mode = "same-as=" rest }
      else if (key == "page" && rest == "fresh") { out("P", "fresh", "", "") }
      else if (key == "setup" || key == "insert-after") {
        body = (key == "setup") ? rest : trim(substr(rest, length(w[2]) + 1))
        if (key == "insert-after") { insN = w[2] + 0; if (insN < 1) out("E", "insert-after needs a line number", "", "") }
        hline = NR
        if (body != "") { if (key == "setup") setup = setup body "\n"; else ins = ins body "\n" }
        if (!closed) collecting = key
      }
      else out("E", "unknown marker: " key, "", "")
      next
    }
    !infence && /^[ \t]*```/ {
      line = $0; indent = line; sub(/```.*/, "", indent); lang = trim(substr(line, length(indent) + 4))
      infence = 1; start = NR; n++; shell = isShell(lang); cur = ""; curStart = 0
      if (lang == "") out("E", "a fenced block without a language tag (```sh for commands, ```text for output)", "", "")
      if (shell) {
        if (mode == "") mode = "run"
        if (setup != "") outl("H", hline, "setup", setup, "")
        if (ins != "") outl("H", hline, "insert-after " insN, ins, "")
        if (dir != "") { file = sprintf("%s/%03d.sh", dir, n); printf "%s", setup > file; blockLine = 0 }
      } else if (mode != "" || setup != "" || ins != "") out("E", "a check-docs marker before a non-shell block", "", "")
      out("B", lang == "" ? "-" : lang, shell ? mode : "-", "")
      mode = ""; setup = ""; saveIns = ins; saveN = insN; ins = ""; insN = 0
      next
    }
    infence && /^[ \t]*```[ \t]*$/ {
      if (cur != "" && shell && hasHpcinv(cur)) outl("C", curStart, "block", cur, "")
      if (shell && dir != "") close(file)
      infence = 0; next
    }
    infence {
      l = $0; if (indent != "" && index(l, indent) == 1) l = substr(l, length(indent) + 1)
      if (shell) {
        if (dir != "") { print l > file; blockLine++; if (saveIns != "" && blockLine == saveN) printf "%s", saveIns > file }
        if (cur == "") curStart = NR
        if (l ~ /\\$/) { cur = cur substr(l, 1, length(l) - 1) " "; next }
        cur = cur l
        if (hasHpcinv(cur)) outl("C", curStart, "block", cur, "")
        cur = ""
      } else if (lang != "yaml" && lang != "ts" && lang != "json") {
        if (cur == "") curStart = NR
        if (l ~ /\\$/) { cur = cur substr(l, 1, length(l) - 1) " "; next }
        t = cur l; cur = ""; sub(/^[ \t]*(\$ )?/, "", t)
        if (t ~ /^hpcinv /) outl("C", curStart, "text", t, "")
      }
      next
    }
    {
      s = $0
      while (match(s, /`[^`]+`/)) {
        span = substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH)
        if (span ~ /^(hpcinv|node dist\/cli\/main\.js)( |$)/) out("C", "inline", span, "")
        else if (span ~ /^(npm (run|ci|test)|npx |node scripts\/|bash scripts\/|sh scripts\/|scripts\/[a-z-]+(\/[a-z-]+)?\.sh)/) out("I", "inline", span, "")
      }
    }
    END { if (infence) out("E", "the last fenced block is not closed", "", "") }
  ' "$1"
}

if [ "$list_only" = 1 ]; then
  for p in "${pages[@]}"; do extract "$p"; done
  exit 0
fi

# ---- the full run -------------------------------------------------------------------------------
t_all=$(date +%s)
echo "check-docs: $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), pages: ${pages[*]}"
echo "check-docs: parsing every documented hpcinv command and checking the markers (test/docs)"
node --experimental-vm-modules node_modules/jest/bin/jest.js test/docs

work=$(mktemp -d /tmp/check-docs.XXXXXX)
cleanup() { rm -rf "$work" 2>/dev/null || true; }
trap cleanup EXIT

# The committed state (HEAD: what a fresh clone gets; commit doc edits before checking them), installed
# and built once when a page needs it; each page gets its own copy.
base=$work/base
mkdir -p "$base"
if [ "$worktree" = 1 ]; then
  git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$base"
  echo "check-docs: checking the working tree (on commit $(git rev-parse --short HEAD))"
else
  git archive HEAD | tar -xf - -C "$base"
  echo "check-docs: checking commit $(git rev-parse --short HEAD)"
fi
installed=0
install_base() {
  [ "$installed" = 1 ] && return
  echo "check-docs: installing the locked dependencies and building a fresh copy ($base)"
  ( cd "$base" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >/dev/null && npx tsc -p tsconfig.json )
  installed=1
}

mkdir -p "$work/bin"
cat > "$work/bin/hpcinv" <<'EOF'
#!/bin/sh
exec node "$CHECK_DOCS_PAGE_ROOT/dist/cli/main.js" "$@"
EOF
chmod +x "$work/bin/hpcinv"
if [ "$(id -u)" = 0 ] && ! command -v sudo >/dev/null; then
  # Docs write `sudo cmd` for commands that need root; as root without sudo installed that is `cmd`.
  printf '#!/bin/sh\nexec "$@"\n' > "$work/bin/sudo"; chmod +x "$work/bin/sudo"
fi
npm_cache=$(npm config get cache 2>/dev/null)

have() {
  case $1 in
    slurm) sinfo >/dev/null 2>&1 ;;
    openssl) command -v openssl >/dev/null ;;
    podman) command -v podman >/dev/null && [ "$(id -u)" = 0 ] ;;
    *) return 1 ;;
  esac
}
fix_for() {
  case $1 in
    slurm) echo "start the test cluster: bash scripts/test-cluster/cluster.sh start" ;;
    openssl) echo "apt-get install openssl" ;;
    podman) echo "as root: sh scripts/containers/install-podman.sh" ;;
  esac
}

ran=0; skipped=0; excepted=0; failed=0; failures=()
for page in "${pages[@]}"; do
  name=$(basename "$page" .md)
  blocks=$work/blocks/$name
  mkdir -p "$blocks"
  listing=$(extract "$base/$page" "$blocks" | sed "s|$base/||")
  if grep -q '^E' <<<"$listing"; then
    grep '^E' <<<"$listing" >&2; failed=$((failed + 1)); failures+=("$page: malformed markers"); continue
  fi
  grep -q '^B.*	\(sh\|bash\|shell\|console\)	' <<<"$listing" || { echo "check-docs: $page has no shell blocks"; continue; }
  copy=$work/pages/$name
  mkdir -p "$copy" "$work/home/$name"
  (cd "$base" && tar --exclude=./node_modules --exclude=./dist -cf - .) | tar -xf - -C "$copy"
  if ! grep -q '^P' <<<"$listing"; then
    install_base
    # hard links: cheap, and a page that reinstalls (npm ci) replaces its links without touching the base
    cp -al "$base/node_modules" "$copy/node_modules"
    cp -a "$base/dist" "$copy/dist"
  fi
  t_page=$(date +%s)
  n=0
  while IFS=$'\t' read -r kind _ line lang mode _; do
    [ "$kind" = B ] || continue
    n=$((n + 1))
    case $lang in sh|bash|shell|console) ;; *) continue ;; esac
    block=$(printf '%s/%03d.sh' "$blocks" "$n")
    where="$page:$line"
    case $mode in
      not-run=*)
        excepted=$((excepted + 1))
        echo "check-docs: NOT RUN $where (covered by ${mode#not-run=}; checked to exist by test/docs)"
        continue ;;
      same-as=*)
        excepted=$((excepted + 1))
        echo "check-docs: SAME AS ${mode#same-as=} $where (identity checked by test/docs)"
        continue ;;
      needs=*)
        missing=""
        needs=${mode#needs=}
        for need in ${needs//,/ }; do have "$need" || missing="$missing $need"; done
        if [ -n "$missing" ]; then
          skipped=$((skipped + 1))
          for need in $missing; do echo "check-docs: SKIPPED $where (needs $need — fix: $(fix_for "$need"))"; done
          continue
        fi ;;
    esac
    echo "check-docs: running $where:"
    sed 's/^/  | /' "$block"
    t_block=$(date +%s)
    if (cd "$copy" && env HOME="$work/home/$name" npm_config_cache="$npm_cache" CHECK_DOCS_PAGE_ROOT="$copy" \
          PATH="$work/bin:$PATH" bash -euo pipefail "$block"); then
      ran=$((ran + 1))
      echo "check-docs: ok $where ($(( $(date +%s) - t_block )) s)"
    else
      failed=$((failed + 1)); failures+=("$where")
      echo "check-docs: FAILED $where ($(( $(date +%s) - t_block )) s); the rest of $page is skipped" >&2
      break
    fi
  done <<<"$listing"
  echo "check-docs: page $page done in $(( $(date +%s) - t_page )) s"
done

echo "check-docs: $ran blocks ran, $excepted not run by design (not-run / same-as), $skipped skipped, $failed failed; $(( $(date +%s) - t_all )) s in all; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for f in "${failures[@]}"; do echo "check-docs: FAILED $f" >&2; done
[ "$failed" = 0 ]
