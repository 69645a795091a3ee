/* Portable transpose through a local-memory tile (definitions in
 * common.cl). The canonical pair has a dim A contiguous in src (na
 * elements, dst stride da) and a dim B contiguous in dst (nb elements, src
 * stride sb), plus up to 8 batch dims (get_global_id(2)).
 *
 * A work-group (TX, TY) moves `tiles` tiles of TW x TW elements, TW = TX *
 * U, one after the other along B (an argument: 1 on GPUs; on CPUs, where a
 * work-group is a task, enough for tens of KiB per group). For each tile,
 * each work-item reads U consecutive src elements (vloadU) of TW / TY rows
 * of B into the tile, then, after a barrier, writes U consecutive dst
 * elements (vstoreU) of TW / TY rows of A, gathered from a tile column.
 * Consecutive work-items read consecutive src units and store consecutive
 * dst units: both sides are coalesced. The tile is padded by PAD elements
 * per row against bank conflicts on the column reads. The host picks 4-byte
 * units on GPUs (U = 4 / ELEM_SIZE, at least 1) and 16-byte units on CPUs.
 * Options: TX, TY, U, PAD. */
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
               idx_t na, idx_t nb, idx_t da, idx_t sb, int tiles, int nbatch, idx8_t bsz,
               idx8_t bss, idx8_t bds)
{
    __local elem_t tile[TW][TW + PAD]; /* tile[b][a] */
    int lx = get_local_id(0), ly = get_local_id(1);
    idx_t a0 = (idx_t)get_group_id(0) * TW, so = src_off, dof = dst_off;
    row_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    for (int t = 0; t < tiles; t++) {
        idx_t b0 = ((idx_t)get_group_id(1) * tiles + t) * TW;
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
        /* Rows a of dst: U consecutive elements of B each, from a tile
         * column. */
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
        /* The next tile overwrites this one. */
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}
