#!/usr/bin/env bash
# Host unit tests of the hypervisor's PV core logic (event channels, the PV MMU; grant
# tables and page types as they land), each the real hypervisor source
# compiled against a small harness.  Built by `make tests-build`.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
for t in evtchn pvmm; do
    "$ROOT/tests/lib/criterion.sh" "$BUILD/tests/unit/test-$t" "$t"
done
