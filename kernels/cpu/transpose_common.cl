/* Definitions shared by the copy engine's transposes (transpose_*.cl,
 * transpose.cl); the host builds them as one program after this file. The
 * canonical pair has a dim A contiguous in src (src stride 1, dst stride da,
 * na elements) and a dim B contiguous in dst (dst stride 1, src stride sb,
 * nb elements), plus up to 6 batch dims with any strides, one batch per
 * get_global_id(2). Shapes are arguments; options: ELEM_SIZE, IDX64, NT
 * (non-temporal stores).
 *
 * The CPU kernels give each work-item a strip and loop over it: PoCL runs a
 * work-group as one loop over work-items, and long per-work-item loops keep
 * the index arithmetic off the data path. */

#define TRANSPOSE_ARGS                                                                        \
    __global const elem_t *src, ulong src_off, __global elem_t *dst, ulong dst_off, idx_t na, \
        idx_t nb, idx_t da, idx_t sb, idx_t len, int nbatch, long8 bsz, long8 bss, long8 bds
