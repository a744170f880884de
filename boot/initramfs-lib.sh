# initramfs-lib.sh — helpers shared by the scripts that build initramfs images
# (sourced by bash).  U is the directory Debian packages were unpacked into.

# busybox_root DIR: a minimal root with busybox and its applet links.
busybox_root() {
    mkdir -p "$1"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,lib/modules,var/log,var/lib}
    cp "$U/bin/busybox" "$1/bin/busybox"
    local a
    for a in $("$U/bin/busybox" --list); do
        [ -e "$1/bin/$a" ] || ln -s busybox "$1/bin/$a"
    done
    echo "root:x:0:0:root:/root:/bin/sh" > "$1/etc/passwd"
}

# mkcpio DIR OUT: a reproducible newc cpio, gzip -1 (decompression speed
# matters more than size under TCG).  Written aside and renamed: OUT may be
# a hard link shared with another build tree, which must keep its bytes.
mkcpio() {
    (cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
        gzip -1 -n > "$2.tmp" && mv -f "$2.tmp" "$2"
}

# copy_prog DST SRC REL [LIBPATH]: a program and the shared libraries it needs.
copy_prog() {
    local dst=$1 src=$2 rel=$3 libpath=${4:-}
    mkdir -p "$dst/$(dirname "$rel")"
    cp -L "$src" "$dst/$rel"
    LD_LIBRARY_PATH="$libpath" ldd "$src" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib64/{print $1}' |
    while read -r lib; do
        local r=${lib#$U}
        local s=$lib
        [ "$r" = /lib64/ld-linux-x86-64.so.2 ] && [ -e "$U/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ] &&
            [ -n "$libpath" ] && s=$U/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
        mkdir -p "$dst$(dirname "$r")"
        [ -e "$dst$r" ] || cp -L "$s" "$dst$r"
    done
}

# unpack_debs DIR DEB...: dpkg -x them into DIR once (keyed by the set).
unpack_debs() {
    local dir=$1; shift
    local stamp
    stamp=$(printf '%s\n' "$@" | md5sum | cut -c1-16)
    if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$dir"; mkdir -p "$dir"
        local d
        for d in "$@"; do dpkg -x "$d" "$dir"; done
        echo "$stamp" > "$dir/.stamp"
    fi
}
