#!/usr/bin/env bash
# Records the public API of tenantwright-spi and tenantwright-core as the baseline the build's compatibility check
# (japicmp, in `mvn verify`) compares against: api/tenantwright-spi.jar and api/tenantwright-core.jar hold the
# compiled classes of every package but `*.internal*`.
#
# Run it only when an incompatible change to the SPI or core's API is intended — a new major SPI version, or a
# reviewed break before 1.0 — and commit the two jars with the change, so the break is a visible, reviewed diff.
# Adding API needs no new baseline: additions are compatible.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
mvn -B -q -ntp -Dstyle.color=never -pl spi,core -am package -DskipTests -Djapicmp.skip=true
for module in spi core; do
  work=$(mktemp -d)
  (cd "$work" && unzip -q "$ROOT/$module/target/tenantwright-$module-"*-SNAPSHOT.jar -x 'META-INF/*' \
    && find . -path '*/internal/*' -delete && find . -type d -empty -delete)
  rm -f "api/tenantwright-$module.jar"
  # a fixed date: the same classes give the same jar, so only a real API change shows in the diff
  jar --create --file "api/tenantwright-$module.jar" --date=2026-01-01T00:00:00Z -C "$work" .
  rm -rf "$work"
  echo "api/tenantwright-$module.jar: $(unzip -l "api/tenantwright-$module.jar" | tail -1)"
done
