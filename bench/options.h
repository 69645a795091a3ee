/* clshuffle-bench command-line options. */
#ifndef CLS_BENCH_OPTIONS_H
#define CLS_BENCH_OPTIONS_H

#include "bench.h"

enum { BENCH_OPTS_RUN, BENCH_OPTS_EXIT_OK, BENCH_OPTS_EXIT_ERROR };

/* Parse argv into o (defaults first). Prints --help or the error itself. */
int bench_parse_options(int argc, char **argv, bench_opts *o);
/* --list-devices: print every OpenCL device; returns the exit status. */
int bench_list_devices(void);

#endif
