/* The register blocks of the copy engine's CPU transposes (transpose_reg in
 * transpose.cl; definitions in transpose_common.cl): per element size, a
 * block of BLOCK_A dst rows by BLOCK_B src rows transposed in registers,
 * its dst lines stored whole and non-temporally where they align. */

/* Prefetch the line holding *p into the cache (x86; elsewhere a hint the
 * compiler may drop). */
#if CLS_X86_64
#define PREFETCH(p) __asm__ volatile("prefetcht0 %0" : : "m"(*(p)))
#define PREFETCH_L2(p) __asm__ volatile("prefetcht1 %0" : : "m"(*(p)))
#else
#define PREFETCH(p) prefetch((p), 1)
#define PREFETCH_L2(p) prefetch((p), 1)
#endif

/* In-lane transposes (LANE_NET): on AVX2 a 32-byte vector is two 128-bit
 * lanes that most shuffles treat separately; a square transpose done by
 * rounds of in-lane unpacks runs two independent blocks at once, one per
 * lane, at a third to a half of the shuffles of a full-width one. clang's
 * __builtin_shufflevector on x86-64 with AVX2 (PoCL's CPU device); others
 * keep the portable blocks. */
#if CLS_SHUFFLEVECTOR && CLS_X86_64 && CLS_AVX2
#define LANE_NET 1
#else
#define LANE_NET 0
#endif

/* Line stores for the blocks' STORE(j, line) callbacks: dst row j of the
 * block at d_q, non-temporal (aligned rows) or plain. */
#define STORE_NT(j, v) __builtin_nontemporal_store(v, (__global uint16 *)(d_q + (j) * da))
#define STORE_PLAIN(j, v) *(__global line_u *)(d_q + (j) * da) = (v)

typedef VEC_T(4) elem4_t;
typedef VEC_T(4) __attribute__((aligned(ELEM_SIZE))) elem4_u;
#define LOAD4(p) (*(__global const elem4_u *)(p))

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

#if ELEM_SIZE <= 4
/* 32-bit lanes: one element each (4-byte elements), two (2-byte) or four
 * (1-byte). */
typedef uint8 elem8_t;
/* A 64-byte line in 32-bit lanes, element aligned. */
typedef uint16 __attribute__((aligned(ELEM_SIZE))) line_u;

/* On x86 CPUs an empty asm statement pins a value in a register. Applied to
 * every loaded row and every butterfly output, it stops LLVM from merging
 * the loads and the three stages into per-element inserts and blends (with
 * spills), which measured two to three times slower on PoCL. */
#if CLS_X86_64 && CLS_AVX2
#define PIN(v) __asm__("" : "+x"(v))
#else
#define PIN(v) (void)0
#endif

/* One butterfly step of the 8 x 8 transpose: rows x and y exchange their
 * 4-lane halves (masks M4), 2-lane pairs (M2) or single lanes (M1). */
#define BFLY(x, y, m0, m1)                                                  \
    do {                                                                    \
        elem8_t lo_ = shuffle2(x, y, m0), hi_ = shuffle2(x, y, m1);         \
        PIN(lo_);                                                           \
        PIN(hi_);                                                           \
        x = lo_, y = hi_;                                                   \
    } while (0)
#define M4A (uint8)(0, 1, 2, 3, 8, 9, 10, 11)
#define M4B (uint8)(4, 5, 6, 7, 12, 13, 14, 15)
#define M2A (uint8)(0, 1, 8, 9, 4, 5, 12, 13)
#define M2B (uint8)(2, 3, 10, 11, 6, 7, 14, 15)
#define M1A (uint8)(0, 8, 2, 10, 4, 12, 6, 14)
#define M1B (uint8)(1, 9, 3, 11, 5, 13, 7, 15)

/* In-place 8 x 8 transpose of the array r[0..7] (one 256-bit register per
 * row on AVX2, so the 24 shuffles stay in registers): three butterfly
 * stages. A macro, so the array never goes through memory. */
#define TRANSPOSE_8X8(r)                                                     \
    do {                                                                     \
        BFLY(r[0], r[4], M4A, M4B);                                          \
        BFLY(r[1], r[5], M4A, M4B);                                          \
        BFLY(r[2], r[6], M4A, M4B);                                          \
        BFLY(r[3], r[7], M4A, M4B);                                          \
        BFLY(r[0], r[2], M2A, M2B);                                          \
        BFLY(r[1], r[3], M2A, M2B);                                          \
        BFLY(r[4], r[6], M2A, M2B);                                          \
        BFLY(r[5], r[7], M2A, M2B);                                          \
        BFLY(r[0], r[1], M1A, M1B);                                          \
        BFLY(r[2], r[3], M1A, M1B);                                          \
        BFLY(r[4], r[5], M1A, M1B);                                          \
        BFLY(r[6], r[7], M1A, M1B);                                          \
    } while (0)

