#!/usr/bin/env bash
# Fuzzes each parser of untrusted bytes (ferry-core's @FuzzTest methods, Jazzer) for SECONDS each
# (default 6: the bounded run CI makes after the main build). Jazzer fuzzes one @FuzzTest per JVM,
# so each target is its own Maven run. Plain `mvn test` runs the same methods on their committed
# seeds only (src/test/resources/io/ferry/core/fuzz/<Class>Inputs/<method>/).
#
#   scripts/fuzz.sh            # CI: 6 s a target
#   scripts/fuzz.sh 600        # by hand: 10 minutes a target
#   scripts/fuzz.sh 60 TarExtractionFuzzTest#extractionStaysInsideItsDirectory
#
# A finding fails the target and is written next to the seeds as crash-<sha1>: fix the parser, give
# the file a name that says what it holds, and commit it as a regression seed. The corpus Jazzer
# grows while fuzzing stays in ferry-core/.cifuzz-corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-6}"
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
failed=()
start=$(date +%s)
for target in "${targets[@]}"; do
  t0=$(date +%s)
  log="ferry-core/target/fuzz-${target/\#/-}.log"
  mkdir -p ferry-core/target
  # a small heap: an input that makes a parser reserve what a length field claims fails here
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" mvn -q -B -ntp -pl ferry-core -am test \
      -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx512m" >"$log" 2>&1; then
    verdict=ok
  elif grep -q 'FuzzTestFinding' "$log"; then
    verdict=FINDING
    failed+=("$target")
  else
    verdict="FAILED (no finding: the build or Jazzer failed, see the log)"
    failed+=("$target")
  fi
  # libFuzzer's last words (on the process's own stderr, so in the log): "Done N runs in S second(s)"
  runs=$(grep -hoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  n=$(echo "$runs" | awk '{print $2}')
  s=$(echo "$runs" | awk '{print $5}')
  rate=$([ -n "$n" ] && [ "${s:-0}" -gt 0 ] && echo $((n / s)) || echo "?")
  echo "fuzz: $target: $verdict, ${n:-?} runs, ${rate} exec/s, $(( $(date +%s) - t0 )) s (log: $log)"
done
echo "fuzz: ${#targets[@]} targets in $(( $(date +%s) - start )) s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}: see the logs, $reports and the crash-* files under ferry-core/src/test/resources/io/ferry/core/fuzz/" >&2
  exit 1
fi
