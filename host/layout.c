/* Named layout conversions (NCHW <-> NHWC, NCL <-> NLC, NCDHW <-> NDHWC) and
 * channel-blocked formats, all built as views for the copy engine. */
#include <string.h>

#include "internal.h"
#include "reference/layout_ref.h"

/* Permute a densely packed src of src_sizes into a densely packed dst. */
static cls_status packed_permute(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                                 size_t dst_offset, cls_dtype dtype, int ndim,
                                 const int64_t *src_sizes, const int *perm, cl_uint num_wait,
                                 const cl_event *wait, cl_event *done)
{
    int64_t dst_sizes[CLS_MAX_DIMS];
    cls_tensor s, d;
    for (int i = 0; i < ndim; i++)
        dst_sizes[i] = src_sizes[perm[i]];
    s = cls_tensor_contiguous(src, src_offset, dtype, ndim, src_sizes);
    d = cls_tensor_contiguous(dst, dst_offset, dtype, ndim, dst_sizes);
    return cls_permute(ctx, &s, perm, &d, num_wait, wait, done);
}

cls_status cls_nchw_to_nhwc(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                            size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t h,
                            int64_t w, cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    const int64_t sizes[4] = {n, c, h, w};
    static const int perm[4] = {0, 2, 3, 1};
    return packed_permute(ctx, src, src_offset, dst, dst_offset, dtype, 4, sizes, perm, num_wait,
                          wait, done);
}

cls_status cls_nhwc_to_nchw(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                            size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t h,
                            int64_t w, cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    const int64_t sizes[4] = {n, h, w, c};
    static const int perm[4] = {0, 3, 1, 2};
    return packed_permute(ctx, src, src_offset, dst, dst_offset, dtype, 4, sizes, perm, num_wait,
                          wait, done);
}

cls_status cls_ncl_to_nlc(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                          size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t l,
                          cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    const int64_t sizes[3] = {n, c, l};
    static const int perm[3] = {0, 2, 1};
    return packed_permute(ctx, src, src_offset, dst, dst_offset, dtype, 3, sizes, perm, num_wait,
                          wait, done);
}

cls_status cls_nlc_to_ncl(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                          size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t l,
                          cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    const int64_t sizes[3] = {n, l, c};
    static const int perm[3] = {0, 2, 1};
    return packed_permute(ctx, src, src_offset, dst, dst_offset, dtype, 3, sizes, perm, num_wait,
                          wait, done);
}

cls_status cls_ncdhw_to_ndhwc(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                              size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t d,
                              int64_t h, int64_t w, cl_uint num_wait, const cl_event *wait,
                              cl_event *done)
{
    const int64_t sizes[5] = {n, c, d, h, w};
    static const int perm[5] = {0, 2, 3, 4, 1};
    return packed_permute(ctx, src, src_offset, dst, dst_offset, dtype, 5, sizes, perm, num_wait,
                          wait, done);
}

cls_status cls_ndhwc_to_ncdhw(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                              size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t d,
                              int64_t h, int64_t w, cl_uint num_wait, const cl_event *wait,
                              cl_event *done)
{
    const int64_t sizes[5] = {n, d, h, w, c};
    static const int perm[5] = {0, 4, 1, 2, 3};
    return packed_permute(ctx, src, src_offset, dst, dst_offset, dtype, 5, sizes, perm, num_wait,
                          wait, done);
}

cls_tensor cls_tensor_blocked(cl_mem buffer, size_t offset, cls_dtype dtype, int ndim,
                              const int64_t *sizes, int block)
{
    int64_t b[CLS_MAX_DIMS];
    cls_tensor t;
    if (!sizes || ndim < 2 || ndim > CLS_MAX_DIMS - 1 || block < 1 || block > 64) {
        memset(&t, 0, sizeof t);
        t.buffer = buffer;
        t.offset = offset;
        t.dtype = dtype;
        return t;
    }
    b[0] = sizes[0];
    b[1] = sizes[1] > 0 ? cls__ceil_div_i64(sizes[1], block) : sizes[1];
    for (int d = 2; d < ndim; d++)
        b[d] = sizes[d];
    b[ndim] = block;
    return cls_tensor_contiguous(buffer, offset, dtype, ndim + 1, b);
}

