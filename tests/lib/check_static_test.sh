#!/bin/sh
# check_static_test.sh CC: scripts/check-static passes a binary that needs only glibc up to 2.34,
# and fails (removing it) one that needs another shared library or a newer glibc symbol.
set -eu
cc=$1
check=$(dirname "$0")/../../scripts/check-static
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect() { # WANT(0|1) NAME SOURCE [LIBS...]
    want=$1 name=$2 src=$3
    shift 3
    printf '%s\n' "$src" >"$tmp/$name.c"
    "$cc" -o "$tmp/$name" "$tmp/$name.c" "$@"
    if "$check" "$tmp/$name" 2.34 2>"$tmp/$name.err"; then got=0; else got=1; fi
    if [ "$got" != "$want" ]; then
        echo "check-static on $name: exit $got, want $want: $(cat "$tmp/$name.err")" >&2
        exit 1
    fi
    if [ "$want" = 1 ] && [ -e "$tmp/$name" ]; then
        echo "check-static left the failing binary $name" >&2
        exit 1
    fi
    [ "$want" = 0 ] || cat "$tmp/$name.err"
}
expect 0 plain '#include <stdio.h>
int main(void) { puts("hi"); return 0; }'
expect 1 zlib '#include <zlib.h>
#include <stdio.h>
int main(void) { puts(zlibVersion()); return 0; }' -lz
grep -q 'needs libz.so' "$tmp/zlib.err"
# arc4random is GLIBC_2.36: only where the build machine's glibc has it
if printf '#include <stdlib.h>\nint main(void) { return (int)(arc4random() & 1); }\n' >"$tmp/a.c" &&
    "$cc" -Werror=implicit-function-declaration -o "$tmp/a" "$tmp/a.c" 2>/dev/null; then
    expect 1 arc4random '#include <stdlib.h>
int main(void) { return (int)(arc4random() & 1); }'
    grep -q 'arc4random@GLIBC_2.36' "$tmp/arc4random.err"
fi
