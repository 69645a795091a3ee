/* Tuning constants of the CPU tier (kernels/cpu/: PoCL on x86-64 with AVX2,
 * measured on 2 cores of an AMD EPYC): what each is, and why. The
 * measurements behind them are in docs/tuning.md. */
#ifndef CLS_TUNING_CPU_H
#define CLS_TUNING_CPU_H

/* ---- copy engine (copy.c, copy_plan.c) ---- */

/* Non-temporal stores pay off once a tensor no longer fits the caches (the
 * kernels use them only where they store whole, aligned lines). */
#define CLS_CPU_NT_MIN_BYTES (8u << 20)
/* Elements per work-item strip: about this many bytes. */
#define CLS_CPU_STRIP_BYTES 4096u
/* Work-items per work-group of the strip kernels (each owns a strip). */
#define CLS_CPU_GROUP 8
/* Runs shorter than this go several to a work-item (run_packed): one short
 * run per work-item left the row split to dominate. */
#define CLS_CPU_RUN_MIN_BYTES 4096
/* Interleaves of at most this many streams, and deinterleaves of fewer,
 * take the constant-factor kernels; wider ones the register blocks. */
#define CLS_CPU_INTERLEAVE_MAX 8
#define CLS_CPU_DEINTERLEAVE_BELOW 8
/* Register-block walks (reg_strip): src rows of at most this many bytes
 * (and at least one line) with long B walk B in tiles. */
#define CLS_CPU_WALK_MAX_A_BYTES 1024
#define CLS_CPU_WALK_MIN_B 256
#define CLS_CPU_WALK_MAX_ROW_BYTES 4096
/* Tile of the walk: dst bytes per row (256 for 4-byte elements), at most
 * this much src per tile, and 8 KiB for 1- and 2-byte elements with few A
 * blocks (the tile must stay in the L1 between passes). */
#define CLS_CPU_WALK_TILE_BYTES 512
#define CLS_CPU_WALK_TILE_BYTES_4 256
#define CLS_CPU_WALK_TILE_MAX_SRC 65536
#define CLS_CPU_WALK_TILE_MAX_SRC_NARROW 8192
/* Rows per walking work-item, halved while fewer than this many work-items. */
#define CLS_CPU_WALK_ROWS 4096
#define CLS_CPU_MIN_WORK_ITEMS 64
/* A elements per band of the line-wide blocks. */
#define CLS_CPU_BAND_A 1024

/* ---- fused conv (conv_direct.c) ---- */

/* Work-group size of the direct conv on the CPU tier. */
#define CLS_CPU_CONV_LOCAL 16

/* ---- depth-to-space kernels (d2s_lower.c) ---- */

/* Streams a d2s kernel variant handles; larger products use the copy engine. */
#define CLS_CPU_D2S_MAX_FACTOR 16
/* Bytes of dst one work-item writes, roughly. */
#define CLS_CPU_D2S_WI_BYTES 32768
/* Concurrent src runs one work-item may sweep (r = 2, 3 NCHW interleaves
 * read faster as 4 and 9 runs than one per row; r = 4's 16 at 2/3 of that). */
#define CLS_CPU_D2S_MAX_SRC_RUNS 12
/* Rows whose dst runs may interleave (short rows share lines at their ends,
 * which non-temporal stores must complete while the line is still held). */
#define CLS_CPU_D2S_MAX_DST_ROWS 4
/* Tensors up to this size run as few work-groups. */
#define CLS_CPU_D2S_SMALL_BYTES (256u << 10)

#endif