/* The plain and blocked shapes agree: blocked = (N, ceil(C/b), S..., b). */
static cls_status check_blocked(const char *op, const cls_tensor *plain, const cls_tensor *blocked,
                                int block)
{
    int k = plain->ndim;
    if (block < 1 || block > 64)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: block %d outside 1..64", op, block);
    if (plain->dtype != blocked->dtype)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: blocked dtype %s differs from plain dtype %s",
                         op, cls_dtype_name(blocked->dtype), cls_dtype_name(plain->dtype));
    if (k < 2 || blocked->ndim != k + 1)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: blocked tensor has %d dims but the plain one has %d (need plain "
                         "ndim + 1, plain ndim >= 2)",
                         op, blocked->ndim, k);
    if (blocked->sizes[k] != block)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: blocked.sizes[%d] = %lld is not the block %d",
                         op, k, (long long)blocked->sizes[k], block);
    if (blocked->sizes[1] != cls__ceil_div_i64(plain->sizes[1], block))
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "%s: blocked.sizes[1] = %lld but C = %lld needs %lld blocks of %d", op,
                         (long long)blocked->sizes[1], (long long)plain->sizes[1],
                         (long long)cls__ceil_div_i64(plain->sizes[1], block), block);
    for (int d = 0; d < k; d++)
        if (d != 1 && blocked->sizes[d] != plain->sizes[d])
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "%s: size mismatch: blocked.sizes[%d] = %lld but plain.sizes[%d] = "
                             "%lld",
                             op, d, (long long)blocked->sizes[d], d, (long long)plain->sizes[d]);
    return CLS_OK;
}

/* Views of blocks [q0, q0 + nq), lanes [lane0, lane0 + nlanes) in both
 * tensors, both shaped (N, nq, S..., nlanes). */
static void block_views(const cls_tensor *plain, const cls_tensor *blocked, int block, int64_t q0,
                        int64_t nq, int64_t lane0, int64_t nlanes, cls_tensor *pv, cls_tensor *bv)
{
    int k = plain->ndim;
    size_t es = cls_dtype_size(plain->dtype);
    *bv = *blocked;
    bv->sizes[1] = nq;
    bv->sizes[k] = nlanes;
    bv->offset += (size_t)(q0 * blocked->strides[1] + lane0 * blocked->strides[k]) * es;
    *pv = *bv;
    pv->buffer = plain->buffer;
    pv->offset = plain->offset + (size_t)((q0 * block + lane0) * plain->strides[1]) * es;
    pv->strides[0] = plain->strides[0];
    /* Saturates only where nq is 1 (the stride then never multiplies an index). */
    pv->strides[1] = cls__sat_mul_i64(plain->strides[1], block);
    for (int d = 2; d < k; d++)
        pv->strides[d] = plain->strides[d];
    pv->strides[k] = plain->strides[1];
}

/* Enqueue the full blocks, the partial last block and (pack) its zero
 * padding; one event for all of them. */
