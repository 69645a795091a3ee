/* The CPU transpose's 1-byte blocks (16 (A) x 16 or 64 (B), byte and
 * 16-bit interleaves then 8 x 8 transposes, AVX2 lane rounds; helpers in
 * transpose_regs.cl). */

#if ELEM_SIZE == 1
#define BLOCK_A 16
/* 16-bit interleave of two ZIP_LO / ZIP_HI results, as a constant clang
 * shuffle where available (punpck on x86), else shuffle2. */
#if CLS_SHUFFLEVECTOR
#define ZIP16(x, y)                                                                        \
    __builtin_shufflevector(x, y, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15)
#else
#define ZIP16(x, y)                                                                        \
    shuffle2(x, y, (ushort16)(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15))
#endif

/* A 16 (A) x 16 (B) block of 1-byte elements into lanes: src rows 4k ..
 * 4k + 3 are interleaved (bytes of row pairs, then 16-bit pairs) so each
 * 32-bit lane holds the quad (4k .. 4k + 3) of one A index; rows 0..3 of the
 * 8 x 8 transpose hold A 0..7 of the four quads, rows 4..7 A 8..15, so its
 * row j is dst row j (low half) and dst row j + 8 (high half), 16 bytes
 * each. */
#define QUAD_16X16_AS(AS, s, sb, x)                                                  \
    do {                                                                       \
        _Pragma("unroll") for (int k = 0; k < 4; k++)                          \
        {                                                                      \
            AS const elem_t *p_ = (s) + 4 * k * (sb);                    \
            elem16_t r0 = *(AS const elem16_u *)p_;                       \
            elem16_t r1 = *(AS const elem16_u *)(p_ + (sb));              \
            elem16_t r2 = *(AS const elem16_u *)(p_ + 2 * (sb));          \
            elem16_t r3 = *(AS const elem16_u *)(p_ + 3 * (sb));          \
            PIN(r0);                                                           \
            PIN(r1);                                                           \
            PIN(r2);                                                           \
            PIN(r3);                                                           \
            ushort8 l01 = as_ushort8(ZIP_LO(r0, r1)), h01 = as_ushort8(ZIP_HI(r0, r1)); \
            ushort8 l23 = as_ushort8(ZIP_LO(r2, r3)), h23 = as_ushort8(ZIP_HI(r2, r3)); \
            x[k] = as_uint8(ZIP16(l01, l23));                                  \
            x[k + 4] = as_uint8(ZIP16(h01, h23));                              \
            PIN(x[k]);                                                         \
            PIN(x[k + 4]);                                                     \
        }                                                                      \
        TRANSPOSE_8X8(x);                                                      \
    } while (0)
#define QUAD_16X16(s, sb, x) QUAD_16X16_AS(__global, s, sb, x)

/* AVX2 lanes: 16 x 16 byte transposes two at a time, one per 128-bit lane
 * of a 32-byte vector. Four rounds of the same in-lane byte unpack, pairing
 * vectors m and m + 8 (round output 2m, 2m + 1 the low and high unpack of
 * inputs m, m + 8), transpose each lane. */
#if LANE_NET
typedef uchar __attribute__((ext_vector_type(32))) u8x32;
typedef uchar __attribute__((ext_vector_type(16))) __attribute__((aligned(1))) u8x16_u;
#define UNP_LO(a, b)                                                                       \
    __builtin_shufflevector(a, b, 0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, \
                            16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55)
#define UNP_HI(a, b)                                                                       \
    __builtin_shufflevector(a, b, 8, 40, 9, 41, 10, 42, 11, 43, 12, 44, 13, 45, 14, 46,   \
                            15, 47, 24, 56, 25, 57, 26, 58, 27, 59, 28, 60, 29, 61, 30,   \
                            62, 31, 63)
#define UNP_ROUND(x, y)                                                        \
    _Pragma("unroll") for (int m = 0; m < 8; m++)                              \
    {                                                                          \
        y[2 * m] = UNP_LO(x[m], x[m + 8]);                                     \
        y[2 * m + 1] = UNP_HI(x[m], x[m + 8]);                                 \
    }
