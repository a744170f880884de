#!/bin/sh
# /init of the dynamic-resources test dom0 (tests/suites/64-dynres.sh), the
# same on the real Xen 4.17 and on ours: a guest ballooned down and up with
# xl mem-set (its MemTotal on its console, xl list, free_memory), refusals
# (above static-max, below the floor, unknown domain), xl mem-max, xl top
# in batch mode and its SVG plot, dom0 ballooned down to make room for a
# guest that did not fit, and xl create's autoballoon.
# Prints "T60 PASS: name" / "T60 FAIL: name reason" and a final
# "Test result: ..." line before powering off.
. /etc/testlib.sh
base_setup
echo "T60 dom0 up at $(up)s"
clog=/var/log/xen/console/guest-memg.log
# mem_of NAME: xl list's Mem column (MiB)
mem_of() { xl list "$1" 2>/dev/null | awk 'NR==2 {print $3}'; }
# memtotal: the guest's last MemTotal (kB) printed on its console
memtotal() { grep -a "DOMU-MEMTOTAL" $clog | tail -n1 | awk '{print $2}' | tr -d '\r'; }
# until_ok SECONDS CMD...: retries CMD once a second
until_ok() { _t=$1; shift; _u0=$(up); while ! "$@"; do past "$_u0" "$_t" && return 1; sleep 1; done; }
num_le() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -le "$2" ]; }
num_ge() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -ge "$2" ]; }
list_le() { num_le "$(mem_of "$1")" "$2"; }
list_ge() { num_ge "$(mem_of "$1")" "$2"; }
mt_le() { num_le "$(memtotal)" "$1"; }
mt_ge() { num_ge "$(memtotal)" "$1"; }
free_ge() { num_ge "$(free_mem)" "$1"; }
free_le() { num_le "$(free_mem)" "$1"; }
report() { echo "T60 $1: memtotal $(memtotal) kB, xl list $(mem_of "${2:-memg}") MiB, free_memory $(free_mem) MiB"; }

xl create /etc/xen/mem.cfg > /tmp/create.out 2>&1; rc=$?
sed 's/^/create| /' /tmp/create.out
check "create-memg" [ $rc -eq 0 ]
id=$(xl domid memg 2>/dev/null)
if wait_for $clog "DOMU-MEMTOTAL" 300; then pass "memg-reports-memtotal"
else fail "memg-reports-memtotal" "(log: $(tail -c 300 $clog 2>/dev/null | tr '\n' '|'))"; fi
mt0=$(memtotal); freeA=$(free_mem)
report "start"
check "memg-list-256" [ "$(mem_of memg)" = 256 ]
check "memg-static-max-node" [ "$(xenstore-read /local/domain/$id/memory/static-max)" = 262144 ]

# ---- down to 128 MiB: the guest gives 128 MiB back
xl mem-set memg 128; rc=$?
check "mem-set-down-rc" [ $rc -eq 0 ]
check "mem-set-down-target-node" [ "$(xenstore-read /local/domain/$id/memory/target)" = 131072 ]
check "mem-set-down-xl-list" until_ok 120 list_le memg 130
check "mem-set-down-guest-memtotal" until_ok 60 mt_le $((mt0 - 120 * 1024))
check "mem-set-down-free-memory-grows" until_ok 30 free_ge $((freeA + 120))
report "after mem-set 128"
xl list -l memg > /tmp/xll
check "list-l-shows-the-live-target" sh -c "grep -q '\"target_memkb\": 131072,' /tmp/xll && grep -q '\"max_memkb\": 262144,' /tmp/xll"
check "mem-set-down-vm-node" [ "$(xenstore-read /vm/$(xl list -v memg | awk 'NR==2 {print $7}')/memory 2>/dev/null)" = 128 ]

# ---- refusals: nothing changes
xl mem-set memg 512 > /tmp/over.out 2>&1; rc=$?
sed 's/^/over| /' /tmp/over.out
check "mem-set-above-static-max-refused" sh -c "[ $rc -ne 0 ] && grep -q 'static-max' /tmp/over.out && [ \"\$(xenstore-read /local/domain/$id/memory/target)\" = 131072 ]"
xl mem-set memg 8 > /tmp/under.out 2>&1; rc=$?
sed 's/^/under| /' /tmp/under.out
check "mem-set-below-floor-refused" sh -c "[ $rc -ne 0 ] && grep -q 'minimum' /tmp/under.out"
xl mem-set no-such-domain 128 > /tmp/nodom.out 2>&1; rc=$?
sed 's/^/nodom| /' /tmp/nodom.out
check "mem-set-unknown-domain-refused" sh -c "[ $rc -ne 0 ] && grep -q 'no-such-domain is an invalid domain identifier' /tmp/nodom.out"
xl mem-max memg 100 > /tmp/mmax.out 2>&1; rc=$?
sed 's/^/memmax| /' /tmp/mmax.out
check "mem-max-below-target-refused" sh -c "[ $rc -ne 0 ] && grep -q 'memory target' /tmp/mmax.out"

# ---- back up to 256 MiB
xl mem-set memg 256; rc=$?
check "mem-set-up-rc" [ $rc -eq 0 ]
check "mem-set-up-xl-list" until_ok 120 list_ge memg 255
check "mem-set-up-guest-memtotal" until_ok 60 mt_ge $((mt0 - 1024))
check "mem-set-up-free-memory-shrinks" until_ok 30 free_le $((freeA + 4))
report "after mem-set 256"

