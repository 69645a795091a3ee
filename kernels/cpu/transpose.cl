/* The CPU tier's transpose of the copy engine (definitions in
 * transpose_common.cl, register blocks in transpose_regs/b4/b2/b1/blocks.cl). The
 * portable tier's local-memory tile is kernels/portable/transpose.cl. */

/* Register blocks (CPUs): a work-item owns lena A elements (a multiple of 8;
 * the blocks step by BLOCK_A, the rest goes to the edge loops) by len B
 * elements (a multiple of BLOCK_B, or 16 for B bands narrower than a line);
 * each block gives BLOCK_A dst rows one 64-byte line each, stored
 * non-temporally when every line is aligned.
 * - tile == 0: with b_first its A block index is get_global_id(1) and its B
 *   block index get_global_id(0) (neighbouring work-items take neighbouring
 *   B blocks and walk A inside), otherwise the reverse (neighbours take
 *   neighbouring A blocks and walk B).
 * - tile > 0 (short src rows): A index get_global_id(0), B get_global_id(1);
 *   B is walked in tiles of `tile` rows, A blocks outer inside a tile (each
 *   dst row grows by `tile` elements in a row), and while one tile is
 *   transposed the next tile's src lines are prefetched, spread over its
 *   blocks: the loads then find their lines cached instead of waiting on
 *   memory one stream at a time. Unaligned dst rows go through a funnel
 *   (shifted_line), so their lines too are stored whole and
 *   non-temporally.
 * The edges use bounds-checked loops. The three shapes are the functions
 * below; d is dst plus the batch's offset. */

/* Elements [a_lo, a_hi) x [b_lo, b_hi) one at a time: the edges. */
static inline void reg_edge(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da,
                            idx_t a_lo, idx_t a_hi, idx_t b_lo, idx_t b_hi)
{
    for (idx_t a = a_lo; a < a_hi; a++)
        for (idx_t b = b_lo; b < b_hi; b++)
            d[a * da + b] = s[b * sb + a];
}

/* B bands narrower than a line: 16-wide blocks. */
static inline void reg_narrow(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da,
                              idx_t a0, idx_t af, idx_t b0, idx_t be)
{
    idx_t bf = b0 + (be - b0) / 16 * 16, a = a0;
#ifdef NARROW_S
    /* Staged where 16 rows fill a set of the 8-way L1 (pitches of a
     * multiple of 2 KiB); elsewhere the direct blocks measured as fast. */
    for (; (sb * ELEM_SIZE) % 2048 == 0 && a + NARROW_S <= af; a += NARROW_S)
        for (idx_t b = b0; b < bf; b += 16)
            block_narrow_staged(s + b * sb + a, sb, d + a * da + b, da);
#endif
    for (; a < af; a += BLOCK_A)
        for (idx_t b = b0; b < bf; b += 16)
            block_narrow(s + b * sb + a, sb, d + a * da + b, da);
    reg_edge(s, sb, d, da, a0, af, bf, be);
}

