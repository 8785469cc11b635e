#!/usr/bin/env bash
# Runs the vm-tests JUnit suite INSIDE the guest (run.sh starts it when no command is given).
# Runs only tests tagged "guest" (host-side helper tests stay on the host). Extra arguments replace the
# selection, e.g. --select-class dev.jvirtio.vmtests.VfioBindingTest.
# The launcher's output also goes to $VMRIG_CTL/junit.out, where the host reads the summary.
set -uo pipefail
[ "${VMRIG_GUEST:-}" = 1 ] || { echo "guest-suite.sh: run me inside the guest (vm-tests/run.sh)" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=target/vmrig
cp="target/test-classes:$(cat "$out/classpath.txt")"
if [ $# -gt 0 ]; then select=("$@"); else select=(--scan-class-path target/test-classes --include-tag guest); fi
# TCG runs Java 10-50x slower than native: C1 only, serial GC and no perf data cut JVM start-up and
# warm-up, which is all these short tests pay for.
"$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto \
    --enable-native-access=ALL-UNNAMED \
    -jar "$out/junit-platform-console-standalone.jar" execute \
    --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
    --exclude-engine junit-vintage --exclude-engine junit-platform-suite \
    --class-path "$cp" "${select[@]}" 2>&1 | tee "$VMRIG_CTL/junit.out"
exit "${PIPESTATUS[0]}"
