/* The shared model interrupt controller. */
#include "../lib/fake_ioapic.c"
