/* Depth-to-space and space-to-depth: argument checks, then views for the copy engine.
 *
 * The op is lowered to one copy between two 6-D views of the same logical
 * shape (n, c, h, i, w, j), i < block_h and j < block_w: the space tensor
 * (N, C, H*bh, W*bw) seen with its row split into (h, i) and its column into
 * (w, j), and the deep tensor (N, C*bh*bw, H, W) seen with its channel split
 * as the mode says (DCR: channel (i*bw + j)*C + c; CRD: c*bh*bw + i*bw + j).
 * Depth-to-space copies deep -> space, space-to-depth space -> deep. A 1-D
 * tensor (N, C, L) is the same with H = 1 and block_h = 1. */
#include <stdio.h>

#include "internal.h"
#include "reference/d2s_ref.h"

/* Logical sizes of a deep or space operand: (N, C, H, W), H = 1 for 1-D. */
typedef struct shape4 {
    int64_t n, c, h, w;
} shape4;

static shape4 shape_of(const cls_tensor *t)
{
    if (t->ndim == 3)
        return (shape4){t->sizes[0], t->sizes[1], 1, t->sizes[2]};
    return (shape4){t->sizes[0], t->sizes[1], t->sizes[2], t->sizes[3]};
}

/* "[1, 2, 3, 4]" or "[1, 2, 4]" for a 4-D or 1-D shape. */
static const char *shape_str(shape4 s, int ndim, char *buf, size_t size)
{
    if (ndim == 3)
        snprintf(buf, size, "[%lld, %lld, %lld]", (long long)s.n, (long long)s.c, (long long)s.w);
    else
        snprintf(buf, size, "[%lld, %lld, %lld, %lld]", (long long)s.n, (long long)s.c,
                 (long long)s.h, (long long)s.w);
    return buf;
}

/* Checks the block, the mode and that src and dst are a pair of the right
 * ranks and dtypes; the sizes are checked by check_sizes(). */
static cls_status check_form(const char *op, const cls_tensor *src, const cls_tensor *dst, int bh,
                             int bw, cls_d2s_mode mode)
{
    if (bh < 1 || bw < 1)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: block %d x %d: block_h and block_w must be >= 1",
                         op, bh, bw);
    if (mode != CLS_DCR && mode != CLS_CRD)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: mode %d is neither CLS_DCR nor CLS_CRD", op,
                         (int)mode);
    if (src->dtype != dst->dtype)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: dst dtype %s differs from src dtype %s", op,
                         cls_dtype_name(dst->dtype), cls_dtype_name(src->dtype));
    if (src->ndim != 3 && src->ndim != 4)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: src has %d dims; expected 4 (N, C, H, W) or 3 (N, C, L)", op,
                         src->ndim);
    if (dst->ndim != src->ndim)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: dst has %d dims but src has %d", op, dst->ndim,
                         src->ndim);
    if (src->ndim == 3 && bh != 1)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: 1-D tensors (N, C, L) need block_h == 1, got block %d x %d", op, bh,
                         bw);
    return CLS_OK;
}

/* Checks that the deep and space sizes belong together for the block. */
static cls_status check_sizes(const char *op, const cls_tensor *deep, const cls_tensor *space,
                              int bh, int bw, int s2d)
{
    shape4 d = shape_of(deep), s = shape_of(space), want;
    int64_t bb = (int64_t)bh * bw;
    char a[96], b[96], c[96];
    if (!s2d && d.c % bb != 0)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: src channels %lld are not divisible by block_h * block_w = %lld "
                         "(block %d x %d)",
                         op, (long long)d.c, (long long)bb, bh, bw);
    if (s2d && (s.h % bh != 0 || s.w % bw != 0))
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: src spatial size %lld x %lld is not divisible by block %d x %d", op,
                         (long long)s.h, (long long)s.w, bh, bw);
    if (s2d) {
        want = (shape4){s.n, 0, s.h / bh, s.w / bw};
        if (cls__mul_i64(s.c, bb, &want.c))
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "%s: src channels %lld times block %d x %d overflow 64 bits", op,
                             (long long)s.c, bh, bw);
    } else {
        want = (shape4){d.n, d.c / bb, 0, 0};
        if (cls__mul_i64(d.h, bh, &want.h) || cls__mul_i64(d.w, bw, &want.w))
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "%s: src spatial size %lld x %lld times block %d x %d overflows "
                             "64 bits",
                             op, (long long)d.h, (long long)d.w, bh, bw);
    }
    if (s2d ? (d.n != want.n || d.c != want.c || d.h != want.h || d.w != want.w)
            : (s.n != want.n || s.c != want.c || s.h != want.h || s.w != want.w))
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: dst sizes %s do not match %s expected from src %s and block %d x %d",
                         op, shape_str(s2d ? d : s, deep->ndim, a, sizeof a),
                         shape_str(want, deep->ndim, b, sizeof b),
                         shape_str(s2d ? s : d, deep->ndim, c, sizeof c), bh, bw);
    return CLS_OK;
}

