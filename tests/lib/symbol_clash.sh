#!/bin/sh
# symbol_clash.sh LIB... -- OTHER...: fails when a global symbol defined in one of kcon's static
# libraries LIB is also defined by a library kcon links, OTHER. readline's static library defines
# xmalloc, xrealloc and xfree: linked statically they would clash, and linked dynamically kcon's
# would silently replace readline's.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
defined() { nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 && $2 ~ /[TDBR]/ { print $3 }' | sort -u; }
ours=""
while [ "$1" != -- ]; do ours="$ours $1"; shift; done
shift
defined $ours >"$tmp/ours"
defined "$@" >"$tmp/theirs"
clash=$(comm -12 "$tmp/ours" "$tmp/theirs")
if [ -n "$clash" ]; then
    echo "kcon defines symbols that $* define too:" $clash >&2
    exit 1
fi
