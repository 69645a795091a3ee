/* The op entry every op goes through (cls__op_run) and the checks it makes
 * on the OpenCL objects it is given: buffers and wait-list events belong to
 * the context, the destination view does not overlap itself, and src and dst
 * do not share memory (also through host pointers). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Views up to this many elements that fail the nested-stride test are
 * checked exactly, element by element. */
#define EXACT_MAX 65536

cls_status cls__check_events(const cls_context *ctx, cl_uint num_wait, const cl_event *wait)
{
    cls_status st = cls__check_wait_list(num_wait, wait);
    if (st != CLS_OK)
        return st;
    for (cl_uint k = 0; k < num_wait; k++) {
        cl_context ec = NULL;
        cl_int err;
        if (!wait[k])
            return cls__fail(CLS_ERR_INVALID_ARG, "wait list: wait[%u] is NULL (num_wait = %u)", k,
                             num_wait);
        err = clGetEventInfo(wait[k], CL_EVENT_CONTEXT, sizeof ec, &ec, NULL);
        if (err != CL_SUCCESS)
            return cls__fail(CLS_ERR_INVALID_ARG, "wait list: wait[%u] is not a valid event (%s)",
                             k, cls_cl_error_name(err));
        if (ec != ctx->cl_ctx)
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "wait list: wait[%u] belongs to another cl_context than the "
                             "clshuffle context's",
                             k);
    }
    return CLS_OK;
}

/* The buffer of a validated view belongs to ctx's cl_context. */
static cls_status check_mem_context(const cls_context *ctx, const cls_tensor *t, const char *what)
{
    cl_context mc = NULL;
    cl_int err = clGetMemObjectInfo(t->buffer, CL_MEM_CONTEXT, sizeof mc, &mc, NULL);
    if (err != CL_SUCCESS)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: buffer is not a valid cl_mem (%s)", what,
                         cls_cl_error_name(err));
    if (mc != ctx->cl_ctx)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: buffer belongs to another cl_context than the clshuffle "
                         "context's",
                         what);
    return CLS_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Exact test for a small view: non-zero when two elements share an offset. */
static int exact_self_overlap(const cls_tensor *t, int64_t numel)
{
    int64_t idx[CLS_MAX_DIMS] = {0};
    uint64_t *offs = malloc((size_t)numel * sizeof *offs);
    int64_t n = 0;
    int dup = 0;
    if (!offs)
        return 1;
    do
        offs[n++] = cls__elem_offset(t, idx);
    while (cls__next_index(t->ndim, t->sizes, idx));
    qsort(offs, (size_t)n, sizeof *offs, cmp_u64);
    for (int64_t i = 1; i < n && !dup; i++)
        dup = offs[i] == offs[i - 1];
    free(offs);
    return dup;
}

cls_status cls__check_self_overlap(const cls_tensor *t, const char *what)
{
    int order[CLS_MAX_DIMS], n = 0;
    int64_t reach = 0, numel = cls_tensor_numel(t);
    if (numel <= 1)
        return CLS_OK;
    for (int d = 0; d < t->ndim; d++) {
        if (t->sizes[d] <= 1)
            continue;
        if (t->strides[d] == 0)
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "%s: dim %d has size %lld and stride 0, so its elements share one "
                             "address; a destination must not overlap itself",
                             what, d, (long long)t->sizes[d]);
        order[n++] = d;
    }
    /* Nested strides (each dim steps past everything the smaller-stride dims
     * reach) cannot overlap; the extent check bounds every product here. */
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && t->strides[order[k - 1]] > t->strides[order[k]]; k--) {
            int x = order[k];
            order[k] = order[k - 1];
            order[k - 1] = x;
        }
    for (int i = 0; i < n; i++) {
        int d = order[i];
        if (t->strides[d] <= reach) {
            if (numel <= EXACT_MAX && !exact_self_overlap(t, numel))
                return CLS_OK;
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "%s: dim %d (size %lld, stride %lld) steps inside the span of the "
                             "dims with smaller strides (%lld elements), so elements %s share "
                             "addresses; a destination must not overlap itself",
                             what, d, (long long)t->sizes[d], (long long)t->strides[d],
                             (long long)reach + 1, numel <= EXACT_MAX ? "do" : "may");
        }
        reach += (t->sizes[d] - 1) * t->strides[d];
    }
    return CLS_OK;
}

/* The checks every op makes on its objects after validating both views:
 * src's and dst's buffers belong to ctx's cl_context, dst does not overlap
 * itself, and the wait list is well formed (cls__check_events). */
static cls_status op_check(const cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                           cl_uint num_wait, const cl_event *wait)
{
    cls_status st;
    if ((st = check_mem_context(ctx, src, "src")) != CLS_OK ||
        (st = check_mem_context(ctx, dst, "dst")) != CLS_OK ||
        (st = cls__check_self_overlap(dst, "dst")) != CLS_OK)
        return st;
    return cls__check_events(ctx, num_wait, wait);
}

static cls_status op_run_unlocked(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                                  const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                                  cl_event *done)
{
    cl_event ev = NULL;
    cls_status st;
    if ((st = cls__tensor_check(src, "src")) != CLS_OK ||
        (st = cls__tensor_check(dst, "dst")) != CLS_OK ||
        (op->check && (st = op->check(op, src, dst)) != CLS_OK) ||
        (st = op_check(ctx, src, dst, num_wait, wait)) != CLS_OK)
        return st;
    if (cls__tensors_overlap(src, dst))
        return cls__fail(CLS_ERR_OVERLAP, "%s: dst overlaps src in the same buffer (not in place)",
                         op->name);
    if (cls_tensor_numel(dst) == 0)
        return cls__enqueue_noop(ctx, num_wait, wait, done);
    st = op->enqueue(ctx, op, src, dst, num_wait, wait, &ev);
    if (st == CLS_OK && ctx->verify)
        st = op->verify ? op->verify(ctx, op, src, dst, ev)
             : op->ref  ? cls__verify_layout(ctx, src, dst, ev, op->ref, op->arg)
                        : CLS_OK;
    if (st == CLS_OK && done)
        *done = ev;
    else if (ev)
        clReleaseEvent(ev);
    return st;
}

cls_status cls__op_run(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                       const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                       cl_event *done)
{
    cls_status st;
    if (done)
        *done = NULL;
    if (!ctx)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: ctx is NULL", op->name);
    cls__lock(ctx);
    st = op_run_unlocked(ctx, op, src, dst, num_wait, wait, done);
    cls__unlock(ctx);
    return st;
}