/* Line-wide B bands (tile == 0), A walked inside (b_first) or B. */
static inline void reg_band(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da,
                            idx_t a0, idx_t af, idx_t ae, idx_t na, idx_t b0, idx_t be,
                            int b_first, int nt)
{
    idx_t bf = b0 + (be - b0) / BLOCK_B * BLOCK_B, a = a0;
    if (!b_first) {
        for (idx_t b = b0; b < bf; b += BLOCK_B)
            for (a = a0; a < af; a += BLOCK_A)
                block_line(s + b * sb + a, sb, d + a * da + b, da, nt);
        reg_edge(s, sb, d, da, a0, af, bf, be);
        return;
    }
#ifdef BLOCK_S
    /* Staged where 64 rows fill a set of the L1 (pitches of a multiple of
     * 512 bytes; elsewhere the direct blocks measured 5% faster, 3136 x 1024
     * bytes: 0.45 against 0.42), A outer and the band's B blocks inner, so
     * each dst row gets the band's lines in a row. Each block prefetches its
     * successor: the next B block, else the first at the next A (past this
     * work-item's A range, up to na: the next work-item of the same
     * work-group continues there). */
    if ((sb * ELEM_SIZE) % 512 == 0)
        for (; a + BLOCK_S <= af; a += BLOCK_S)
            for (idx_t b = b0; b < bf; b += BLOCK_B) {
                __global const elem_t *pn =
                    b + BLOCK_B < bf ? s + (b + BLOCK_B) * sb + a
                    : a + 2 * BLOCK_S <= na ? s + b0 * sb + a + BLOCK_S
                                            : s + b * sb + a;
                block_staged(s + b * sb + a, sb, d + a * da + b, da, nt, pn);
            }
#endif
#ifdef BLOCK_W
    for (; a + BLOCK_W <= af; a += BLOCK_W)
        for (idx_t b = b0; b < bf; b += BLOCK_B) {
            PREFETCH_BAND(s + b * sb, sb, BLOCK_B, a, ae);
            block_line_wide(s + b * sb + a, sb, d + a * da + b, da, nt);
        }
#endif
    for (; a < af; a += BLOCK_A)
        for (idx_t b = b0; b < bf; b += BLOCK_B) {
            if ((a - a0) % (64 / ELEM_SIZE) == 0)
                PREFETCH_BAND(s + b * sb, sb, BLOCK_B, a, ae);
            block_line(s + b * sb + a, sb, d + a * da + b, da, nt);
        }
    reg_edge(s, sb, d, da, a0, af, bf, be);
}

/* Prefetch n lines of the next tile, from the cursor (line pc of row). */
#define PREFETCH_NEXT(n)                                                           \
    for (idx_t i_ = 0; i_ < (n) && k < lines; i_++, k++) {                         \
        PREFETCH(row + pc * (64 / ELEM_SIZE));                                     \
        if (++pc == row_lines)                                                     \
            pc = 0, row += sb;                                                     \
    }

