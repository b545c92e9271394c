#!/usr/bin/env bash
# Runs every PMS test on a fresh machine: installs what the tests need, builds, runs unit, integration,
# end-to-end and browser tests, and ends with one line of totals: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

# ---- Prerequisites: PostgreSQL server binaries (tests start their own server), openssl (agreement
# tests), curl and jq (the REST walkthrough of docs/rest-api.md), Chromium (browser tests). Installed with
# apt-get when running as root, else named for the user.
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
command -v openssl > /dev/null || missing+=(openssl)
command -v curl > /dev/null || missing+=(curl)
command -v jq > /dev/null || missing+=(jq)
command -v chromium > /dev/null || missing+=(chromium)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${missing[*]} ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
  else
    echo "The tests need: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# No test needs a developer tool (the root manifest's dotnet-ef). The end-to-end and browser tests start the AppHost,
# which restores and runs smtp4dev from its own manifest; those test projects run at the same time, and two first
# restores of one package into an empty NuGet cache collide, so the mail sink's tool is restored once, here.
if ! restore_output=$(cd Pms.AppHost/tools && dotnet tool restore 2>&1); then
  echo "$restore_output" >&2
  echo "Could not restore the mail sink (smtp4dev, Pms.AppHost/tools/dotnet-tools.json): is the NuGet source reachable?" >&2
  exit 1
fi

results=artifacts/test-results
rm -rf "$results"
status=0
# Every process the tests start inherits this tag, and every temp folder they make carries it (tests/Pms.Testing's
# TestFolders), so the check at the end finds what this run left behind, and nothing of other runs.
export PMS_TEST_RUN="pmsrun$$x$(date +%s)"
dotnet test Pms.sln --logger "trx" --results-directory "$results" "$@" || status=$?

# ---- Totals over every test project's results.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<< "$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<< "$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<< "$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<< "$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
# ---- Nothing left running: no process of this run (bar the build servers dotnet keeps on purpose) and no temp
# folder of it. Watchdogs poll once a second, so stragglers get some seconds to finish.
leftovers() {
  local proc pid cmd
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    cmd=$(tr '\0' ' ' 2> /dev/null < "$proc/cmdline") || continue
    [ -n "$cmd" ] || continue
    case "$cmd" in *MSBuild.dll*|*VBCSCompiler*|*rzc.dll*) continue ;; esac
    if [[ "$cmd" == *"$PMS_TEST_RUN"* ]] || tr '\0' '\n' 2> /dev/null < "$proc/environ" | grep -qx "PMS_TEST_RUN=$PMS_TEST_RUN"; then
      echo "process $pid: $cmd"
    fi
  done
  for folder in "${TMPDIR:-/tmp}"/*"$PMS_TEST_RUN"*; do
    if [ -e "$folder" ]; then echo "folder $folder"; fi
  done
  # Under `set -e` a non-zero status here would end the script in silence, at `left=$(leftovers)`.
  return 0
}
# An AppHost that exited leaves Aspire's orchestrator (DCP) a few seconds to stop what it ran: up to 30 s of grace.
left=$(leftovers)
for _ in $(seq 1 30); do
  [ -z "$left" ] && break
  sleep 1
  left=$(leftovers)
done
echo
if [ -n "$left" ]; then
  echo "Left behind by the tests (a fixture did not stop what it started):" >&2
  echo "$left" >&2
  status=1
else
  echo "Nothing left behind: no process and no temp folder of this run."
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status (a build error or a test host crash); see above." >&2
fi
exit "$status"
