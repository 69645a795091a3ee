/* Tensor descriptors: constructors and the validation every op shares. */
#include <string.h>

#include "internal.h"

static const struct {
    size_t size;
    const char *name;
} dtypes[CLS_DTYPE_COUNT] = {
    [CLS_U8] = {1, "u8"},    [CLS_I8] = {1, "i8"},   [CLS_U16] = {2, "u16"},
    [CLS_I16] = {2, "i16"},  [CLS_F16] = {2, "f16"}, [CLS_BF16] = {2, "bf16"},
    [CLS_U32] = {4, "u32"},  [CLS_I32] = {4, "i32"}, [CLS_F32] = {4, "f32"},
    [CLS_U64] = {8, "u64"},  [CLS_I64] = {8, "i64"}, [CLS_F64] = {8, "f64"},
};

size_t cls_dtype_size(cls_dtype d)
{
    return ((int)d >= 0 && d < CLS_DTYPE_COUNT) ? dtypes[d].size : 0;
}

const char *cls_dtype_name(cls_dtype d)
{
    return ((int)d >= 0 && d < CLS_DTYPE_COUNT) ? dtypes[d].name : "invalid";
}

cls_tensor cls_tensor_contiguous(cl_mem buffer, size_t offset, cls_dtype dtype, int ndim,
                                 const int64_t *sizes)
{
    cls_tensor t;
    int64_t stride = 1;
    memset(&t, 0, sizeof t);
    t.buffer = buffer;
    t.offset = offset;
    t.dtype = dtype;
    t.ndim = ndim < 0 ? 0 : ndim > CLS_MAX_DIMS ? CLS_MAX_DIMS : ndim;
    for (int i = t.ndim - 1; i >= 0; i--) {
        t.sizes[i] = sizes ? sizes[i] : 0;
        t.strides[i] = stride;
        /* Saturates: a descriptor too large for int64 is then rejected by
         * every op ("extent overflows"), never wrapped. */
        stride = cls__sat_mul_i64(stride, t.sizes[i] > 0 ? t.sizes[i] : 1);
    }
    return t;
}

cls_tensor cls_tensor_nchw(cl_mem buffer, size_t offset, cls_dtype dtype, int64_t n, int64_t c,
                           int64_t h, int64_t w)
{
    int64_t sizes[4] = {n, c, h, w};
    return cls_tensor_contiguous(buffer, offset, dtype, 4, sizes);
}

cls_tensor cls_tensor_nhwc(cl_mem buffer, size_t offset, cls_dtype dtype, int64_t n, int64_t c,
                           int64_t h, int64_t w)
{
    cls_tensor t = cls_tensor_nchw(buffer, offset, dtype, n, c, h, w);
    int64_t cc = c > 0 ? c : 1, ww = w > 0 ? w : 1, hh = h > 0 ? h : 1;
    t.strides[1] = 1;
    t.strides[3] = cc;
    t.strides[2] = cls__sat_mul_i64(cc, ww);
    t.strides[0] = cls__sat_mul_i64(t.strides[2], hh);
    return t;
}

cls_tensor cls_tensor_ncl(cl_mem buffer, size_t offset, cls_dtype dtype, int64_t n, int64_t c,
                          int64_t l)
{
    int64_t sizes[3] = {n, c, l};
    return cls_tensor_contiguous(buffer, offset, dtype, 3, sizes);
}

cls_tensor cls_tensor_nlc(cl_mem buffer, size_t offset, cls_dtype dtype, int64_t n, int64_t c,
                          int64_t l)
{
    cls_tensor t = cls_tensor_ncl(buffer, offset, dtype, n, c, l);
    int64_t cc = c > 0 ? c : 1, ll = l > 0 ? l : 1;
    t.strides[1] = 1;
    t.strides[2] = cc;
    t.strides[0] = cls__sat_mul_i64(cc, ll);
    return t;
}

int64_t cls_tensor_numel(const cls_tensor *t)
{
    int64_t n = 0;
    if (!t || t->ndim < 1 || t->ndim > CLS_MAX_DIMS)
        return 0;
    for (int i = 0; i < t->ndim; i++)
        if (t->sizes[i] < 0)
            return 0;
    return cls__numel_checked(t->ndim, t->sizes, &n) == 0 ? n : -1;
}

