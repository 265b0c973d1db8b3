#!/usr/bin/env bash
# The long forms of the chaos, fault-injection and fuzz tests, which `mvn -B verify` runs in short form.
# Usage (from the repository root): scripts/long-runs.sh [kill9|faults|chaos|fuzz|crash ...]   (default: all)
# Each form prints its figures (grep the surefire output for the lines shown) and fails on the first broken
# invariant. On 2 cores the whole set takes about 35 minutes. Nothing here needs Docker or Incus.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MVN=(mvn -B -ntp -Dstyle.color=never -Dsurefire.failIfNoSpecifiedTests=false)
forms=("$@")
((${#forms[@]})) || forms=(kill9 faults chaos fuzz crash)

for form in "${forms[@]}"; do
  echo "==================== $form ($(date '+%F %T')) ===================="
  case $form in
    kill9)  # real host processes killed with SIGKILL at random moments, on embedded H2 and on PostgreSQL
      "${MVN[@]}" -pl testkit -am test -Dtest='KillNineChaosTest' -Dchaos.kill.tenants=300 -Dchaos.kill.kills=25
      grep -h 'kill -9' testkit/target/surefire-reports/*KillNine*-output.txt ;;
    faults) # a fault at every journal statement and commit of a run, and a crash before and after every commit
      "${MVN[@]}" -pl testkit -am test -Dtest='*JournalFaultTest' -Djournal.faults=full
      grep -hE 'journal (faults|crashes)' testkit/target/surefire-reports/*JournalFault*-output.txt ;;
    chaos)  # backend faults, restarts and several engines on one PostgreSQL journal
      "${MVN[@]}" -pl testkit -am test -Dtest='*EngineChaosTest' -Dchaos.tenants=200 -Dchaos.restarts=10 ;;
    fuzz)   # hostile tenant input and blueprint YAML
      "${MVN[@]}" -pl core -am test -Dtest='*FuzzTest' -Dfuzz.cases=200000 ;;
    crash)  # commits the H2 journal reported survive SIGKILL of the process, over many lives of one file
      "${MVN[@]}" -pl core -am test -Dtest='H2CrashDurabilityTest' -Djournal.crash.lives=25 ;;
    *) echo "unknown form '$form' (kill9, faults, chaos, fuzz, crash)" >&2; exit 2 ;;
  esac
done
