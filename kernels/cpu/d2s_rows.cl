/* The depth-to-space family's rows (definitions in d2s_lanes.cl): the
 * interleave and deinterleave rows of the VEC, NT, RUNV, PASS and ANY
 * variants. */

/* The FACTOR interleaved vectors out at p: plain, non-temporal, or as
 * non-temporal 32-byte pairs (an even stream count). */
#define PUT_PLAIN(out, p) UNROLL for (int m = 0; m < FACTOR; m++) STORE_PLAIN(out[m], (p) + m * VW);
#define PUT_NT1(out, p) UNROLL for (int m = 0; m < FACTOR; m++) STORE_NT(out[m], (p) + m * VW);
#define PUT_NT2(out, p)                                                                          \
    UNROLL for (int m = 0; m < FACTOR; m += 2) STORE_NT2(out[m], out[m + 1], (p) + m * VW);

/* Vector body of an interleave row from w to the last whole vector. */
#define INTERLEAVE_BODY(put)                                                                   \
    for (; w + VW <= n; w += VW) {                                                            \
        vec_t in[FACTOR], out[FACTOR];                                                        \
        UNROLL for (int k = 0; k < FACTOR; k++) in[k] = LOADU(s + STREAM(k) + w);          \
        interleave_vecs(in, out);                                                             \
        put(out, d + w * FACTOR)                                                              \
    }

/* The non-temporal body from a 32-byte aligned w * FACTOR: even stream
 * counts store pairs of each step's vectors; odd ones interleave two steps
 * at once (FACTOR pairs), then at most one step of 16-byte stores. */
#if FACTOR % 2 == 0
#define INTERLEAVE_NT INTERLEAVE_BODY(PUT_NT2)
#else
#define INTERLEAVE_NT                                                                          \
    for (; w + 2 * VW <= n; w += 2 * VW) {                                                    \
        vec_t in[2][FACTOR], out[2 * FACTOR];                                                 \
        UNROLL for (int u = 0; u < 2; u++) {                                                  \
            UNROLL for (int k = 0; k < FACTOR; k++)                                           \
                in[u][k] = LOADU(s + STREAM(k) + w + u * VW);                                 \
            interleave_vecs(in[u], out + u * FACTOR);                                         \
        }                                                                                     \
        UNROLL for (int m = 0; m < 2 * FACTOR; m += 2)                                        \
            STORE_NT2(out[m], out[m + 1], d + w * FACTOR + m * VW);                           \
    }                                                                                         \
    INTERLEAVE_BODY(PUT_NT1)
#endif

/* One interleave row: d[w * g + k] = s[STREAM(k) + w] for w < n. */
static void interleave_row(__global const elem_t *restrict s, __global elem_t *restrict d,
                           idx_t n, idx_t g, idx_t shi, idx_t slo, int nf, int nlo, idx_t w0,
                           idx_t len)
{
    idx_t w = 0;
#ifdef RUNV
    /* Short runs of RUNV whole vectors (a run copy; the host checked the
     * length and, for non-temporal stores, every row's alignment). */
#if NT && defined(WIDE) && RUNV % 2 == 0
    /* Rows 32-byte aligned (-DWIDE): whole 32-byte non-temporal stores. */
    UNROLL for (int v = 0; v < RUNV; v += 2)
        STORE_NT2(LOADU(s + v * VW), LOADU(s + (v + 1) * VW), d + v * VW);
#else
    UNROLL for (int v = 0; v < RUNV; v++) STORE_VEC(LOADU(s + v * VW), d + v * VW);
#endif
    w = n;
#elif defined(VEC) && NT
    idx_t h = align_head(d, FACTOR, 32, HEAD_MAX);
    if (h == 0 && n % VW == 0) {
        /* The common case of an aligned row of whole vectors. */
        INTERLEAVE_NT
    } else if (h < HEAD_MAX && h < n) {
        elem_t run[RUN_MAX];
        for (; w < h; w++)
            UNROLL for (int k = 0; k < FACTOR; k++) run[w * FACTOR + k] = s[STREAM(k) + w];
        put_run(d, run, h * FACTOR);
        INTERLEAVE_NT
        for (idx_t t = w; t < n; t++)
            UNROLL for (int k = 0; k < FACTOR; k++) run[(t - w) * FACTOR + k] = s[STREAM(k) + t];
        put_run(d + w * FACTOR, run, (n - w) * FACTOR);
        w = n;
    }
#endif
#ifdef VEC
    INTERLEAVE_BODY(PUT_PLAIN)
#endif
    for (; w < n; w++)
        for (int k = 0; k < NF; k++)
            d[w * g + k] = s[STREAM(k) + w];
    (void)nf, (void)nlo, (void)w0, (void)len;
}

