/* Portable transpose through a local-memory tile (definitions in
 * common.cl). The canonical pair has a dim A contiguous in src (na
 * elements, dst stride da) and a dim B contiguous in dst (nb elements, src
 * stride sb), plus up to 8 batch dims (get_global_id(2)).
 *
 * A work-group (TX, TY) moves a TW x TW tile, TW = TX * U (TY divides TW):
 * each work-item reads U consecutive src elements of a row of B (vloadU),
 * TW / TY rows (a loop of constant count),
 * then writes U consecutive dst elements (vstoreU) of TW / TY rows of A, so
 * both sides are coalesced in units of U elements (U = 4 / ELEM_SIZE, at
 * least 1: 4-byte units). The tile is padded by PAD elements per row
 * against bank conflicts on the column reads. Options: TX, TY, U, PAD. */
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
#define LOAD_UNIT(p) VLOAD_N(U, p)
#define STORE_UNIT(v, p) VSTORE_N(U, v, p)

__kernel __attribute__((reqd_work_group_size(TX, TY, 1))) void transpose_tile(
    __global const elem_t *src, ulong src_off, __global elem_t *dst, ulong dst_off, idx_t na,
    idx_t nb, idx_t da, idx_t sb, int nbatch, idx8_t bsz, idx8_t bss, idx8_t bds)
{
    __local elem_t tile[TW][TW + PAD];
    int lx = get_local_id(0), ly = get_local_id(1);
    idx_t a0 = (idx_t)get_group_id(0) * TW, b0 = (idx_t)get_group_id(1) * TW;
    idx_t so = src_off, dof = dst_off;
    idx_t a = a0 + (idx_t)lx * U;
    row_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    /* Rows b of the tile: U consecutive elements of A each. */
    for (int k = 0; k < TW / TY; k++) {
        int r = ly + k * TY;
        idx_t b = b0 + r;
        if (b >= nb)
            continue;
        __global const elem_t *s = src + so + b * sb + a;
        if (a + U <= na) {
#if U == 1
            tile[r][lx] = *s;
#else
            elem_t e[U];
            STORE_UNIT(LOAD_UNIT(s), e);
            for (int u = 0; u < U; u++)
                tile[r][lx * U + u] = e[u];
#endif
        } else {
            for (int u = 0; u < U && a + u < na; u++)
                tile[r][lx * U + u] = s[u];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    /* Rows a of dst: U consecutive elements of B each, from a tile column. */
    {
        idx_t b = b0 + (idx_t)lx * U;
        for (int k = 0; k < TW / TY; k++) {
            int r = ly + k * TY;
            idx_t ar = a0 + r;
            if (ar >= na)
                continue;
            __global elem_t *d = dst + dof + ar * da + b;
            if (b + U <= nb) {
#if U == 1
                *d = tile[lx][r];
#else
                elem_t e[U];
                for (int u = 0; u < U; u++)
                    e[u] = tile[lx * U + u][r];
                STORE_UNIT(LOAD_UNIT(e), d);
#endif
            } else {
                for (int u = 0; u < U && b + u < nb; u++)
                    d[u] = tile[lx * U + u][r];
            }
        }
    }
}
