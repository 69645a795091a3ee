/* Portable transpose through a local-memory tile (definitions in
 * common.cl). The canonical pair has a dim A contiguous in src (na
 * elements, dst stride da) and a dim B contiguous in dst (nb elements, src
 * stride sb), plus up to 8 batch dims (get_global_id(2)).
 *
 * transpose_tile (GPUs, and every device not of CPU type): a work-group
 * (TX, TY) moves one tile of TW x TW elements, TW = TX * U. Each work-item
 * reads U consecutive src elements (vloadU) of TW / TY rows of B into the
 * tile, then, after a barrier, writes U consecutive dst elements (vstoreU)
 * of TW / TY rows of A, gathered from a tile column. Consecutive work-items
 * read consecutive src units and store consecutive dst units: both sides
 * are coalesced. The tile is padded by PAD elements per row against bank
 * conflicts on the column reads. The host picks 4-byte units (U = 4 /
 * ELEM_SIZE, at least 1). Options: TX, TY, U, PAD.
 *
 * transpose_regs (devices of CPU type), below: the same transpose in
 * registers, without local memory. */
#ifndef TX
#define TX 32
#endif
#ifndef TY
#define TY 8
#endif
#ifndef U
#define U 1
#endif
#ifndef PAD
#define PAD 1
#endif
#define TW (TX * U)

#if U == 1
typedef elem_t unit_t;
#else
typedef ELEM_VEC(U) unit_t;
#endif
/* U elements of a tile column (p[0], p[st], ...) as one unit, built in
 * registers: a private array stored element by element and reloaded as a
 * vector stalls on CPUs (the store cannot forward). */
#define COL_1(p, st) ((p)[0])
#define COL_2(p, st) ((unit_t)((p)[0], (p)[st]))
#define COL_4(p, st) ((unit_t)((p)[0], (p)[st], (p)[2 * (st)], (p)[3 * (st)]))
#define COL_8(p, st)                                                                               \
    ((unit_t)((p)[0], (p)[st], (p)[2 * (st)], (p)[3 * (st)], (p)[4 * (st)], (p)[5 * (st)],         \
              (p)[6 * (st)], (p)[7 * (st)]))
#define COL_16(p, st)                                                                              \
    ((unit_t)((p)[0], (p)[st], (p)[2 * (st)], (p)[3 * (st)], (p)[4 * (st)], (p)[5 * (st)],         \
              (p)[6 * (st)], (p)[7 * (st)], (p)[8 * (st)], (p)[9 * (st)], (p)[10 * (st)],          \
              (p)[11 * (st)], (p)[12 * (st)], (p)[13 * (st)], (p)[14 * (st)], (p)[15 * (st)]))
#define COL(p, st) CAT(COL_, U)(p, st)