#if ELEM_SIZE <= 2
/* Interleave of two 16-element rows (low or high 8 elements of each): a
 * constant clang shuffle where available (PoCL's shuffle2 for 16-bit lanes
 * measured four times slower), else shuffle2. */
#if CLS_SHUFFLEVECTOR
#define ZIP_LO(x, y)                                                                       \
    __builtin_shufflevector(x, y, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
#define ZIP_HI(x, y)                                                                       \
    __builtin_shufflevector(x, y, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
#else
#define ZIP_LO(x, y)                                                                       \
    shuffle2(x, y, (VEC_T(16))(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23))
#define ZIP_HI(x, y)                                                                       \
    shuffle2(x, y, (VEC_T(16))(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31))
#endif
#endif

#if ELEM_SIZE == 4
#define BLOCK_A 8
#define BLOCK_B 16
typedef uint8 __attribute__((aligned(4))) elem8_u;
/* One 8 (A) x 16 (B) block as two 8 x 8 transposes: dst row j's 16
 * elements (one 64-byte line) in out[j]. */
static inline void block_rows(__global const elem_t *s, idx_t sb, uint16 *out)
{
    elem8_t x[8], y[8];
#pragma unroll
    for (int i = 0; i < 8; i++) {
        x[i] = *(__global const elem8_u *)(s + i * sb);
        y[i] = *(__global const elem8_u *)(s + (i + 8) * sb);
        PIN(x[i]);
        PIN(y[i]);
    }
    TRANSPOSE_8X8(x);
    TRANSPOSE_8X8(y);
#pragma unroll
    for (int j = 0; j < 8; j++)
        out[j] = (uint16)(x[j], y[j]);
}

/* Two blocks side by side, 16 (A) x 16 (B), reading whole src lines: rows
 * 0..7 (both halves of their lines), then rows 8..15. When src rows alias in
 * the cache (pitches of a multiple of 4 KiB, as in 512 x 512 NCHW planes),
 * a line read half by one 8-wide block has left the 8-way L1 before the next
 * block reads its other half; read whole, fp32 NCHW -> NHWC C = 64 went
 * from 0.72 to 0.81 of the copy, and the tiled walk at C = 64 from 0.73 to
 * 0.86. */
#define BLOCK_W 16
static inline void block_line_wide(__global const elem_t *s, idx_t sb, __global elem_t *d,
                                   idx_t da, int nt)
{
    elem8_t x[8], y[8], u[8], v[8];
#pragma unroll
    for (int i = 0; i < 8; i++) {
        x[i] = *(__global const elem8_u *)(s + i * sb);
        y[i] = *(__global const elem8_u *)(s + i * sb + 8);
        PIN(x[i]);
        PIN(y[i]);
    }
    TRANSPOSE_8X8(x);
    TRANSPOSE_8X8(y);
#pragma unroll
    for (int i = 0; i < 8; i++) {
        u[i] = *(__global const elem8_u *)(s + (i + 8) * sb);
        v[i] = *(__global const elem8_u *)(s + (i + 8) * sb + 8);
        PIN(u[i]);
        PIN(v[i]);
    }
    TRANSPOSE_8X8(u);
    TRANSPOSE_8X8(v);
#pragma unroll
    for (int j = 0; j < 16; j++) {
        uint16 o = j < 8 ? (uint16)(x[j], u[j]) : (uint16)(y[j - 8], v[j - 8]);
        __global elem_t *p = d + j * da;
#if NT
        if (nt) {
            __builtin_nontemporal_store(o, (__global uint16 *)p);
            continue;
        }
#endif
        *(__global line_u *)p = o;
    }
}
#elif ELEM_SIZE == 2
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
#else
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

#ifdef BLOCK_LINES_AS
/* 1- and 2-byte blocks hand their dst lines to STORE(j, line) as they are
 * made: through registers straight to memory (collected in an array first,
 * then stored, the u8 walk at 1 M x 64 bytes ran 7% slower). */
#define OUT_LINE(j, v) out[j] = (v)
static inline void block_rows(__global const elem_t *s, idx_t sb, uint16 *out)
{
    BLOCK_LINES_AS(__global, s, sb, OUT_LINE);
}

/* BLOCK_S A elements (two lines) by BLOCK_B through a private stage: each src row's
 * two lines are copied first (read once, at once), then transposed from the
 * stage into BLOCK_S whole dst lines. Rows that alias in the 8-way L1
 * (pitches of a multiple of 4 KiB) otherwise lose each line between the
 * 16-byte reads of it (u8 1 M x 64 bytes: 0.33 of the copy direct, 0.54
 * staged). While a row is copied, the same row's two lines of the next block
 * (pn: this block's successor in the caller's walk) are prefetched into the
 * L2: two lines per row and visit, one visit ahead, read 64 rows at a 1 MiB
 * pitch at 47-49 GB/s in a C probe on this machine, against 29-31 for one
 * line per visit (the earlier 64 x 64 stage) and 35-53 for one sequential
 * stream. u8 1 M x 64 bytes: 0.36 -> 0.51-0.72 of the copy; fp16
 * 512 K x 64: 0.56 -> 0.67 (4-byte elements staged this way measured
 * slower, 0.60-0.64 against 0.70-0.73, and go without). */
#define BLOCK_S (128 / ELEM_SIZE)
static inline void block_staged(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da,
                                int nt, __global const elem_t *pn)
{
    elem_t st[BLOCK_B * BLOCK_S] __attribute__((aligned(64)));
    for (int i = 0; i < BLOCK_B; i++) {
        __global const elem_t *r = s + i * sb;
        PREFETCH_L2(pn + i * sb);
        PREFETCH_L2(pn + i * sb + BLOCK_S / 2);
        uint16 v0 = *(__global const line_u *)r, v1 = *(__global const line_u *)(r + BLOCK_S / 2);
        *(uint16 *)(st + i * BLOCK_S) = v0;
        *(uint16 *)(st + i * BLOCK_S + BLOCK_S / 2) = v1;
    }
    for (int q = 0; q < BLOCK_S / BLOCK_A; q++) {
        __global elem_t *d_q = d + BLOCK_A * q * da;
#if NT
        if (nt) {
            BLOCK_LINES_AS(, st + BLOCK_A * q, BLOCK_S, STORE_NT);
            continue;
        }
#endif
        BLOCK_LINES_AS(, st + BLOCK_A * q, BLOCK_S, STORE_PLAIN);
    }
}
#endif

/* A block's BLOCK_A dst lines, stored non-temporally when nt (every line
 * aligned), else plainly. */
static inline void block_line(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da,
                              int nt)
{
#ifdef BLOCK_LINES_AS
    __global elem_t *d_q = d;
#if NT
    if (nt) {
        BLOCK_LINES_AS(__global, s, sb, STORE_NT);
        return;
    }
#endif
    BLOCK_LINES_AS(__global, s, sb, STORE_PLAIN);
#else
    uint16 out[BLOCK_A];
    block_rows(s, sb, out);
#pragma unroll
    for (int j = 0; j < BLOCK_A; j++) {
#if NT
        if (nt) {
            __builtin_nontemporal_store(out[j], (__global uint16 *)(d + j * da));
            continue;
        }
#endif
        *(__global line_u *)(d + j * da) = out[j];
    }
#endif
}
#else
#define BLOCK_A 8
#define BLOCK_B 16
/* One full 8 (A) x 16 (B) block: eight 4 x 4 register transposes, then each
 * dst row's 16 elements are stored back to back. */
static inline void block_line(__global const elem_t *s, idx_t sb, __global elem_t *d, idx_t da,
                              int nt)
{
    elem4_t o[8][4];
    (void)nt;
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
#endif

#if BLOCK_B == 16
#define block_narrow(s, sb, d, da) block_line(s, sb, d, da, 0)
#endif

#if NT && ELEM_SIZE <= 4
/* Rows whose lines do not align (a dst row pitch that is not a multiple of
 * 64 bytes) still get whole-line non-temporal stores in the tiled walk: a
 * row's consecutive block outputs are contiguous, so each aligned line is
 * the tail of one output and the head of the next (a funnel), and only the
 * partial lines at the two ends of a work-item's run along the row are
 * stored plainly, element by element. */
typedef uint16 __attribute__((aligned(1))) line_p;

/* Bytes [from, to) of v, as elements, to p[0 ..]. */
static inline void store_part(uint16 v, uint from, uint to, __global elem_t *p)
{
    union {
        uint16 v;
        elem_t e[64 / ELEM_SIZE];
    } u;
    u.v = v;
    for (uint k = from / ELEM_SIZE; k < to / ELEM_SIZE; k++)
        p[k - from / ELEM_SIZE] = u.e[k];
}

/* The 64 bytes starting m bytes before the end of lo, in lo ++ hi. */
static inline uint16 funnel(uint16 lo, uint16 hi, uint m)
{
    union {
        uint16 v[2];
        uchar c[128];
    } u;
    u.v[0] = lo, u.v[1] = hi;
    return *(const line_p *)(u.c + 64 - m);
}

/* funnel() in registers: one constant two-input shuffle per shift of whole
 * 4-byte lanes (m is the same all along a row, so the branch predicts), not
 * a round trip through memory whose unaligned reload cannot be forwarded
 * from the two stores; other shifts (2-byte and 1-byte elements) take the
 * memory one. fp16 NHWC -> NCHW C = 256 at 362 x 362 (rows shifted by
 * multiples of 8 bytes): 0.27 -> 0.34-0.36 of the copy. */
static inline uint16 funnel_reg(uint16 lo, uint16 hi, uint m)
{
#if CLS_SHUFFLEVECTOR
    switch (m % 4 ? 16 : m / 4) {
    case 1:
        return __builtin_shufflevector(lo, hi, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
    case 2:
        return __builtin_shufflevector(lo, hi, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29);
    case 3:
        return __builtin_shufflevector(lo, hi, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28);
    case 4:
        return __builtin_shufflevector(lo, hi, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27);
    case 5:
        return __builtin_shufflevector(lo, hi, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26);
    case 6:
        return __builtin_shufflevector(lo, hi, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
    case 7:
        return __builtin_shufflevector(lo, hi, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24);
    case 8:
        return __builtin_shufflevector(lo, hi, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
    case 9:
        return __builtin_shufflevector(lo, hi, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22);
    case 10:
        return __builtin_shufflevector(lo, hi, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21);
    case 11:
        return __builtin_shufflevector(lo, hi, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
    case 12:
        return __builtin_shufflevector(lo, hi, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
    case 13:
        return __builtin_shufflevector(lo, hi, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18);
    case 14:
        return __builtin_shufflevector(lo, hi, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
    case 15:
        return __builtin_shufflevector(lo, hi, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    case 0:
        return hi;
    default:
        return funnel(lo, hi, m);
    }
#else
    return funnel(lo, hi, m);
#endif
}

/* One dst line of a row whose output starts m bytes into a line, at p: the
 * line whole and non-temporal when m is 0; else the head part plainly (the
 * first block of a run), or the line the row's previous output (prev)
 * began, completed by this one (v). */
static inline void shifted_line(uint16 v, uint16 prev, __global elem_t *p, int first, uint m)
{
    if (m == 0)
        __builtin_nontemporal_store(v, (__global uint16 *)p);
    else if (first)
        store_part(v, 0, 64 - m, p);
    else
        __builtin_nontemporal_store(funnel_reg(prev, v, m), (__global uint16 *)(p - m / ELEM_SIZE));
}
#define SHIFTED 1
#else
#define SHIFTED 0
#endif

/* B bands (long src rows, read a line-wide column at a time): the next
 * line of each of the band's n rows, into the L2 only. Rows whose pitch
 * aliases share one set of the 8-way L1, so lines prefetched there evict
 * each other (and those in use); the physically indexed L2 spreads them.
 * With it u8 1 M x 64 bytes went from 0.36-0.37 to 0.49 of the copy (0.35
 * into the L1), 256 K x 256 bytes 0.24-0.27 -> 0.29-0.33; fp32 NCHW -> NHWC
 * C = 64 and 4096 x 4096 and fp16 C = 64 ran 3-7% faster. (The 16-row u8
 * stage measured 5% slower with it, and goes without; block_staged, which
 * came later, prefetches its successor itself.) */
#define PREFETCH_BAND(s, sb, n, a, ae)                                             \
    do {                                                                           \
        if ((a) + 64 / ELEM_SIZE < (ae))                                           \
            for (int i_ = 0; i_ < (n); i_++)                                       \
                PREFETCH_L2((s) + i_ * (sb) + (a) + 64 / ELEM_SIZE);               \
    } while (0)