/* Four rounds: each lane of x[0..15] transposed as a 16 x 16 byte matrix. */
#define LANE_ROUNDS(x, y)                                                      \
    do {                                                                       \
        UNP_ROUND(x, y);                                                       \
        UNP_ROUND(y, x);                                                       \
        UNP_ROUND(x, y);                                                       \
        UNP_ROUND(y, x);                                                       \
    } while (0)
/* x[i] = rows i and i + 16 of s (16 bytes each), transposed per lane. */
#define LANE_16X16(AS, s, sb, x)                                               \
    do {                                                                       \
        u8x32 y_[16];                                                          \
        _Pragma("unroll") for (int i = 0; i < 16; i++)                         \
            x[i] = __builtin_shufflevector(                                    \
                *(AS const u8x16_u *)((s) + i * (sb)),                         \
                *(AS const u8x16_u *)((s) + (i + 16) * (sb)), 0, 1, 2, 3, 4, 5, \
                6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, \
                23, 24, 25, 26, 27, 28, 29, 30, 31);                           \
        LANE_ROUNDS(x, y_);                                                    \
    } while (0)
#endif

/* One 16 (A) x 16 (B) block, for B extents under a line: 16 bytes per dst
 * row, plain stores (whole non-temporal lines when the rows are exactly 16
 * bytes and the block's start is aligned). */
/* The 16 dst rows of a 16 x 16 block (x from QUAD_16X16) at d. */
static inline void narrow_store(const elem8_t *x, __global elem_t *d, idx_t da)
{
#if NT
    /* Rows of exactly 16 bytes: the block's 16 rows are 256 contiguous
     * bytes, stored as 4 whole lines. */
    if (da == 16 && ((ulong)d) % 64 == 0) {
#pragma unroll
        for (int k = 0; k < 2; k++) {
            __builtin_nontemporal_store(
                (uint16)(x[4 * k].lo, x[4 * k + 1].lo, x[4 * k + 2].lo, x[4 * k + 3].lo),
                (__global uint16 *)(d + 64 * k));
            __builtin_nontemporal_store(
                (uint16)(x[4 * k].hi, x[4 * k + 1].hi, x[4 * k + 2].hi, x[4 * k + 3].hi),
                (__global uint16 *)(d + 128 + 64 * k));
        }
        return;
    }
#endif
#pragma unroll
    for (int j = 0; j < 8; j++) {
        *(__global elem16_u *)(d + j * da) = as_uchar16(x[j].lo);
        *(__global elem16_u *)(d + (j + 8) * da) = as_uchar16(x[j].hi);
    }
}

static inline void block_narrow(__global const elem_t *s, idx_t sb, __global elem_t *d,
                                idx_t da)
{
    elem8_t x[8];
    QUAD_16X16(s, sb, x);
    narrow_store(x, d, da);
}

/* Four 16 x 16 blocks along A through a private stage: the 16 src rows'
 * whole lines first, then the blocks from the stage (src rows whose pitch
 * aliases in the L1 lose a line between the four 16-byte reads of it). */