__kernel __attribute__((reqd_work_group_size(TX, TY, 1))) void
transpose_tile(__global const elem_t *src, ulong src_off, __global elem_t *dst, ulong dst_off,
               idx_t na, idx_t nb, idx_t da, idx_t sb, int nbatch, idx8_t bsz, idx8_t bss,
               idx8_t bds)
{
    __local elem_t tile[TW][TW + PAD]; /* tile[b][a] */
    int lx = get_local_id(0), ly = get_local_id(1);
    idx_t a0 = (idx_t)get_group_id(0) * TW, b0 = (idx_t)get_group_id(1) * TW;
    idx_t so = src_off, dof = dst_off;
    row_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    /* Rows b of the tile: U consecutive elements of A each. */
    {
        idx_t a = a0 + (idx_t)lx * U;
        for (int k = 0; k < TW / TY; k++) {
            int r = ly + k * TY;
            idx_t b = b0 + r;
            __global const elem_t *s;
            if (b >= nb)
                continue;
            s = src + so + b * sb + a;
            if (a + U <= na) {
                VSTORE_N(U, VLOAD_N(U, s), &tile[r][lx * U]);
            } else {
                for (int u = 0; u < U && a + u < na; u++)
                    tile[r][lx * U + u] = s[u];
            }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    /* Rows a of dst: U consecutive elements of B each, from a tile column. */
    {
        idx_t b = b0 + (idx_t)lx * U;
        for (int k = 0; k < TW / TY; k++) {
            int r = ly + k * TY;
            idx_t a = a0 + r;
            __global elem_t *d;
            if (a >= na)
                continue;
            d = dst + dof + a * da + b;
            if (b + U <= nb) {
                VSTORE_N(U, COL(&tile[lx * U][r], TW + PAD), d);
            } else {
                for (int u = 0; u < U && b + u < nb; u++)
                    d[u] = tile[lx * U + u][r];
            }
        }
    }
}

/* The same transpose without local memory, for devices that run a
 * work-group as a loop over its work-items (CPUs): each work-item moves a
 * strip of AU x V elements of A (AU units: one vloadV per src row each)
 * by blen elements of B, V x V blocks at a time, each block transposed in
 * registers and stored as V units of V consecutive dst elements (vstoreV).
 * The transpose is
 * log2(V) rounds of "unzip": the even elements of all V rows, then the odd
 * ones; a round rotates the bits of an element's (row, column) index by
 * one, so log2(V) rounds swap row and column. Each round is vector
 * literals of two half-vectors, which compilers turn into shuffles. The
 * rounds are written out on named variables: private arrays indexed in
 * loops stay in memory on PoCL (per work-item copies). Blocks cut by the
 * edges of A or B move element by element. Short transposes (depth-to-space
 * NHWC CRD) give a work-item zpi batch rows, stepped along the innermost
 * batch dim (row_walk, common.cl).
 * Blocks go in runs of BL along B (BL units make a dst line), each run
 * for every unit of A in turn: V dst rows then get a whole line in
 * consecutive stores, which non-temporal stores (NT) need, and the src
 * lines of the run are read while they are in the cache.
 * Options: V (2, 4 or 8 elements: one unit), AU (units of A per
 * work-item), BL (units of B per run), NT. */
#ifdef V
typedef ELEM_VEC(V) vunit_t;

/* Unit k of x..., for k < V. */
#define LOAD_ROW(x, k) vunit_t x##k = VLOAD_N(V, s + (idx_t)(k)*sb)
#define STORE_COL(x, k) VSTORE_STREAM(V, x##k, d + (idx_t)(k)*da)
#define UZE(x, i, j) (vunit_t)(x##i.even, x##j.even)
#define UZO(x, i, j) (vunit_t)(x##i.odd, x##j.odd)

#if V == 2
#define LOADS(x) LOAD_ROW(x, 0); LOAD_ROW(x, 1)
#define STORES(x) STORE_COL(x, 0); STORE_COL(x, 1)
#define ROUND(y, x) vunit_t y##0 = UZE(x, 0, 1), y##1 = UZO(x, 0, 1)
#define TRANSPOSE(x, out) ROUND(out, x)
#elif V == 4
#define LOADS(x) LOAD_ROW(x, 0); LOAD_ROW(x, 1); LOAD_ROW(x, 2); LOAD_ROW(x, 3)
#define STORES(x) STORE_COL(x, 0); STORE_COL(x, 1); STORE_COL(x, 2); STORE_COL(x, 3)
#define ROUND(y, x)                                                                                \
    vunit_t y##0 = UZE(x, 0, 1), y##1 = UZE(x, 2, 3), y##2 = UZO(x, 0, 1), y##3 = UZO(x, 2, 3)
#define TRANSPOSE(x, out) ROUND(x##_1, x); ROUND(out, x##_1)
#elif V == 8
#define LOADS(x)                                                                                   \
    LOAD_ROW(x, 0); LOAD_ROW(x, 1); LOAD_ROW(x, 2); LOAD_ROW(x, 3);                                \
    LOAD_ROW(x, 4); LOAD_ROW(x, 5); LOAD_ROW(x, 6); LOAD_ROW(x, 7)
#define STORES(x)                                                                                  \
    STORE_COL(x, 0); STORE_COL(x, 1); STORE_COL(x, 2); STORE_COL(x, 3);                            \
    STORE_COL(x, 4); STORE_COL(x, 5); STORE_COL(x, 6); STORE_COL(x, 7)
#define ROUND(y, x)                                                                                \
    vunit_t y##0 = UZE(x, 0, 1), y##1 = UZE(x, 2, 3), y##2 = UZE(x, 4, 5), y##3 = UZE(x, 6, 7),    \
            y##4 = UZO(x, 0, 1), y##5 = UZO(x, 2, 3), y##6 = UZO(x, 4, 5), y##7 = UZO(x, 6, 7)
#define TRANSPOSE(x, out) ROUND(x##_1, x); ROUND(x##_2, x##_1); ROUND(out, x##_2)
#else
#error "V must be 2, 4 or 8"
#endif

#ifndef AU
#define AU 1
#endif
#ifndef BL
#define BL 1
#endif
#define BLOCK(a, b)                                                                                \
    do {                                                                                           \
        __global const elem_t *s = src + so + (b)*sb + (a);                                        \
        __global elem_t *d = dst + dof + (a)*da + (b);                                             \
        LOADS(r);                                                                                  \
        TRANSPOSE(r, c);                                                                           \
        STORES(c);                                                                                 \
    } while (0)

/* One work-item's strip of one batch row: AU units of A from a0 by B from
 * b0 to b1. No restrict here: inlined restrict parameters become
 * llvm.experimental.noalias.scope.decl, which Oclgrind 21.10 cannot run
 * (the kernel's own restrict stays). */
static void strip(__global const elem_t *src, idx_t so, __global elem_t *dst, idx_t dof, idx_t na,
                  idx_t nb, idx_t da, idx_t sb, idx_t a0, idx_t b0, idx_t b1)
{
    idx_t b = b0;
    if (a0 + V * AU <= na) {
        for (; b + V * BL <= b1; b += V * BL)
            for (int ai = 0; ai < AU; ai++)
                for (int bb = 0; bb < BL; bb++)
                    BLOCK(a0 + ai * V, b + bb * V);
        for (; b + V <= b1; b += V)
            for (int ai = 0; ai < AU; ai++)
                BLOCK(a0 + ai * V, b);
    }
    /* Whatever is left: a partial strip of A, or the end of B. */
    for (; b < b1; b++)
        for (idx_t a = a0; a < na && a < a0 + V * AU; a++)
            dst[dof + a * da + b] = src[so + b * sb + a];
}

__kernel void transpose_regs(__global const elem_t *restrict src, ulong src_off,
                             __global elem_t *restrict dst, ulong dst_off, idx_t na, idx_t nb,
                             idx_t da, idx_t sb, idx_t blen, idx_t nz, int nbatch, idx8_t bsz,
                             idx8_t bss, idx8_t bds, uint zpi)
{
    idx_t a0 = (idx_t)get_global_id(0) * (V * AU), b0 = (idx_t)get_global_id(1) * blen;
    idx_t b1 = min(b0 + blen, nb), so = src_off, dof = dst_off;
    idx_t z = (idx_t)get_global_id(2) * zpi, z1 = min(z + (idx_t)zpi, nz);
    row_walk w;
    if (a0 >= na || b0 >= nb || z >= nz)
        return;
    row_offsets(z, nbatch, bsz, bss, bds, &so, &dof);
    w = walk_start(z, zpi, nbatch, bsz, bss, bds);
    for (;;) {
        strip(src, so, dst, dof, na, nb, da, sb, a0, b0, b1);
        if (++z >= z1)
            break;
        walk_next(&w, z, nbatch, bsz, bss, bds, (idx_t)src_off, (idx_t)dst_off, &so, &dof);
    }
}
#endif