static cls_status enqueue_blocked(cls_context *ctx, int pack, const cls_tensor *plain,
                                  const cls_tensor *blocked, int block, cl_uint num_wait,
                                  const cl_event *wait, cl_event *ev)
{
    int64_t full = plain->sizes[1] / block, rem = plain->sizes[1] % block;
    cl_event parts[3];
    cls_tensor pv, bv;
    int n = 0;
    cl_int err;
    cls_status st = CLS_OK;
    /* Every kernel first: a build failure must not leave parts running. */
    if (full > 0) {
        block_views(plain, blocked, block, 0, full, 0, block, &pv, &bv);
        st = pack ? cls__copy_prepare(ctx, &pv, &bv, 0) : cls__copy_prepare(ctx, &bv, &pv, 0);
    }
    if (st == CLS_OK && rem > 0) {
        block_views(plain, blocked, block, full, 1, 0, rem, &pv, &bv);
        st = pack ? cls__copy_prepare(ctx, &pv, &bv, 0) : cls__copy_prepare(ctx, &bv, &pv, 0);
    }
    if (st == CLS_OK && rem > 0 && pack) {
        block_views(plain, blocked, block, full, 1, rem, block - rem, &pv, &bv);
        st = cls__copy_prepare(ctx, NULL, &bv, 1);
    }
    if (st != CLS_OK)
        return st;
    if (full > 0) {
        block_views(plain, blocked, block, 0, full, 0, block, &pv, &bv);
        st = pack ? cls__copy_enqueue(ctx, &pv, &bv, num_wait, wait, &parts[n])
                  : cls__copy_enqueue(ctx, &bv, &pv, num_wait, wait, &parts[n]);
        n += st == CLS_OK;
    }
    if (st == CLS_OK && rem > 0) {
        block_views(plain, blocked, block, full, 1, 0, rem, &pv, &bv);
        st = pack ? cls__copy_enqueue(ctx, &pv, &bv, num_wait, wait, &parts[n])
                  : cls__copy_enqueue(ctx, &bv, &pv, num_wait, wait, &parts[n]);
        n += st == CLS_OK;
    }
    if (st == CLS_OK && rem > 0 && pack) {
        block_views(plain, blocked, block, full, 1, rem, block - rem, &pv, &bv);
        st = cls__copy_fill_zero(ctx, &bv, num_wait, wait, &parts[n]);
        n += st == CLS_OK;
    }
    if (st == CLS_OK && n == 1) {
        *ev = parts[0];
        return CLS_OK;
    }
    if (st == CLS_OK) {
        err = clEnqueueMarkerWithWaitList(ctx->queue, (cl_uint)n, parts, ev);
        if (err != CL_SUCCESS)
            st = cls__fail_cl(err, "clEnqueueMarkerWithWaitList (blocked)");
    }
    /* Failed half-way: the caller may free its buffers once we return. */
    if (st != CLS_OK && n > 0)
        clWaitForEvents((cl_uint)n, parts);
    for (int i = 0; i < n; i++)
        clReleaseEvent(parts[i]);
    return st;
}

/* op->arg: the block; pack (plain -> blocked) is told by the name. */
static int is_pack(const cls__op *op)
{
    return strcmp(op->name, "cls_blocked_pack") == 0;
}

static cls_status blocked_check(const cls__op *op, const cls_tensor *src, const cls_tensor *dst)
{
    int pack = is_pack(op);
    return check_blocked(op->name, pack ? src : dst, pack ? dst : src, *(const int *)op->arg);
}

static cls_status blocked_enqueue(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                                  const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                                  cl_event *ev)
{
    int pack = is_pack(op);
    return enqueue_blocked(ctx, pack, pack ? src : dst, pack ? dst : src, *(const int *)op->arg,
                           num_wait, wait, ev);
}

static cls_status blocked_op(cls_context *ctx, int pack, const cls_tensor *src,
                             const cls_tensor *dst, int block, cl_uint num_wait,
                             const cl_event *wait, cl_event *done)
{
    cls__op op = {pack ? "cls_blocked_pack" : "cls_blocked_unpack",
                  &block,
                  blocked_check,
                  blocked_enqueue,
                  pack ? cls__ref_blocked_pack : cls__ref_blocked_unpack,
                  NULL};
    return cls__op_run(ctx, &op, src, dst, num_wait, wait, done);
}

cls_status cls_blocked_pack(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                            int block, cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    return blocked_op(ctx, 1, src, dst, block, num_wait, wait, done);
}

cls_status cls_blocked_unpack(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int block, cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    return blocked_op(ctx, 0, src, dst, block, num_wait, wait, done);
}
