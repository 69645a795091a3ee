/* cls_permute: a permuted view of src copied into dst by the copy engine. */
#include "internal.h"
#include "reference/layout_ref.h"

/* perm is a permutation of 0..ndim-1 and dst has the permuted sizes. */
static cls_status check_perm(const cls_tensor *src, const int *perm, const cls_tensor *dst)
{
    char a[160], b[160];
    int seen[CLS_MAX_DIMS] = {0};
    if (!perm)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_permute: perm is NULL");
    if (src->dtype != dst->dtype)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_permute: dst dtype %s differs from src dtype %s",
                         cls_dtype_name(dst->dtype), cls_dtype_name(src->dtype));
    if (src->ndim != dst->ndim)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_permute: dst ndim %d differs from src ndim %d",
                         dst->ndim, src->ndim);
    for (int i = 0; i < src->ndim; i++) {
        if (perm[i] < 0 || perm[i] >= src->ndim)
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "cls_permute: perm[%d] = %d is outside 0..%d (not a permutation)", i,
                             perm[i], src->ndim - 1);
        if (seen[perm[i]])
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "cls_permute: perm[%d] = %d is a duplicate axis (not a permutation)",
                             i, perm[i]);
        seen[perm[i]] = 1;
    }
    for (int i = 0; i < src->ndim; i++)
        if (dst->sizes[i] != src->sizes[perm[i]])
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "cls_permute: size mismatch: dst.sizes[%d] = %lld but "
                             "src.sizes[perm[%d] = %d] = %lld (dst %s, src %s)",
                             i, (long long)dst->sizes[i], i, perm[i],
                             (long long)src->sizes[perm[i]], cls__shape_str(dst, a, sizeof a),
                             cls__shape_str(src, b, sizeof b));
    return CLS_OK;
}

static cls_status permute_op(cls_context *ctx, const cls_tensor *src, const int *perm,
                             const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                             cl_event *done)
{
    cls_tensor view;
    cl_event ev = NULL;
    cls_status st;
    if (done)
        *done = NULL;
    if (!ctx)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_permute: ctx is NULL");
    if ((st = cls__tensor_check(src, "src")) != CLS_OK ||
        (st = cls__tensor_check(dst, "dst")) != CLS_OK ||
        (st = check_perm(src, perm, dst)) != CLS_OK ||
        (st = cls__op_check(ctx, src, dst, num_wait, wait)) != CLS_OK)
        return st;
    if (cls__tensors_overlap(src, dst))
        return cls__fail(CLS_ERR_OVERLAP, "cls_permute: dst overlaps src in the same buffer");
    if (cls_tensor_numel(src) == 0)
        return cls__enqueue_noop(ctx, num_wait, wait, done);
    /* The permuted view of src has dst's logical shape. */
    view = *src;
    for (int i = 0; i < src->ndim; i++) {
        view.sizes[i] = src->sizes[perm[i]];
        view.strides[i] = src->strides[perm[i]];
    }
    st = cls__copy_enqueue(ctx, &view, dst, num_wait, wait, &ev);
    if (st == CLS_OK && ctx->verify)
        st = cls__verify_layout(ctx, src, dst, ev, cls__ref_permute, perm);
    if (st == CLS_OK && done)
        *done = ev;
    else if (ev)
        clReleaseEvent(ev);
    return st;
}

cls_status cls_permute(cls_context *ctx, const cls_tensor *src, const int *perm,
                       const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                       cl_event *done)
{
    cls_status st;
    if (!ctx)
        return permute_op(ctx, src, perm, dst, num_wait, wait, done);
    cls__lock(ctx);
    st = permute_op(ctx, src, perm, dst, num_wait, wait, done);
    cls__unlock(ctx);
    return st;
}
