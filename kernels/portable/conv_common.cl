/* Shared by the portable conv kernels (conv.cl, conv_transposed.cl,
 * conv_gemm.cl): the accumulator vector, the epilogue's activations (codes as
 * in cls_activation, include/clshuffle/conv.h) and the depth-to-space
 * channel map (as cls__chan_index, host/chanmap.c). */
typedef float8 vec_t;
#define VW 8

/* Element storage: CONV_F16 = 1 keeps half in memory, float arithmetic. */
#ifndef CONV_F16
#define CONV_F16 0
#endif
#if CONV_F16
typedef half io_t;
#define LOADX(p, i) vload_half((i), (p))
#define STOREX(p, i, v) vstore_half((v), (i), (p))
#define STORE8(p, v) vstore_half8((v), 0, (p))
#define LOAD8(p) vload_half8(0, (p))
#else
typedef float io_t;
#define LOADX(p, i) ((p)[i])
#define STOREX(p, i, v) ((p)[i] = (v))
#define STORE8(p, v) vstore8((v), 0, (p))
#define LOAD8(p) vload8(0, (p))
#endif

/* Activation codes: cls_activation's, passed by the host as -DCLS_ACT_...=N. */
#ifndef CLS_ACT_SIGMOID
#error "the host passes the activation codes (-DCLS_ACT_NONE=... -DCLS_ACT_SIGMOID=...)"
#endif

static inline vec_t activate(vec_t x, int act, float alpha, vec_t slope)
{
    switch (act) {
    case CLS_ACT_RELU:
        return fmax(x, (vec_t)(0.0f));
    case CLS_ACT_LEAKY_RELU:
        return select(x, x * alpha, isless(x, (vec_t)(0.0f)));
    case CLS_ACT_PRELU:
        return select(x, x * slope, isless(x, (vec_t)(0.0f)));
    case CLS_ACT_SIGMOID:
        return 1.0f / (1.0f + exp(-x));
    default:
        return x;
    }
}

/* The scalar activation (the GEMM path's epilogue). */
static inline float activate1(float x, int act, float alpha, float slope)
{
    switch (act) {
    case CLS_ACT_RELU:
        return fmax(x, 0.0f);
    case CLS_ACT_LEAKY_RELU:
        return x < 0.0f ? alpha * x : x;
    case CLS_ACT_PRELU:
        return x < 0.0f ? slope * x : x;
    case CLS_ACT_SIGMOID:
        return 1.0f / (1.0f + exp(-x));
    default:
        return x;
    }
}

/* The deep channel holding channel c at block position (i, j) of a bh x bw
 * block over C channels: DCR (crd = 0) (i * bw + j) * C + c, CRD
 * (c * bh + i) * bw + j. */
static inline int chan_index(int crd, int c, int i, int j, int C, int bh, int bw)
{
    return crd ? (c * bh + i) * bw + j : (i * bw + j) * C + c;
}
