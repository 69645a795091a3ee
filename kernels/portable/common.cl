/* Definitions shared by the portable tier's copy kernels (copy.cl,
 * transpose.cl): plain OpenCL C 1.2, no extensions; the one compiler
 * builtin (non-temporal stores) only where the host's probe found it (NT).
 * Options: ELEM_SIZE (1, 2, 4, 8: kernels move bytes), IDX64 (64-bit
 * indices where an extent can exceed 2^31 elements), NT (0 or 1, below). */
#ifndef ELEM_SIZE
#define ELEM_SIZE 4
#endif
#ifndef IDX64
#define IDX64 0
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

#if ELEM_SIZE == 1
typedef uchar elem_t;
#define ELEM_VEC(n) CAT(uchar, n)
#elif ELEM_SIZE == 2
typedef ushort elem_t;
#define ELEM_VEC(n) CAT(ushort, n)
#elif ELEM_SIZE == 4
typedef uint elem_t;
#define ELEM_VEC(n) CAT(uint, n)
#elif ELEM_SIZE == 8
typedef ulong elem_t;
#define ELEM_VEC(n) CAT(ulong, n)
#else
#error "ELEM_SIZE must be 1, 2, 4 or 8"
#endif

#if IDX64
typedef ulong idx_t;
typedef ulong8 idx8_t;
#else
typedef uint idx_t;
typedef uint8 idx8_t;
#endif

/* Element offsets of row index rem split over the n outer dims (sizes sz,
 * src strides ss, dst strides ds; the last dim innermost). */
static void row_offsets(idx_t rem, int n, idx8_t sz, idx8_t ss, idx8_t ds, idx_t *so, idx_t *dof)
{
    /* One dim (the common case): no division. */
    if (n <= 1) {
        *so += n ? rem * ss.s0 : 0;
        *dof += n ? rem * ds.s0 : 0;
        return;
    }
    idx_t s[8] = {sz.s0, sz.s1, sz.s2, sz.s3, sz.s4, sz.s5, sz.s6, sz.s7};
    idx_t a[8] = {ss.s0, ss.s1, ss.s2, ss.s3, ss.s4, ss.s5, ss.s6, ss.s7};
    idx_t b[8] = {ds.s0, ds.s1, ds.s2, ds.s3, ds.s4, ds.s5, ds.s6, ds.s7};
    for (int d = n - 1; d >= 0; d--) {
        idx_t q = rem / s[d];
        idx_t r = rem - q * s[d];
        *so += r * a[d];
        *dof += r * b[d];
        rem = q;
    }
}

/* Lane i (0..7) of v; 1 for a negative i. */
static idx_t lane8(idx8_t v, int i)
{
    switch (i) {
    case 0: return v.s0;
    case 1: return v.s1;
    case 2: return v.s2;
    case 3: return v.s3;
    case 4: return v.s4;
    case 5: return v.s5;
    case 6: return v.s6;
    case 7: return v.s7;
    default: return 1;
    }
}

/* A walk over consecutive rows of n dims (a work-item's z rows): z's index
 * in the innermost dim, that dim's size and strides. */
typedef struct {
    idx_t c, s, ss, ds;
} row_walk;

/* The walk from row z for zpi rows (no division for one row, or one dim). */
static row_walk walk_start(idx_t z, uint zpi, int n, idx8_t sz, idx8_t ss, idx8_t ds)
{
    row_walk w;
    w.s = lane8(sz, n - 1), w.ss = lane8(ss, n - 1), w.ds = lane8(ds, n - 1);
    w.c = zpi <= 1 || n <= 1 ? z : z % w.s;
    return w;
}

/* The offsets of row z (the one after the walk's) from those of the row
 * before: a step along the innermost dim, or where it wraps, row z split
 * again from the base offsets s0, d0. */
static void walk_next(row_walk *w, idx_t z, int n, idx8_t sz, idx8_t ss, idx8_t ds, idx_t s0,
                      idx_t d0, idx_t *so, idx_t *dof)
{
    if (n > 0 && ++w->c < w->s) {
        *so += w->ss, *dof += w->ds;
        return;
    }
    w->c = 0, *so = s0, *dof = d0;
    row_offsets(z, n, sz, ss, ds, so, dof);
}

/* vloadN / vstoreN for a compile-time N (a macro argument: some OpenCL
 * libraries define vloadN as macros, so the names are not pasted). */
#define VLOAD_1(p) (*(p))
#define VLOAD_2(p) vload2(0, (p))
#define VLOAD_4(p) vload4(0, (p))
#define VLOAD_8(p) vload8(0, (p))
#define VLOAD_16(p) vload16(0, (p))
#define VSTORE_1(v, p) (*(p) = (v))
#define VSTORE_2(v, p) vstore2((v), 0, (p))
#define VSTORE_4(v, p) vstore4((v), 0, (p))
#define VSTORE_8(v, p) vstore8((v), 0, (p))
#define VSTORE_16(v, p) vstore16((v), 0, (p))
#define VLOAD_N(n, p) CAT(VLOAD_, n)(p)
#define VSTORE_N(n, v, p) CAT(VSTORE_, n)(v, p)

/* NT=1: stores of whole units that write dst lines in order bypass the
 * cache (non-temporal: no read of the line before it is written, no
 * eviction of the src lines). The host sets it only where the device
 * profile's probe found the compiler's __builtin_nontemporal_store and the
 * device is of CPU type (where it was measured). The builtin wants a
 * pointer aligned to the vector: others take the plain store. */
#ifndef NT
#define NT 0
#endif
#if NT
#define VSTORE_STREAM(n, v, p)                                                                     \
    do {                                                                                           \
        __global elem_t *q_ = (p);                                                                 \
        if (((ulong)q_ & (sizeof(ELEM_VEC(n)) - 1)) == 0)                                          \
            __builtin_nontemporal_store((v), (__global ELEM_VEC(n) *)q_);                          \
        else                                                                                       \
            VSTORE_N(n, (v), q_);                                                                  \
    } while (0)
#else
#define VSTORE_STREAM(n, v, p) VSTORE_N(n, (v), (p))
#endif
