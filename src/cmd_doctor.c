/* cmd_doctor.c - `hoist doctor` (being written). */
#include "cli.h"
int cmd_doctor(int argc, char **argv) { (void)argc; (void)argv; return HOIST_EUSAGE; }
