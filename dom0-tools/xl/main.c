/*
 * main.c — the xl executable's entry point; everything else lives in the
 * other files of this directory so the unit tests can link it.
 */
#include "xl.h"

int main(int argc, char **argv)
{
    return xl_main(argc, argv);
}