# ---- xl top
xl top -b -i 2 -d 1 > /tmp/top.out 2>&1; rc=$?
sed 's/^/top| /' /tmp/top.out
check "top-batch-rc" [ $rc -eq 0 ]
check "top-batch-header" sh -c "[ \$(grep -c '^ *NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\$' /tmp/top.out) = 2 ]"
# the second iteration: every domain, 19 columns, sane figures
tail -n 2 /tmp/top.out > /tmp/top2
check "top-batch-lists-every-domain" sh -c "[ \$(wc -l < /tmp/top2) = $(nr_domains) ] && grep -q '^  Domain-0 ' /tmp/top2 && grep -q '^      memg ' /tmp/top2"
check "top-batch-columns" awk 'NF != 19 || $2 !~ /^[d-][s-][b-][c-][p-][r-]$/ || $4 < 0 || $4 > 200.5 || $9 < 1 || $9 > 2 {bad=1} END {exit bad}' /tmp/top2
check "top-batch-memg-row" awk '$1 == "memg" && $5 >= 250000 && $5 <= 270000 && $7 >= 262144 && $9 == 1 && $10 == 0 && $13 == 0 {ok=1} END {exit !ok}' /tmp/top2
xl top -o /tmp/plot.svg -i 3 -d 1 > /tmp/plot.out 2>&1; rc=$?
sed 's/^/plot| /' /tmp/plot.out
check "top-plot-svg" sh -c "[ $rc -eq 0 ] && head -c 40 /tmp/plot.svg | grep -q '<?xml' && grep -q '</svg>' /tmp/plot.svg && grep -q 'memg ($id)' /tmp/plot.svg && [ \$(grep -c '<polyline' /tmp/plot.svg) -ge 4 ]"
echo "T60 plot.svg is $(wc -c < /tmp/plot.svg) bytes"

# ---- dom0 gives memory for a guest that does not fit
xl destroy memg
until_ok 30 free_ge $((freeA + 250)) || true
freeB=$(free_mem); d0=$(mem_of Domain-0)
want=$((freeB + 128))                 # 128 MiB more than is free
echo "T60 before dom0 mem-set: free_memory $freeB MiB, Domain-0 $d0 MiB, guest wants $want MiB"
printf 'autoballoon="off"\n' > /tmp/xl-off.conf
XL_CONF=/tmp/xl-off.conf xl create /etc/xen/domu.cfg 'name="big"' "memory=$want" > /tmp/big0.out 2>&1; rc=$?
sed 's/^/big0| /' /tmp/big0.out
check "big-guest-refused-while-memory-short" sh -c "[ $rc -ne 0 ] && ! xl domid big >/dev/null 2>&1"
xl mem-set 0 $((d0 - 192)); rc=$?
check "dom0-mem-set-rc" [ $rc -eq 0 ]
check "dom0-target-node" [ "$(xenstore-read /local/domain/0/memory/target)" = $(((d0 - 192) * 1024)) ]
check "dom0-mem-set-xl-list" until_ok 120 list_le Domain-0 $((d0 - 190))
check "dom0-mem-set-free-memory-grows" until_ok 30 free_ge $((freeB + 180))
report "after dom0 mem-set" Domain-0
XL_CONF=/tmp/xl-off.conf xl create /etc/xen/domu.cfg 'name="big"' "memory=$want" "maxmem=$((want + 64))" > /tmp/big1.out 2>&1; rc=$?
sed 's/^/big1| /' /tmp/big1.out
check "big-guest-created-from-dom0s-memory" sh -c "[ $rc -eq 0 ] && [ \"\$(xl list big | awk 'NR==2 {print \$3}')\" = $want ]"
# as libxl: the hypervisor's limit is memory= + 1 MiB, not maxmem=, until
# xl mem-set raises the target; static-max is maxmem=
xl top -b -i 1 > /tmp/topbig 2>&1
check "create-max-mem-is-target-plus-slack" awk -v m=$((want * 1024 + 1024)) '$1 == "big" && $7 == m {ok=1} END {exit !ok}' /tmp/topbig
check "create-static-max-is-maxmem" [ "$(xenstore-read /local/domain/$(xl domid big)/memory/static-max)" = $(((want + 64) * 1024)) ]
xl destroy big
until_ok 30 free_ge $((freeB + 180)) || true

# ---- autoballoon: xl create takes what is missing from dom0 itself
freeC=$(free_mem); d0=$(mem_of Domain-0)
want=$((freeC + 64))
printf 'autoballoon="on"\n' > /tmp/xl-on.conf
XL_CONF=/tmp/xl-on.conf xl create /etc/xen/domu.cfg 'name="auto"' "memory=$want" > /tmp/auto.out 2>&1; rc=$?
sed 's/^/auto| /' /tmp/auto.out
check "autoballoon-create" sh -c "[ $rc -eq 0 ] && [ \"\$(xl list auto | awk 'NR==2 {print \$3}')\" = $want ]"
check "autoballoon-lowered-dom0-target" num_le "$(xenstore-read /local/domain/0/memory/target)" $(((d0 - 64) * 1024))
report "after autoballoon" Domain-0
xl destroy auto
xl list

if [ $nfail -eq 0 ]; then v=SUCCESS; else v=FAILURE; fi
echo "Test result: $v ($npass passed, $nfail failed)"
sync
# QEMU's isa-debug-exit device (port 0xf4) ends the run with the verdict.
if [ $nfail -eq 0 ]; then printf '\000'; else printf '\001'; fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
