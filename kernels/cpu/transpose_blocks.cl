/* The register blocks of the copy engine's CPU transposes (transpose_reg in
 * transpose.cl): per element size, a block of BLOCK_A dst rows by BLOCK_B src
 * rows transposed in registers (transpose_b4/b2/b1.cl; the 8-byte block
 * here), its dst lines stored whole and non-temporally where they align. */

#if ELEM_SIZE <= 4
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
