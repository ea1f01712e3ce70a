#!/usr/bin/env bash
# Fuzzes each parser of untrusted bytes (ferry-core's @FuzzTest methods, Jazzer) for SECONDS each
# (default 3: the bounded run CI makes after the main build, a smoke that each target fuzzes and finds
# nothing shallow; verify replayed their seeds already, depth comes from long runs by hand). Jazzer
# fuzzes one @FuzzTest per JVM, so each target is its own Maven run; two run at a time (see below). Plain `mvn test` runs the same methods on their committed
# seeds only (src/test/resources/io/ferry/core/fuzz/<Class>Inputs/<method>/).
#
#   scripts/fuzz.sh            # CI: 3 s a target
#   scripts/fuzz.sh 600        # by hand: 10 minutes a target
#   scripts/fuzz.sh 60 TarExtractionFuzzTest#extractionStaysInsideItsDirectory
#
# A finding fails the target and is written next to the seeds as crash-<sha1>: fix the parser, give
# the file a name that says what it holds, and commit it as a regression seed. The corpus Jazzer
# grows while fuzzing stays in ferry-core/.cifuzz-corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-3}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(
    TarExtractionFuzzTest#extractionStaysInsideItsDirectory
    CheckpointArchiveFuzzTest#readersRefuseWithTypedErrorsOnly
    EncryptedArchiveFuzzTest#decryptingReaderRefusesWithTypedErrorsOnly
    CriuImageFuzzTest#decoderRefusesWithTypedErrorsOnly
    OciDocumentFuzzTest#manifestIsRefusedOrUsable
    OciDocumentFuzzTest#indexIsRefusedOrUsable
    ReferenceFuzzTest#registryReferenceRoundTrips
    ReferenceFuzzTest#imageReferenceNormalizesOnce
  )
fi

reports=ferry-core/target/surefire-reports
mkdir -p ferry-core/target
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# fuzzes one target and prints its verdict; a failed one is listed in $results/failed
fuzz_target() {
  local target=$1 t0 log verdict runs n s rate
  t0=$(date +%s)
  log="ferry-core/target/fuzz-${target/\#/-}.log"
  # a small heap: an input that makes a parser reserve what a length field claims fails here
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" mvn -q -B -ntp -pl ferry-core -am test \
      -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx512m" >"$log" 2>&1; then
    verdict=ok
  elif grep -q 'FuzzTestFinding' "$log"; then
    verdict=FINDING
    echo "$target" >>"$results/failed"
  else
    verdict="FAILED (no finding: the build or Jazzer failed, see the log)"
    echo "$target" >>"$results/failed"
  fi
  # libFuzzer's last words (on the process's own stderr, so in the log): "Done N runs in S second(s)"
  runs=$(grep -hoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  n=$(echo "$runs" | awk '{print $2}')
  s=$(echo "$runs" | awk '{print $5}')
  rate=$([ -n "$n" ] && [ "${s:-0}" -gt 0 ] && echo $((n / s)) || echo "?")
  echo "fuzz: $target: $verdict, ${n:-?} runs, ${rate} exec/s, $(( $(date +%s) - t0 )) s (log: $log)"
}

# Two targets at a time: a fuzzing JVM keeps one core busy, and most of a target's time is Maven and JVM
# start-up, so two lanes use a 2-core machine without starving either. The first target runs alone: its
# Maven run compiles what is stale, so the lanes after it find everything built and write nothing but
# their own logs and reports. The methods of one class stay in one lane (one surefire report file).
start=$(date +%s)
fuzz_target "${targets[0]}"
lanes=("" "")
declare -A lane_of=()
next=0
for target in "${targets[@]:1}"; do
  class=${target%%#*}
  if [ -z "${lane_of[$class]:-}" ]; then
    lane_of[$class]=$next
    next=$(( 1 - next ))
  fi
  lanes[${lane_of[$class]}]+="$target "
done
pids=()
for lane in "${lanes[@]}"; do
  ( for target in $lane; do fuzz_target "$target"; done ) &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid"
done
echo "fuzz: ${#targets[@]} targets in $(( $(date +%s) - start )) s"
if [ -s "$results/failed" ]; then
  echo "fuzz: findings in $(tr '\n' ' ' <"$results/failed"): see the logs, $reports and the crash-* files under ferry-core/src/test/resources/io/ferry/core/fuzz/" >&2
  exit 1
fi
