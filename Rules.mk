# Rules.mk — the one set of build rules every directory shares.
#
# Invoked as   make -f Rules.mk obj=<dir> FLAVOR=hyp|host
# It reads <dir>/Makefile, which only lists what the directory holds:
#     obj-y   += foo.o        (built from foo.c or foo.asm in <dir>)
#     obj-y   += sub/         (recursed into; its built_in.o is linked in)
#     extra-y += $(BUILD)/x   (further goals, with rules in <dir>/Makefile)
#     CFLAGS-y / ASFLAGS-y    (additions for this directory only)
#     link-subdirs := n       (a directory that only groups independent
#                              programs, like tests/: build the subdirectories
#                              but do not merge their objects, whose symbols
#                              may clash)
# and produces build/<dir>/built_in.o, a relocatable object holding the whole
# subtree, plus any extra-y goals.  Objects never land in the source tree.
#
# FLAVOR=hyp compiles freestanding hypervisor code; FLAVOR=host compiles
# ordinary programs and unit tests for the build machine.  A directory
# Makefile may force a flavour with `FLAVOR := ...` (dom0 tools always build
# for the host, for example).

ROOT   := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD  ?= $(ROOT)/build
obj    ?= .
FLAVOR ?= host

obj-y    :=
extra-y  :=
link-subdirs := y
CFLAGS-y :=
ASFLAGS-y :=
LDLIBS-y :=

src := $(ROOT)/$(obj)
out := $(BUILD)/$(obj)

# A directory Makefile's own link rules must not become the default goal.
.DEFAULT_GOAL := all
include $(src)/Makefile

subdirs   := $(patsubst %/,%,$(filter %/,$(obj-y)))
objs      := $(addprefix $(out)/,$(filter %.o,$(obj-y)))
sub-built := $(foreach d,$(subdirs),$(out)/$(d)/built_in.o)

WARN := -Wall -Wextra -Werror -Wno-unused-parameter

ifeq ($(FLAVOR),hyp)
# No red zone (interrupts land on the same stack), no SSE/x87 (guest FPU state
# stays untouched unless we save it), position-independent code with hidden
# visibility so the image can sit at 0xffff82d080000000, outside the ranges
# -mcmodel=small/kernel allow, while still using RIP-relative addressing.
CC      := gcc
CFLAGS  := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin -fpie \
           -fno-stack-protector -fno-asynchronous-unwind-tables \
           -fno-omit-frame-pointer -mno-red-zone -mno-mmx -mno-sse -mno-sse2 \
           -mno-avx -mgeneral-regs-only -fcf-protection=none -fno-jump-tables \
           -include $(ROOT)/hypervisor/include/xen/compiler.h \
           -I$(ROOT)/hypervisor/include -I$(ROOT)/hypervisor/arch/x86/include \
           -D__XEN__ -D__HYPERVISOR__
ASFLAGS := -f elf64 -g -F dwarf -I$(ROOT)/hypervisor/arch/x86/include/
LD      := ld
else
CC      ?= gcc
CFLAGS  := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -I$(ROOT)/hypervisor/include \
           $(HOST_CFLAGS)
ASFLAGS := -f elf64 -g
LD      := ld
endif

CFLAGS  += $(CFLAGS-y) -MMD -MP
ASFLAGS += $(ASFLAGS-y)

.PHONY: all $(subdirs)
all: $(out)/built_in.o $(extra-y)

# Subdirectories are built one after another (each in parallel inside), so a
# directory listed later may link what an earlier one produced.  The empty
# recipe matters: without one make does not re-check a sub-built_in.o after
# the recursion, so a change in a subdirectory reached the parent (and the
# hypervisor image) only on the next make.
$(sub-built): subdirs-done ; @:
.PHONY: subdirs-done
subdirs-done:
	+@set -e; for d in $(subdirs); do \
	  $(MAKE) -s --no-print-directory -f $(ROOT)/Rules.mk obj=$(obj)/$$d FLAVOR=$(FLAVOR) BUILD=$(BUILD); \
	done

linked := $(objs) $(if $(filter n,$(link-subdirs)),,$(sub-built))
# The directory's Makefile too: an object taken off its list must leave.
$(out)/built_in.o: $(objs) $(sub-built) $(src)/Makefile
	@mkdir -p $(@D)
	@if [ -n "$(strip $(linked))" ]; then $(LD) -r -o $@ $(linked); \
	 else printf '' | $(CC) -x c -c -o $@ -; fi

$(out)/%.o: $(src)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $(obj)/$*.c"
	@$(CC) $(CFLAGS) -c $< -o $@

$(out)/%.o: $(src)/%.asm
	@mkdir -p $(@D)
	@echo "  NASM    $(obj)/$*.asm"
	@nasm $(ASFLAGS) -MD $(@:.o=.d) -MP $< -o $@

-include $(objs:.o=.d)