/* Extent in bytes with overflow checks; names the problem on failure. */
static cls_status extent(const cls_tensor *t, const char *what, uint64_t *bytes)
{
    size_t es;
    uint64_t last = 0;
    int64_t numel;
    *bytes = 0;
    if (!t)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: tensor pointer is NULL", what);
    es = cls_dtype_size(t->dtype);
    if (es == 0)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: invalid dtype %d", what, (int)t->dtype);
    if (t->ndim < 1 || t->ndim > CLS_MAX_DIMS)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: ndim %d outside 1..%d", what, t->ndim,
                         CLS_MAX_DIMS);
    for (int i = 0; i < t->ndim; i++) {
        if (t->sizes[i] < 0)
            return cls__fail(CLS_ERR_INVALID_ARG, "%s: sizes[%d] = %lld is negative", what, i,
                             (long long)t->sizes[i]);
        if (t->strides[i] < 0)
            return cls__fail(CLS_ERR_INVALID_ARG, "%s: strides[%d] = %lld is negative", what, i,
                             (long long)t->strides[i]);
    }
    if (t->offset % es != 0)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: offset %zu bytes is not a multiple of the %zu-byte element", what,
                         t->offset, es);
    if (cls__numel_checked(t->ndim, t->sizes, &numel) != 0) {
        char shape[160];
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: sizes %s multiply past 2^63 elements (the element count "
                         "overflows 64 bits)",
                         what, cls__shape_str(t, shape, sizeof shape));
    }
    if (numel == 0)
        return CLS_OK;
    for (int i = 0; i < t->ndim; i++) {
        uint64_t step;
        if (__builtin_mul_overflow((uint64_t)(t->sizes[i] - 1), (uint64_t)t->strides[i], &step) ||
            __builtin_add_overflow(last, step, &last) || last > (uint64_t)INT64_MAX)
            return cls__fail(CLS_ERR_INVALID_ARG, "%s: extent overflows 64 bits at dim %d", what,
                             i);
    }
    if (__builtin_mul_overflow(last + 1, (uint64_t)es, bytes) ||
        __builtin_add_overflow(*bytes, (uint64_t)t->offset, bytes))
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: extent overflows 64 bits", what);
    return CLS_OK;
}

cls_status cls_tensor_extent(const cls_tensor *t, uint64_t *bytes)
{
    uint64_t b = 0;
    cls_status st = extent(t, "tensor", &b);
    if (bytes)
        *bytes = b;
    return st;
}

cls_status cls__tensor_check(const cls_tensor *t, const char *what)
{
    uint64_t bytes;
    size_t memsize = 0;
    cl_mem_object_type type = 0;
    cl_int err;
    cls_status st = extent(t, what, &bytes);
    if (st != CLS_OK)
        return st;
    if (!t->buffer)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: buffer is NULL", what);
    err = clGetMemObjectInfo(t->buffer, CL_MEM_TYPE, sizeof type, &type, NULL);
    if (err != CL_SUCCESS)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: buffer is not a valid cl_mem (%s)", what,
                         cls_cl_error_name(err));
    if (type != CL_MEM_OBJECT_BUFFER)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: the cl_mem is not a buffer (CL_MEM_TYPE 0x%x: an image or pipe)",
                         what, (unsigned)type);
    err = clGetMemObjectInfo(t->buffer, CL_MEM_SIZE, sizeof memsize, &memsize, NULL);
    if (err != CL_SUCCESS)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: buffer is not a valid cl_mem (%s)", what,
                         cls_cl_error_name(err));
    if (bytes > memsize)
        return cls__fail(CLS_ERR_BUFFER_TOO_SMALL,
                         "%s: view needs %llu bytes (offset %zu) but the buffer has %zu", what,
                         (unsigned long long)bytes, t->offset, memsize);
    return CLS_OK;
}

cls_status cls_tensor_validate(const cls_tensor *t)
{
    return cls__tensor_check(t, "tensor");
}

void cls__tensor_range(const cls_tensor *t, uint64_t *lo, uint64_t *hi)
{
    uint64_t bytes = 0;
    extent(t, "tensor", &bytes);
    *lo = t->offset;
    *hi = bytes > t->offset ? bytes : t->offset;
}

/* The memory a buffer's bytes live in and where its byte 0 is inside it: the
 * parent of a sub-buffer at the sub-buffer's offset, and for a
 * CL_MEM_USE_HOST_PTR buffer the host memory itself at the host address (two
 * such buffers over overlapping host memory alias each other). */
