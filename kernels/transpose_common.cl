/* Definitions shared by the copy engine's transposes (transpose.cl) and its
 * interleave kernels (interleave.cl); the host builds each of those as one
 * program after this file. The canonical pair has a dim A contiguous in src
 * (src stride 1, dst stride da, na elements) and a dim B contiguous in dst
 * (dst stride 1, src stride sb, nb elements), plus up to 6 batch dims with
 * any strides, one batch per get_global_id(2). Shapes are arguments;
 * options: ELEM_SIZE, IDX64, NT (non-temporal stores), TILE (the constant
 * factor of the interleave kernels).
 *
 * CPU kernels (reg, interleave, deinterleave) give each work-item a strip
 * and loop over it: PoCL runs a work-group as one loop over work-items, and
 * long per-work-item loops keep the index arithmetic off the data path. */

#if IDX64
typedef ulong idx_t;
#else
typedef uint idx_t;
#endif

#if ELEM_SIZE == 1
#define VEC_T(n) uchar##n
#elif ELEM_SIZE == 2
#define VEC_T(n) ushort##n
#elif ELEM_SIZE == 4
#define VEC_T(n) uint##n
#else
#define VEC_T(n) ulong##n
#endif
typedef VEC_T(4) elem4_t;
/* An element-aligned vector type: accesses through it compile to single
 * unaligned vector loads and stores (PoCL's vloadn/vstoren may split them
 * into element accesses). */
typedef VEC_T(4) __attribute__((aligned(ELEM_SIZE))) elem4_u;
#define LOAD4(p) (*(__global const elem4_u *)(p))

/* Source and destination offsets of batch index rem over n batch dims. */
static inline void batch_offsets(idx_t rem, int n, long8 sz, long8 ss, long8 ds, idx_t *so,
                                 idx_t *dof)
{
    long s[8] = {sz.s0, sz.s1, sz.s2, sz.s3, sz.s4, sz.s5, sz.s6, sz.s7};
    long a[8] = {ss.s0, ss.s1, ss.s2, ss.s3, ss.s4, ss.s5, ss.s6, ss.s7};
    long b[8] = {ds.s0, ds.s1, ds.s2, ds.s3, ds.s4, ds.s5, ds.s6, ds.s7};
    for (int d = n - 1; d >= 0; d--) {
        idx_t q = rem / (idx_t)s[d];
        idx_t r = rem - q * (idx_t)s[d];
        *so += r * (idx_t)a[d];
        *dof += r * (idx_t)b[d];
        rem = q;
    }
}

#define TRANSPOSE_ARGS                                                                        \
    __global const elem_t *src, ulong src_off, __global elem_t *dst, ulong dst_off, idx_t na, \
        idx_t nb, idx_t da, idx_t sb, idx_t len, int nbatch, long8 bsz, long8 bss, long8 bds
