/* Register helpers of the CPU transposes' blocks (transpose_b4/b2/b1.cl,
 * transpose_blocks.cl; definitions in transpose_common.cl): prefetch,
 * lane-network switch, element stores, the 4 x 4 and 8 x 8 register
 * transposes and the row interleaves. */

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
#endif
