#!/usr/bin/env bash
# fetch-debs.sh — download Debian packages (never install them) into a cache
# directory, for building test images of the real Xen and Linux.
#
#   boot/fetch-debs.sh [-d DIR] PKG...     (default DIR: $BUILD/debs)
#
# PKG is a package name, optionally =version.  The special name
# "linux-image" stands for the current linux-image-6.1.0-*-amd64 that
# Debian's linux-image-amd64 depends on.  A package whose .deb is already in
# DIR is not downloaded again.  Prints the path of each .deb, one per line.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
dir=$BUILD/debs
if [ "${1:-}" = -d ]; then dir=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [-d DIR] PKG..." >&2; exit 2; }
mkdir -p "$dir"

resolve() {
    local p=$1
    if [ "$p" = linux-image ]; then
        # The meta package's first dependency is the current ABI's image.
        local k
        k=$(apt-cache depends linux-image-amd64 2>/dev/null |
            awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
        [ -n "$k" ] || { echo "fetch-debs: cannot resolve linux-image-amd64 (apt-get update?)" >&2; return 1; }
        p=$k
    fi
    echo "$p"
}

for want in "$@"; do
    pkg=$(resolve "$want")
    name=${pkg%%=*}
    shopt -s nullglob
    have=("$dir"/"${name}"_*.deb)
    shopt -u nullglob
    if [ ${#have[@]} -eq 0 ]; then
        (cd "$dir" && apt-get download -q "$pkg" >/dev/null 2>"$dir/.err-$name" ||
            { apt-get update -qq >/dev/null 2>&1 || true; apt-get download -q "$pkg" >/dev/null 2>"$dir/.err-$name"; }) ||
            { echo "fetch-debs: apt-get download $pkg failed:" >&2; cat "$dir/.err-$name" >&2; exit 1; }
        rm -f "$dir/.err-$name"
        shopt -s nullglob
        have=("$dir"/"${name}"_*.deb)
        shopt -u nullglob
    fi
    [ ${#have[@]} -gt 0 ] || { echo "fetch-debs: $pkg: no .deb after download" >&2; exit 1; }
    printf '%s\n' "${have[@]}" | sort -V | tail -n1
done