/* Strides of one operand as (n, c, h, w); h gets stride 0 for 1-D. */
static void strides4(const cls_tensor *t, int64_t st[4])
{
    st[0] = t->strides[0];
    st[1] = t->strides[1];
    st[2] = t->ndim == 3 ? 0 : t->strides[2];
    st[3] = t->strides[t->ndim - 1];
}

void cls__d2s_views(const cls_tensor *deep, const cls_tensor *space, int bh, int bw,
                    cls_d2s_mode mode, cls_tensor *vdeep, cls_tensor *vspace)
{
    shape4 s = shape_of(space);
    int64_t ds[4], ss[4], C = s.c;
    int64_t sizes[6] = {s.n, C, s.h / bh, bh, s.w / bw, bw};
    strides4(deep, ds);
    strides4(space, ss);
    {
        /* Deep channel steps of c, i and j from the channel map. The products
         * saturate only on axes of size 1 (an axis of size > 1 keeps its step
         * inside the validated extent), where no index multiplies them. */
        int64_t base = cls__chan_index(mode, 0, 0, 0, C, bh, bw);
        int64_t step_c = cls__chan_index(mode, 1, 0, 0, C, bh, bw) - base;
        int64_t step_i = cls__chan_index(mode, 0, 1, 0, C, bh, bw) - base;
        int64_t step_j = cls__chan_index(mode, 0, 0, 1, C, bh, bw) - base;
        int64_t dsv[6] = {ds[0], cls__sat_mul_i64(ds[1], step_c),
                          ds[2], cls__sat_mul_i64(ds[1], step_i),
                          ds[3], cls__sat_mul_i64(ds[1], step_j)};
        int64_t ssv[6] = {
            ss[0], ss[1], cls__sat_mul_i64(ss[2], bh), ss[2], cls__sat_mul_i64(ss[3], bw), ss[3]};
        *vdeep = *deep;
        *vspace = *space;
        vdeep->ndim = vspace->ndim = 6;
        for (int k = 0; k < 6; k++) {
            vdeep->sizes[k] = vspace->sizes[k] = sizes[k];
            vdeep->strides[k] = dsv[k];
            vspace->strides[k] = ssv[k];
        }
    }
}

static cls_status d2s_check(const cls__op *op, const cls_tensor *src, const cls_tensor *dst)
{
    const cls__d2s_ref_arg *a = op->arg;
    cls_status st = check_form(op->name, src, dst, a->block_h, a->block_w, a->mode);
    return st != CLS_OK
               ? st
               : check_sizes(op->name, a->space_to_depth ? dst : src, a->space_to_depth ? src : dst,
                             a->block_h, a->block_w, a->space_to_depth);
}

/* Both directions as one copy between the deep tensor's and the spatial
 * tensor's 6-D views. */
static cls_status d2s_enqueue(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                              const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                              cl_event *ev)
{
    const cls__d2s_ref_arg *a = op->arg;
    cls_tensor vdeep, vspace;
    cls__d2s_views(a->space_to_depth ? dst : src, a->space_to_depth ? src : dst, a->block_h,
                   a->block_w, a->mode, &vdeep, &vspace);
    return cls__copy_enqueue_views(ctx, a->space_to_depth ? &vspace : &vdeep,
                                   a->space_to_depth ? &vdeep : &vspace, 1, num_wait, wait, ev);
}

static cls_status run(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst, int bh,
                      int bw, cls_d2s_mode mode, int s2d, cl_uint num_wait, const cl_event *wait,
                      cl_event *done)
{
    cls__d2s_ref_arg arg = {bh, bw, mode, s2d};
    cls__op op = {s2d ? "space_to_depth" : "depth_to_space",
                  &arg,
                  d2s_check,
                  d2s_enqueue,
                  cls__ref_depth_to_space,
                  NULL};
    return cls__op_run(ctx, &op, src, dst, num_wait, wait, done);
}

cls_status cls_depth_to_space(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int block_h, int block_w, cls_d2s_mode mode, cl_uint num_wait,
                              const cl_event *wait, cl_event *done)
{
    return run(ctx, src, dst, block_h, block_w, mode, 0, num_wait, wait, done);
}

cls_status cls_space_to_depth(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int block_h, int block_w, cls_d2s_mode mode, cl_uint num_wait,
                              const cl_event *wait, cl_event *done)
{
    return run(ctx, src, dst, block_h, block_w, mode, 1, num_wait, wait, done);
}

cls_status cls_pixel_shuffle(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst, int r,
                             cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    return run(ctx, src, dst, r, r, CLS_CRD, 0, num_wait, wait, done);
}

cls_status cls_pixel_unshuffle(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                               int r, cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    return run(ctx, src, dst, r, r, CLS_CRD, 1, num_wait, wait, done);
}