/* The tiled walk (tile > 0): all of [a0, af), B in tiles. */
static inline void reg_walk(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da,
                            idx_t a0, idx_t af, idx_t ae, idx_t b0, idx_t be, idx_t tile)
{
    /* Lines per src row of a tile, and the next tile's prefetch cursor. */
    idx_t row_lines = ((ae - a0) * ELEM_SIZE + 63) / 64;
    row_lines += (sb * ELEM_SIZE) % 64 != 0 || ((ulong)(s + a0)) % 64 != 0;
#if SHIFTED
    /* Unaligned dst rows: each row's funnel runs on from one tile into the
     * next (tiles are whole blocks, so a row's offset within its lines is
     * the same in every tile), with up to CARRY_BLOCKS A blocks' carries
     * kept; otherwise every tile stores its rows' partial head and tail
     * lines element by element. fp16 NHWC -> NCHW C = 256 at 362 x 362
     * (tiles of 128 rows): 13.2 -> 9.4 ms, 0.23 -> 0.35 of the copy. */
#define CARRY_BLOCKS 16
    uint16 carry_all[CARRY_BLOCKS][BLOCK_A];
    int cross = (af - a0) / BLOCK_A <= CARRY_BLOCKS;
#endif
    for (idx_t t0 = b0; t0 < be; t0 += tile) {
        idx_t t1 = min(t0 + tile, be), tf = t0 + (t1 - t0) / BLOCK_B * BLOCK_B;
        /* Each tile's own alignment (the host's tiles are whole lines, but
         * a tile that is not would fall back, not misalign). */
        int nt = NT && (da * ELEM_SIZE) % 64 == 0 && ((ulong)(d + a0 * da + t0)) % 64 == 0;
        idx_t n1 = min(t1 + tile, be), lines = (n1 - t1) * row_lines;
        idx_t blocks = (af - a0) / BLOCK_A * ((tf - t0) / BLOCK_B);
        idx_t per = blocks ? (lines + blocks - 1) / blocks : 0, pc = 0, k = 0;
        __global const elem_t *row = s + t1 * sb + a0;
        idx_t a = a0;
#ifdef BLOCK_W
        /* Aligned rows: wide blocks, each taking twice the prefetches. */
        if (nt)
            for (; a + BLOCK_W <= af; a += BLOCK_W)
                for (idx_t b = t0; b < tf; b += BLOCK_B) {
                    PREFETCH_NEXT(2 * per);
                    block_line_wide(s + b * sb + a, sb, d + a * da + b, da, nt);
                }
#endif
        for (int ai = 0; a < af; a += BLOCK_A, ai++) {
#if SHIFTED
            uint16 carry_own[BLOCK_A];
            uint16 *carry = cross ? carry_all[ai] : carry_own;
            /* The first block of the run stores its heads, the last tile
             * (or each, without the carry) its tails. */
            int head = !cross || t0 == b0, tail = !cross || t1 == be || tf < t1;
            uint m[BLOCK_A];
            if (!nt)
                for (int j = 0; j < BLOCK_A; j++)
                    m[j] = (uint)((ulong)(d + (a + j) * da + t0) % 64);
            if (!nt) {
                /* Unaligned rows: the blocks' lines alternate between two
                 * buffers, each row's line completed from its previous one
                 * (the other buffer; carry at the tile's start), one line at
                 * a time in a loop. Stored from the block's registers with
                 * the previous lines copied to the carry, fp16 at 724 x 724
                 * C = 64 ran at 7.1 ms, now 5.4 (the aligned path at
                 * 512 K x 64: 4.6); unrolled, 6.5. */
                uint16 buf[2][BLOCK_A];
                int cur = 0;
                for (int j = 0; j < BLOCK_A; j++)
                    buf[1][j] = carry[j];
                for (idx_t b = t0; b < tf; b += BLOCK_B, cur ^= 1) {
                    PREFETCH_NEXT(per);
                    block_rows(s + b * sb + a, sb, buf[cur]);
#pragma nounroll
                    for (int j = 0; j < BLOCK_A; j++)
                        shifted_line(buf[cur][j], buf[cur ^ 1][j], d + (a + j) * da + b,
                                     b == t0 && head, m[j]);
                }
                for (int j = 0; j < BLOCK_A; j++)
                    carry[j] = buf[cur ^ 1][j];
            } else
#endif
                for (idx_t b = t0; b < tf; b += BLOCK_B) {
                    PREFETCH_NEXT(per);
                    block_line(s + b * sb + a, sb, d + a * da + b, da, nt);
                }
#if SHIFTED
            /* A run's tail: at tf, after this tile's blocks or (a last tile
             * shorter than a block) the previous tile's. */
            if (!nt && tail && (tf > t0 || !head))
                for (int j = 0; j < BLOCK_A; j++)
                    if (m[j])
                        store_part(carry[j], 64 - m[j], 64,
                                   d + (a + j) * da + tf - m[j] / ELEM_SIZE);
#endif
        }
        reg_edge(s, sb, d, da, a0, af, tf, t1);
    }
}

__kernel void transpose_reg(TRANSPOSE_ARGS, idx_t lena, int b_first, idx_t tile)
{
    int walk = tile > 0, by_b = b_first && !walk;
    idx_t g0 = (idx_t)get_global_id(0), g1 = (idx_t)get_global_id(1);
    idx_t a0 = (by_b ? g1 : g0) * lena, b0 = (by_b ? g0 : g1) * len;
    idx_t so = src_off, dof = dst_off, ae, be, af;
    __global elem_t *d;
    if (a0 >= na || b0 >= nb)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    ae = min(a0 + lena, na), be = min(b0 + len, nb);
    af = a0 + (ae - a0) / BLOCK_A * BLOCK_A;
    d = dst + dof;
    if (walk)
        reg_walk(src + so, sb, d, da, a0, af, ae, b0, be, tile);
    else if (len < BLOCK_B)
        reg_narrow(src + so, sb, d, da, a0, af, b0, be);
    else
        reg_band(src + so, sb, d, da, a0, af, ae, na, b0, be, b_first,
                 NT && (da * ELEM_SIZE) % 64 == 0 && ((ulong)(d + a0 * da + b0)) % 64 == 0);
    reg_edge(src + so, sb, d, da, af, ae, b0, be);
}
