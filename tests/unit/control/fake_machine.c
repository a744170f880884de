/* The shared fake machine (frame table, RAM, direct map). */
#include "../lib/fake_machine.c"
