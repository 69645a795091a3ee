/* Verify mode: read results back and compare them with the CPU reference. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

cls_status cls__read_tensor_bytes(cls_context *ctx, const cls_tensor *t, cl_event ev,
                                  unsigned char **host)
{
    uint64_t lo, hi;
    cl_int err;
    unsigned char *buf;
    *host = NULL;
    cls__tensor_range(t, &lo, &hi);
    buf = calloc(1, hi ? hi : 1);
    if (!buf)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "verify: cannot allocate %llu host bytes",
                         (unsigned long long)hi);
    if (hi > lo) {
        err = clEnqueueReadBuffer(ctx->queue, t->buffer, CL_TRUE, lo, hi - lo, buf + lo,
                                  ev ? 1 : 0, ev ? &ev : NULL, NULL);
        if (err != CL_SUCCESS) {
            free(buf);
            return cls__fail_cl(err, "clEnqueueReadBuffer (verify)");
        }
    }
    *host = buf;
    return CLS_OK;
}

cls_status cls__compare_exact(const unsigned char *expected, const unsigned char *actual,
                              const cls_tensor *dst)
{
    int64_t idx[CLS_MAX_DIMS] = {0};
    size_t es = cls_dtype_size(dst->dtype);
    if (cls_tensor_numel(dst) == 0)
        return CLS_OK;
    do {
        uint64_t off = cls__elem_offset(dst, idx);
        if (memcmp(expected + off, actual + off, es) != 0) {
            char pos[200];
            size_t used = (size_t)snprintf(pos, sizeof pos, "[");
            for (int d = 0; d < dst->ndim && used < sizeof pos; d++)
                used += (size_t)snprintf(pos + used, sizeof pos - used, d ? ", %lld" : "%lld",
                                         (long long)idx[d]);
            return cls__fail(CLS_ERR_VERIFY,
                             "verify: dst%s] differs from the CPU reference (first mismatch)",
                             pos);
        }
    } while (cls__next_index(dst->ndim, dst->sizes, idx));
    return CLS_OK;
}

cls_status cls__verify_layout(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              cl_event ev, cls__ref_fn ref, const void *arg)
{
    unsigned char *s = NULL, *d = NULL, *expected = NULL;
    uint64_t lo, hi;
    cls_status st = cls__read_tensor_bytes(ctx, src, ev, &s);
    if (st != CLS_OK)
        goto done;
    st = cls__read_tensor_bytes(ctx, dst, ev, &d);
    if (st != CLS_OK)
        goto done;
    cls__tensor_range(dst, &lo, &hi);
    expected = malloc(hi ? hi : 1);
    if (!expected) {
        st = cls__fail(CLS_ERR_OUT_OF_MEMORY, "verify: out of host memory");
        goto done;
    }
    memcpy(expected, d, hi);
    st = ref(s, src, expected, dst, arg);
    if (st == CLS_OK)
        st = cls__compare_exact(expected, d, dst);
done:
    free(s);
    free(d);
    free(expected);
    return st;
}
