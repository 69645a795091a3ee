/* Copy-engine transposes. The canonical pair has a dim A contiguous in src
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

/* Local-memory tile (GPUs): a 32 x 32 tile padded by one column against bank
 * conflicts; work-group (32, 8), each work-item moves 4 rows each way, with
 * bounds checks at the matrix edges. */
__kernel __attribute__((reqd_work_group_size(32, 8, 1))) void transpose_tile(TRANSPOSE_ARGS)
{
    __local elem_t tile[32][33];
    idx_t lx = get_local_id(0), ly = get_local_id(1);
    idx_t a0 = (idx_t)get_group_id(0) * 32, b0 = (idx_t)get_group_id(1) * 32;
    idx_t so = src_off, dof = dst_off;
    (void)len;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    for (idx_t r = ly; r < 32; r += 8)
        if (a0 + lx < na && b0 + r < nb)
            tile[r][lx] = src[so + (b0 + r) * sb + a0 + lx];
    barrier(CLK_LOCAL_MEM_FENCE);
    for (idx_t r = ly; r < 32; r += 8)
        if (a0 + r < na && b0 + lx < nb)
            dst[dof + (a0 + r) * da + b0 + lx] = tile[lx][r];
}

/* 4 x 4 register transpose of rows r0..r3: interleave row pairs, then
 * combine their halves (eight two-input shuffles). */
#define SHUF4(x, y, m0, m1, m2, m3) shuffle2(x, y, (VEC_T(4))(m0, m1, m2, m3))
#define TRANSPOSE_4X4(r0, r1, r2, r3)                                          \
    do {                                                                       \
        elem4_t t0 = SHUF4(r0, r1, 0, 4, 1, 5), t1 = SHUF4(r0, r1, 2, 6, 3, 7); \
        elem4_t t2 = SHUF4(r2, r3, 0, 4, 1, 5), t3 = SHUF4(r2, r3, 2, 6, 3, 7); \
        r0 = SHUF4(t0, t2, 0, 1, 4, 5), r1 = SHUF4(t0, t2, 2, 3, 6, 7);        \
        r2 = SHUF4(t1, t3, 0, 1, 4, 5), r3 = SHUF4(t1, t3, 2, 3, 6, 7);        \
    } while (0)

/* Store 4 elements at p, non-temporally when enabled and p is aligned. */
static inline void store4(elem4_t v, __global elem_t *p)
{
#if NT
    if (((ulong)p & (sizeof(elem4_t) - 1)) == 0) {
        __builtin_nontemporal_store(v, (__global elem4_t *)p);
        return;
    }
#endif
    *(__global elem4_u *)p = v;
}

/* A 4 (A) x 4 (B) sub-block: src rows s, s + sb, ... -> dst rows d, d + da, ... */
static inline void block_4x4(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da)
{
    elem4_t r0 = LOAD4(s), r1 = LOAD4(s + sb), r2 = LOAD4(s + 2 * sb), r3 = LOAD4(s + 3 * sb);
    TRANSPOSE_4X4(r0, r1, r2, r3);
    store4(r0, d);
    store4(r1, d + da);
    store4(r2, d + 2 * da);
    store4(r3, d + 3 * da);
}

/* One full 8 (A) x 16 (B) block: eight 4 x 4 register transposes, then each
 * dst row's 16 elements are stored back to back (whole cache lines for
 * 4-byte elements, which keeps non-temporal stores write-combining). */
static inline void block_8x16(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da)
{
    elem4_t o[8][4];
#pragma unroll
    for (int j = 0; j < 4; j++)
#pragma unroll
        for (int i = 0; i < 8; i += 4) {
            __global const elem_t *p = s + 4 * j * sb + i;
            elem4_t r0 = LOAD4(p), r1 = LOAD4(p + sb), r2 = LOAD4(p + 2 * sb);
            elem4_t r3 = LOAD4(p + 3 * sb);
            TRANSPOSE_4X4(r0, r1, r2, r3);
            o[i][j] = r0, o[i + 1][j] = r1, o[i + 2][j] = r2, o[i + 3][j] = r3;
        }
#pragma unroll
    for (int i = 0; i < 8; i++)
#pragma unroll
        for (int j = 0; j < 4; j++)
            store4(o[i][j], d + i * da + 4 * j);
}

/* Register blocks (CPUs): work-item (x, y, z) owns A elements [8x, 8x + 8)
 * and a strip of len B elements (a multiple of 16) starting at y * len, so
 * its stores run along 8 dst rows; edges use a bounds-checked loop. */
__kernel void transpose_reg(TRANSPOSE_ARGS)
{
    idx_t a0 = (idx_t)get_global_id(0) * 8, b0 = (idx_t)get_global_id(1) * len;
    idx_t so = src_off, dof = dst_off, be, b = b0;
    if (a0 >= na || b0 >= nb)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    be = min(b0 + len, nb);
    if (a0 + 8 <= na)
        for (; b + 16 <= be; b += 16)
            block_8x16(src + so + b * sb + a0, sb, dst + dof + a0 * da + b, da);
    for (idx_t a = a0; a < min(a0 + 8, na); a++)
        for (idx_t bb = b; bb < be; bb++)
            dst[dof + a * da + bb] = src[so + bb * sb + a];
}

#ifdef TILE
/* Interleave (nb == da == TILE, 2..16): a strip of A indices, each reading
 * TILE planes and writing TILE consecutive dst elements; the constant factor
 * lets the compiler turn the stores into shuffles and full vector stores. */
__kernel void interleave(TRANSPOSE_ARGS)
{
    idx_t a0 = (idx_t)get_global_id(0) * len, so = src_off, dof = dst_off, ae;
    if (a0 >= na)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    ae = min(a0 + len, na);
    for (idx_t a = a0; a < ae; a++)
#pragma unroll
        for (idx_t t = 0; t < TILE; t++)
            dst[dof + a * TILE + t] = src[so + t * sb + a];
}

/* Deinterleave (na == sb == TILE, 2..16): a strip of B indices, each reading
 * TILE consecutive src elements and writing one element of each dst plane. */
__kernel void deinterleave(TRANSPOSE_ARGS)
{
    idx_t b0 = (idx_t)get_global_id(0) * len, so = src_off, dof = dst_off, be;
    if (b0 >= nb)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    be = min(b0 + len, nb);
    for (idx_t b = b0; b < be; b++)
#pragma unroll
        for (idx_t t = 0; t < TILE; t++)
            dst[dof + t * da + b] = src[so + b * TILE + t];
}
#endif
