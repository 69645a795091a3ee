/* The CPU transpose's 2-byte blocks (16 (A) x 16 or 32 (B), lane
 * interleaves then 8 x 8 transposes; helpers in transpose_regs.cl). */

#if ELEM_SIZE == 2
#define BLOCK_A 16
/* A 16 (A) x 16 (B) block of 2-byte elements into lanes: src rows 2k and
 * 2k + 1 are interleaved so each 32-bit lane holds the pair (2k, 2k + 1) of
 * one A index, then two 8 x 8 transposes of those lanes leave dst row j's 16
 * elements in x[j] (A 0..7) and y[j] (A 8..15 -> dst rows 8..15). */
#define HALF_16X16_AS(AS, s, sb, x, y)                                          \
    do {                                                                       \
        _Pragma("unroll") for (int k = 0; k < 8; k++)                          \
        {                                                                      \
            elem16_t r0 = *(AS const elem16_u *)((s) + 2 * k * (sb));           \
            elem16_t r1 = *(AS const elem16_u *)((s) + (2 * k + 1) * (sb));     \
            PIN(r0);                                                           \
            PIN(r1);                                                           \
            x[k] = as_uint8(ZIP_LO(r0, r1));                                  \
            y[k] = as_uint8(ZIP_HI(r0, r1));                                  \
            PIN(x[k]);                                                         \
            PIN(y[k]);                                                         \
        }                                                                      \
        TRANSPOSE_8X8(x);                                                      \
        TRANSPOSE_8X8(y);                                                      \
    } while (0)
#define HALF_16X16(s, sb, x, y) HALF_16X16_AS(__global, s, sb, x, y)

#if LANE_NET
/* Lanes: vector i holds src row i's 16 elements (A 0..7 and 8..15 in its two
 * lanes); three rounds of in-lane 16-bit unpacks, pairing vectors m and
 * m + 4, transpose each lane's 8 x 8, so a group of 8 src rows gives vector
 * k = dst rows k (lane 0) and k + 8 (lane 1), 8 elements of B each; four
 * groups make the 16 dst lines. */
typedef ushort __attribute__((ext_vector_type(16))) u16x16;
typedef ushort __attribute__((ext_vector_type(16))) __attribute__((aligned(2))) u16x16_u;
#define UNP16_LO(a, b)                                                                     \
    __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 8, 24, 9, 25, 10, 26, 11, 27)
#define UNP16_HI(a, b)                                                                     \
    __builtin_shufflevector(a, b, 4, 20, 5, 21, 6, 22, 7, 23, 12, 28, 13, 29, 14, 30, 15, 31)
#define UNP16_ROUND(x, y)                                                      \
    _Pragma("unroll") for (int m = 0; m < 4; m++)                              \
    {                                                                          \
        y[2 * m] = UNP16_LO(x[m], x[m + 4]);                                   \
        y[2 * m + 1] = UNP16_HI(x[m], x[m + 4]);                               \
    }
/* g[k]: rows 0..7 of s transposed per lane. */
#define LANE_8X8(AS, s, sb, g)                                                 \
    do {                                                                       \
        u16x16 x_[8];                                                          \
        _Pragma("unroll") for (int i = 0; i < 8; i++)                          \
            x_[i] = *(AS const u16x16_u *)((s) + i * (sb));                    \
        UNP16_ROUND(x_, g);                                                    \
        UNP16_ROUND(g, x_);                                                    \
        UNP16_ROUND(x_, g);                                                    \
    } while (0)
#endif

/* One 16 (A) x 16 (B) block, for B extents under a line: 32 bytes per dst
 * row, plain stores (whole non-temporal lines when the rows are exactly 16
 * elements and the block's start is aligned). */
static inline void block_narrow(__global const elem_t *s, idx_t sb, __global elem_t *d,
                                idx_t da)
{
    elem8_t x[8], y[8];
#if LANE_NET
    u16x16 g0[8], g1[8];
    LANE_8X8(__global, s, sb, g0);
    LANE_8X8(__global, s + 8 * sb, sb, g1);
#pragma unroll
    for (int k = 0; k < 8; k++) {
        x[k] = as_uint8(__builtin_shufflevector(g0[k], g1[k], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17,
                                                18, 19, 20, 21, 22, 23));
        y[k] = as_uint8(__builtin_shufflevector(g0[k], g1[k], 8, 9, 10, 11, 12, 13, 14, 15, 24,
                                                25, 26, 27, 28, 29, 30, 31));
    }
#else
    HALF_16X16(s, sb, x, y);
#endif
#if NT
    /* Rows of exactly 16 elements: the block's 16 rows are 512 contiguous
     * bytes, stored as 8 whole lines. */
    if (da == 16 && ((ulong)d) % 64 == 0) {
#pragma unroll
        for (int k = 0; k < 4; k++) {
            __builtin_nontemporal_store((uint16)(x[2 * k], x[2 * k + 1]),
                                        (__global uint16 *)(d + 32 * k));
            __builtin_nontemporal_store((uint16)(y[2 * k], y[2 * k + 1]),
                                        (__global uint16 *)(d + 128 + 32 * k));
        }
        return;
    }
#endif
#pragma unroll
    for (int j = 0; j < 8; j++) {
        *(__global elem16_u *)(d + j * da) = as_ushort16(x[j]);
        *(__global elem16_u *)(d + (j + 8) * da) = as_ushort16(y[j]);
    }
}

/* One 16 (A) x 32 (B) block, dst row j's 32 elements (one 64-byte line)
 * to STORE(j, line); from global memory or from a private stage. */
#define BLOCK_B 32
#if LANE_NET
#define BLOCK_LINES_AS(AS, s, sb, STORE)                                                   \
    do {                                                                                   \
        u16x16 g0[8], g1[8], g2[8], g3[8];                                                 \
        LANE_8X8(AS, s, sb, g0);                                                           \
        LANE_8X8(AS, (s) + 8 * (sb), sb, g1);                                              \
        LANE_8X8(AS, (s) + 16 * (sb), sb, g2);                                             \
        LANE_8X8(AS, (s) + 24 * (sb), sb, g3);                                             \
        _Pragma("unroll") for (int k = 0; k < 8; k++)                                      \
        {                                                                                  \
            STORE(k, ((uint16)(as_uint4(g0[k].lo), as_uint4(g1[k].lo), as_uint4(g2[k].lo), \
                               as_uint4(g3[k].lo))));                                      \
            STORE(k + 8, ((uint16)(as_uint4(g0[k].hi), as_uint4(g1[k].hi),                 \
                                   as_uint4(g2[k].hi), as_uint4(g3[k].hi))));              \
        }                                                                                  \
    } while (0)
#else
/* Elsewhere: two 16 x 16 halves along B. */
#define BLOCK_LINES_AS(AS, s, sb, STORE)                                           \
    do {                                                                           \
        elem8_t x0[8], y0[8], x1[8], y1[8];                                        \
        HALF_16X16_AS(AS, s, sb, x0, y0);                                          \
        HALF_16X16_AS(AS, (s) + 16 * (sb), sb, x1, y1);                            \
        _Pragma("unroll") for (int j = 0; j < 8; j++)                              \
        {                                                                          \
            STORE(j, ((uint16)(x0[j], x1[j])));                                    \
            STORE(j + 8, ((uint16)(y0[j], y1[j])));                                \
        }                                                                          \
    } while (0)
#endif
#endif
