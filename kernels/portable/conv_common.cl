/* Shared by the portable conv kernels (conv.cl, conv_transposed.cl): the
 * accumulator vector and the epilogue's activations (codes as in
 * cls_activation, include/clshuffle/conv.h). */
typedef float8 vec_t;

enum { ACT_NONE, ACT_RELU, ACT_LEAKY, ACT_PRELU, ACT_SIGMOID };

static inline vec_t activate(vec_t x, int act, float alpha, vec_t slope)
{
    switch (act) {
    case ACT_RELU:
        return fmax(x, (vec_t)(0.0f));
    case ACT_LEAKY:
        return select(x, x * alpha, isless(x, (vec_t)(0.0f)));
    case ACT_PRELU:
        return select(x, x * slope, isless(x, (vec_t)(0.0f)));
    case ACT_SIGMOID:
        return 1.0f / (1.0f + exp(-x));
    default:
        return x;
    }
}
