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

static cls_status permute_check(const cls__op *op, const cls_tensor *src, const cls_tensor *dst)
{
    return check_perm(src, op->arg, dst);
}

/* The permuted view of src has dst's logical shape. */
static cls_status permute_enqueue(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                                  const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                                  cl_event *ev)
{
    const int *perm = op->arg;
    cls_tensor view = *src;
    for (int i = 0; i < src->ndim; i++) {
        view.sizes[i] = src->sizes[perm[i]];
        view.strides[i] = src->strides[perm[i]];
    }
    return cls__copy_enqueue(ctx, &view, dst, num_wait, wait, ev);
}

cls_status cls_permute(cls_context *ctx, const cls_tensor *src, const int *perm,
                       const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                       cl_event *done)
{
    const cls__op op = {"cls_permute",    perm, permute_check, permute_enqueue,
                        cls__ref_permute, NULL};
    return cls__op_run(ctx, &op, src, dst, num_wait, wait, done);
}
