/* Tuning constants of the portable tier (kernels/portable/): what each is,
 * and why. Measurements behind them: docs/tuning.md. */
#ifndef CLS_TUNING_PORTABLE_H
#define CLS_TUNING_PORTABLE_H

/* Work-group size the run copy and the gather aim for (then limited by the
 * device's max work-group and work-item sizes, and rounded to a power of two
 * of at least the preferred multiple): a few warps or wavefronts per group. */
#define CLS_PORTABLE_WG 256
/* 16-byte units per work-item of the run copy: each work-item splits its
 * row index once, then loops. */
#define CLS_PORTABLE_RUN_PER 4
/* On devices of CPU type the run copy and the gather give each work-item
 * consecutive x indices (CHUNK=1): at most this many 16-byte units of the
 * run copy, at most this many indices of the gather; work-groups take rows
 * up to about CLS_PORTABLE_CPU_GROUP_BYTES (below). */
#define CLS_PORTABLE_CPU_RUN_CHUNK 64
#define CLS_PORTABLE_CPU_GATHER_CHUNK 256
/* ... and rows, while a work-item moves at most this many bytes (short rows:
 * depth-to-space in NHWC moves runs of r x C elements). */
#define CLS_PORTABLE_CPU_ITEM_BYTES 2048

/* The gather loops over a dim of at most this many elements inside a
 * work-item (a compile-time count), so that consecutive work-items store
 * consecutive runs of it (interleaves) or consecutive elements of the other. */
#define CLS_PORTABLE_GATHER_INNER_MAX 16
/* Runs contiguous on both sides of at least one 16-byte unit go to the run
 * copy (work-groups fill up with rows); shorter ones to the gather. */
#define CLS_PORTABLE_RUN_MIN_BYTES 16
/* Local-memory tile: work-group TX x TY (each work-item moves TW / TY rows
 * each way), TW = TX x U elements a side, U = 4 / element size (4-byte
 * units); TX halves when the tile would take more than half the local
 * memory or the work-group exceeds the device's limits. */
#define CLS_PORTABLE_TILE_TX 32
#define CLS_PORTABLE_TILE_TY 8
/* On devices of CPU type a work-group moves about this many bytes, as long
 * as every compute unit keeps this many work-groups. */
#define CLS_PORTABLE_CPU_GROUP_BYTES 65536
#define CLS_PORTABLE_CPU_GROUPS_PER_CU 8
/* Devices of CPU type run the transpose in registers (transpose_regs):
 * units of this many bytes (a V x V block of V-element units per step) and
 * strips of about this many bytes of B per work-item. */
#define CLS_PORTABLE_CPU_REGS_UNIT 16
#define CLS_PORTABLE_CPU_REGS_STRIP 1024
/* ... and when src rows lie this far apart (their lines then collide in
 * the cache's sets), a whole cache line of A per work-item and strips of
 * this many bytes of B. */
#define CLS_PORTABLE_CPU_REGS_FAR_BYTES 4096
#define CLS_PORTABLE_CPU_REGS_FAR_STRIP 256
/* Where B is short, a work-item takes up to this many units of A, while it
 * moves at most CLS_PORTABLE_CPU_ITEM_BYTES, and batch rows while it still
 * moves less (only where B's dst runs fill a cache line); a transpose whose
 * work-items would move under CLS_PORTABLE_CPU_REGS_MIN_ITEM_BYTES even so
 * takes the gather. */
#define CLS_PORTABLE_CPU_REGS_AU_MAX 16
#define CLS_PORTABLE_CPU_REGS_MIN_ITEM_BYTES 512
/* A transpose takes the tile when both of its dims fill at least half a
 * tile side; narrower ones (NCHW <-> NHWC with C = 3) take the gather. */
#define CLS_PORTABLE_TILE_MIN_FILL 2

/* Work-group size the direct conv aims for (a power of two within the
 * device's limits, at least the preferred multiple). */
#define CLS_PORTABLE_CONV_LOCAL 64
/* Devices that report GPU (and not CPU) run a conv on CLBlast's GEMM when it
 * is 1x1 with at least this many input channels, or its reduction
 * Cin x KH x KW is at least this long, where GEMM tiling pays. */
#define CLS_GPU_GEMM_MIN_CIN_1X1 32
#define CLS_GPU_GEMM_MIN_REDUCTION 1024

#endif
