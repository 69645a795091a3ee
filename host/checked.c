/* Overflow-checked size arithmetic: the one place every op multiplies and adds sizes. */
#include "internal.h"

int cls__mul_i64(int64_t a, int64_t b, int64_t *out)
{
    return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}

int cls__add_i64(int64_t a, int64_t b, int64_t *out)
{
    return __builtin_add_overflow(a, b, out) ? -1 : 0;
}

int cls__mul3_i64(int64_t a, int64_t b, int64_t c, int64_t *out)
{
    int64_t ab;
    return cls__mul_i64(a, b, &ab) || cls__mul_i64(ab, c, out) ? -1 : 0;
}

int cls__numel_checked(int ndim, const int64_t *sizes, int64_t *out)
{
    int64_t n = 1;
    int zero = 0;
    *out = 0;
    if (ndim < 1 || ndim > CLS_MAX_DIMS)
        return -1;
    /* A zero size makes the view empty, but the other sizes must still have
     * a product that fits: an op may multiply them before it sees the zero. */
    for (int i = 0; i < ndim; i++) {
        if (sizes[i] < 0)
            return -1;
        if (sizes[i] == 0) {
            zero = 1;
            continue;
        }
        if (cls__mul_i64(n, sizes[i], &n))
            return -1;
    }
    *out = zero ? 0 : n;
    return 0;
}

int64_t cls__sat_mul_i64(int64_t a, int64_t b)
{
    int64_t r;
    return cls__mul_i64(a, b, &r) ? INT64_MAX : r;
}

int64_t cls__ceil_div_i64(int64_t a, int64_t b)
{
    return a / b + (a % b != 0);
}

int cls__conv_out_size(int64_t in, int pa, int pb, int dil, int k, int stride, int64_t *out)
{
    int64_t padded, reach, span;
    *out = 0;
    if (cls__add_i64(in, (int64_t)pa + pb, &padded) ||
        cls__mul_i64((int64_t)dil, (int64_t)k - 1, &reach))
        return -1;
    span = padded - reach; /* both non-negative: cannot overflow */
    *out = span < 1 ? 0 : (span - 1) / stride + 1;
    return 0;
}