static const void *base_buffer(cl_mem m, uint64_t *origin)
{
    static const char host_memory = 0;
    cl_mem parent = NULL;
    cl_mem_flags flags = 0;
    void *host = NULL;
    size_t off = 0;
    *origin = 0;
    if (clGetMemObjectInfo(m, CL_MEM_ASSOCIATED_MEMOBJECT, sizeof parent, &parent, NULL) ==
            CL_SUCCESS &&
        parent) {
        clGetMemObjectInfo(m, CL_MEM_OFFSET, sizeof off, &off, NULL);
        *origin = off;
        m = parent;
    }
    if (clGetMemObjectInfo(m, CL_MEM_FLAGS, sizeof flags, &flags, NULL) == CL_SUCCESS &&
        (flags & CL_MEM_USE_HOST_PTR) &&
        clGetMemObjectInfo(m, CL_MEM_HOST_PTR, sizeof host, &host, NULL) == CL_SUCCESS && host) {
        *origin += (uint64_t)(uintptr_t)host;
        return &host_memory;
    }
    return m;
}

int cls__tensors_overlap(const cls_tensor *a, const cls_tensor *b)
{
    uint64_t alo, ahi, blo, bhi, aorg, borg;
    const void *ab = base_buffer(a->buffer, &aorg), *bb = base_buffer(b->buffer, &borg);
    if (ab != bb || cls_tensor_numel(a) == 0 || cls_tensor_numel(b) == 0)
        return 0;
    cls__tensor_range(a, &alo, &ahi);
    cls__tensor_range(b, &blo, &bhi);
    alo += aorg, ahi += aorg, blo += borg, bhi += borg;
    return alo < bhi && blo < ahi;
}

const char *cls__shape_str(const cls_tensor *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    used += (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < t->ndim && i < CLS_MAX_DIMS && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, i ? ", %lld" : "%lld",
                                 (long long)t->sizes[i]);
    if (used < size)
        snprintf(buf + used, size - used, "]");
    return buf;
}

cls_status cls__tensors_same_shape(const cls_tensor *src, const cls_tensor *dst)
{
    char a[160], b[160];
    if (src->dtype != dst->dtype)
        return cls__fail(CLS_ERR_INVALID_ARG, "dst dtype %s differs from src dtype %s",
                         cls_dtype_name(dst->dtype), cls_dtype_name(src->dtype));
    if (src->ndim != dst->ndim)
        return cls__fail(CLS_ERR_INVALID_ARG, "dst ndim %d differs from src ndim %d", dst->ndim,
                         src->ndim);
    for (int i = 0; i < src->ndim; i++)
        if (src->sizes[i] != dst->sizes[i])
            return cls__fail(CLS_ERR_INVALID_ARG, "dst sizes %s differ from src sizes %s at dim %d",
                             cls__shape_str(dst, b, sizeof b), cls__shape_str(src, a, sizeof a),
                             i);
    return CLS_OK;
}

cls_status cls__check_wait_list(cl_uint num_wait, const cl_event *wait)
{
    if ((num_wait > 0) != (wait != NULL))
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "wait list: num_wait = %u but wait is %s", num_wait,
                         wait ? "non-NULL" : "NULL");
    return CLS_OK;
}

cls_status cls__enqueue_noop(cls_context *ctx, cl_uint num_wait, const cl_event *wait,
                             cl_event *done)
{
    cl_int err;
    if (!done && num_wait == 0)
        return CLS_OK;
    err = clEnqueueMarkerWithWaitList(ctx->queue, num_wait, wait, done);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clEnqueueMarkerWithWaitList");
    return CLS_OK;
}

int cls__next_index(int ndim, const int64_t *sizes, int64_t *idx)
{
    for (int d = ndim - 1; d >= 0; d--) {
        if (++idx[d] < sizes[d])
            return 1;
        idx[d] = 0;
    }
    return 0;
}

uint64_t cls__elem_offset(const cls_tensor *t, const int64_t *idx)
{
    uint64_t e = 0;
    for (int d = 0; d < t->ndim; d++)
        e += (uint64_t)idx[d] * (uint64_t)t->strides[d];
    return t->offset + e * cls_dtype_size(t->dtype);
}