#if defined(VEC) && defined(PASS)
/* Long deinterleave rows: one pass over the row per stream, so that every
 * stream is written as one sequential run while the src row stays in cache;
 * each stream aligns its own stores. */
static void deinterleave_pass(__global const elem_t *restrict s, __global elem_t *restrict d,
                              idx_t n, idx_t shi, idx_t slo)
{
    UNROLL for (int k = 0; k < FACTOR; k++) {
        __global elem_t *restrict dk = d + STREAM(k);
        idx_t v = 0;
#if NT
        elem_t run[RUN_MAX];
        idx_t h = min(align_head(dk, 1, 16, VW), n);
        for (; v < h; v++)
            run[v] = s[v * FACTOR + k];
        put_run(dk, run, h);
#endif
        for (; v + VW <= n; v += VW) {
            vec_t in[FACTOR], out[FACTOR];
            UNROLL for (int m = 0; m < FACTOR; m++) in[m] = LOADU(s + v * FACTOR + m * VW);
            deinterleave_vecs(in, out);
            STORE_VEC(out[k], dk + v);
        }
#if NT
        for (idx_t t = v; t < n; t++)
            run[t - v] = s[t * FACTOR + k];
        put_run(dk + v, run, n - v);
        v = n;
#endif
        for (; v < n; v++)
            dk[v] = s[v * FACTOR + k];
    }
}
#endif

/* One deinterleave row: d[STREAM(k) + w] = s[w * g + k] for w < n. */
static void deinterleave_row(__global const elem_t *restrict s, __global elem_t *restrict d,
                             idx_t n, idx_t g, idx_t shi, idx_t slo, int nf, int nlo, idx_t w0,
                             idx_t len)
{
    idx_t w = 0;
#if defined(VEC) && defined(PASS)
    deinterleave_pass(s, d, n, shi, slo);
    w = n;
#elif defined(VEC)
    /* LINE vectors (64 bytes) per stream and step, each stream's written
     * together so that non-temporal stores fill whole cache lines (the host
     * enables them only when every stream is aligned). */
    for (; w + LINE * VW <= n; w += LINE * VW) {
        vec_t in[LINE][FACTOR], out[LINE][FACTOR];
        UNROLL for (int u = 0; u < LINE; u++) {
            UNROLL for (int m = 0; m < FACTOR; m++)
                in[u][m] = LOADU(s + (w + u * VW) * FACTOR + m * VW);
            deinterleave_vecs(in[u], out[u]);
        }
        UNROLL for (int k = 0; k < FACTOR; k++)
            UNROLL for (int u = 0; u < LINE; u++) STORE_VEC(out[u][k], d + STREAM(k) + w + u * VW);
    }
    for (; w + VW <= n; w += VW) {
        vec_t in[FACTOR], out[FACTOR];
        UNROLL for (int m = 0; m < FACTOR; m++) in[m] = LOADU(s + w * FACTOR + m * VW);
        deinterleave_vecs(in, out);
        UNROLL for (int k = 0; k < FACTOR; k++) STORE_PLAIN(out[k], d + STREAM(k) + w);
    }
#endif
    for (; w < n; w++)
        for (int k = 0; k < NF; k++)
            d[STREAM(k) + w] = s[w * g + k];
    (void)nf, (void)nlo, (void)w0, (void)len;
}
