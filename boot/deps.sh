#!/bin/sh
# Install what the build and the tests need from Debian's archive, and nothing
# when everything is already there.  Package lists live in boot/deps.d/*.list,
# one file per component, one package per line ('#' starts a comment).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
want=$(cat "$here"/deps.d/*.list | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages and not root: run 'apt-get install$missing' as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