#define NARROW_S 64
static inline void block_narrow_staged(__global const elem_t *s, idx_t sb, __global elem_t *d,
                                       idx_t da)
{
    uchar st[16 * 64] __attribute__((aligned(64)));
    for (int i = 0; i < 16; i++) {
        __global const elem16_u *r = (__global const elem16_u *)(s + i * sb);
        elem16_t v0 = r[0], v1 = r[1], v2 = r[2], v3 = r[3];
        *(elem16_t *)(st + i * 64) = v0;
        *(elem16_t *)(st + i * 64 + 16) = v1;
        *(elem16_t *)(st + i * 64 + 32) = v2;
        *(elem16_t *)(st + i * 64 + 48) = v3;
    }
#if LANE_NET
    /* Two 16 x 32 halves, each 32-byte stage row one vector: lane 0 gives
     * dst rows 0..15 of the half, lane 1 rows 16..31. */
    for (int c = 0; c < 2; c++) {
        u8x32 x[16], y[16];
        __global elem_t *dc = d + 32 * c * da;
#pragma unroll
        for (int i = 0; i < 16; i++)
            x[i] = *(const u8x32 *)(st + i * 64 + 32 * c);
        LANE_ROUNDS(x, y);
#if NT
        if (da == 16 && ((ulong)dc) % 64 == 0) {
#pragma unroll
            for (int l = 0; l < 4; l++) {
                __builtin_nontemporal_store(
                    (uint16)(as_uint4(x[4 * l].lo), as_uint4(x[4 * l + 1].lo),
                             as_uint4(x[4 * l + 2].lo), as_uint4(x[4 * l + 3].lo)),
                    (__global uint16 *)(dc + 64 * l));
                __builtin_nontemporal_store(
                    (uint16)(as_uint4(x[4 * l].hi), as_uint4(x[4 * l + 1].hi),
                             as_uint4(x[4 * l + 2].hi), as_uint4(x[4 * l + 3].hi)),
                    (__global uint16 *)(dc + 256 + 64 * l));
            }
            continue;
        }
#endif
#pragma unroll
        for (int k = 0; k < 16; k++) {
            *(__global elem16_u *)(dc + k * da) = as_uchar16(x[k].lo);
            *(__global elem16_u *)(dc + (k + 16) * da) = as_uchar16(x[k].hi);
        }
    }
#else
    for (int q = 0; q < 4; q++) {
        elem8_t x[8];
        const uchar *p = st + 16 * q;
        QUAD_16X16_AS(, p, 64, x);
        narrow_store(x, d + 16 * q * da, da);
    }
#endif
}

/* One 16 (A) x 64 (B) block, dst row j's 64 bytes (one line) to
 * STORE(j, line); from global memory or from a private stage. */
#define BLOCK_B 64
#if LANE_NET
/* Lanes: vector i holds src rows i and i + 16 (then i + 32 and i + 48), so
 * after the rounds vector k of the first network is dst row k's bytes 0..31
 * and of the second its bytes 32..63, with no shuffle to assemble the line:
 * 128 unpacks and 32 inserts per 1 KiB block, against about 350 shuffles
 * for the four quarters below. u8
 * NHWC -> NCHW C = 64 (1 M x 64 bytes, the tiled walk): 0.61 -> 0.72 of the
 * copy; NCHW -> NHWC C = 64 (the stage): 0.57 -> 0.65, in one process. */
#define BLOCK_LINES_AS(AS, s, sb, STORE)                                                   \
    do {                                                                                   \
        u8x32 xa[16], xb[16];                                                              \
        LANE_16X16(AS, s, sb, xa);                                                         \
        LANE_16X16(AS, (s) + 32 * (sb), sb, xb);                                           \
        _Pragma("unroll") for (int k = 0; k < 16; k++) STORE(k, as_uint16(                 \
            __builtin_shufflevector(xa[k], xb[k], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, \
                                    13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,   \
                                    26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38,   \
                                    39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,   \
                                    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63)));    \
    } while (0)
#else
/* Elsewhere: four 16 x 16 quarters along B. */
#define BLOCK_LINES_AS(AS, s, sb, STORE)                                           \
    do {                                                                           \
        elem8_t x0[8], x1[8], x2[8], x3[8];                                        \
        QUAD_16X16_AS(AS, s, sb, x0);                                              \
        QUAD_16X16_AS(AS, (s) + 16 * (sb), sb, x1);                                \
        QUAD_16X16_AS(AS, (s) + 32 * (sb), sb, x2);                                \
        QUAD_16X16_AS(AS, (s) + 48 * (sb), sb, x3);                                \
        _Pragma("unroll") for (int j = 0; j < 8; j++)                              \
        {                                                                          \
            STORE(j, ((uint16)(x0[j].lo, x1[j].lo, x2[j].lo, x3[j].lo)));          \
            STORE(j + 8, ((uint16)(x0[j].hi, x1[j].hi, x2[j].hi, x3[j].hi)));      \
        }                                                                          \
    } while (0)
#endif
#endif
