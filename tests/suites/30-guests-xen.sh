#!/usr/bin/env bash
# 30-guests-xen.sh — the oracle run of the PV test guests: every guest in
# tests/guests/tests.list marked for xen boots as dom0 of the real Xen 4.17
# in QEMU TCG and must produce its expected outcome.
exec "$(cd "$(dirname "$0")/../guests" && pwd)/run-on-xen.sh" "$@"
