/* cls_copy: move every element between two views of the same logical shape. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "reference/reference.h"

cls_status cls__copy_enqueue(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                             cl_uint num_wait, const cl_event *wait, cl_event *ev)
{
    size_t es = cls_dtype_size(src->dtype);
    char opts[64];
    cl_kernel k;
    cl_long8 sizes = {{0}}, ss = {{0}}, ds = {{0}};
    cl_ulong soff = src->offset / es, doff = dst->offset / es;
    cl_ulong total = (cl_ulong)cls_tensor_numel(src);
    cl_int ndim = src->ndim, err = CL_SUCCESS;
    size_t local = 64, global;
    cls_status st;

    snprintf(opts, sizeof opts, "-DELEM_SIZE=%zu", es);
    st = cls__kernel_get(ctx, "copy", opts, "copy_generic", &k);
    if (st != CLS_OK)
        return st;
    for (int d = 0; d < CLS_MAX_DIMS; d++) {
        sizes.s[d] = d < ndim ? src->sizes[d] : 1;
        ss.s[d] = d < ndim ? src->strides[d] : 0;
        ds.s[d] = d < ndim ? dst->strides[d] : 0;
    }
    global = (size_t)((total + local - 1) / local * local);
    err |= clSetKernelArg(k, 0, sizeof(cl_mem), &src->buffer);
    err |= clSetKernelArg(k, 1, sizeof soff, &soff);
    err |= clSetKernelArg(k, 2, sizeof(cl_mem), &dst->buffer);
    err |= clSetKernelArg(k, 3, sizeof doff, &doff);
    err |= clSetKernelArg(k, 4, sizeof ndim, &ndim);
    err |= clSetKernelArg(k, 5, sizeof sizes, &sizes);
    err |= clSetKernelArg(k, 6, sizeof ss, &ss);
    err |= clSetKernelArg(k, 7, sizeof ds, &ds);
    err |= clSetKernelArg(k, 8, sizeof total, &total);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clSetKernelArg (copy_generic)");
    err = clEnqueueNDRangeKernel(ctx->queue, k, 1, NULL, &global, &local, num_wait, wait, ev);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clEnqueueNDRangeKernel (copy_generic)");
    return CLS_OK;
}

cls_status cls_copy(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                    cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    cl_event ev = NULL;
    cls_status st;
    if (done)
        *done = NULL;
    if (!ctx)
        return cls__fail(CLS_ERR_INVALID_ARG, "ctx is NULL");
    if ((st = cls__tensor_check(src, "src")) != CLS_OK ||
        (st = cls__tensor_check(dst, "dst")) != CLS_OK ||
        (st = cls__tensors_same_shape(src, dst)) != CLS_OK ||
        (st = cls__check_wait_list(num_wait, wait)) != CLS_OK)
        return st;
    if (cls__tensors_overlap(src, dst))
        return cls__fail(CLS_ERR_OVERLAP, "cls_copy: dst overlaps src in the same buffer");
    if (cls_tensor_numel(src) == 0)
        return cls__enqueue_noop(ctx, num_wait, wait, done);
    st = cls__copy_enqueue(ctx, src, dst, num_wait, wait, &ev);
    if (st == CLS_OK && ctx->verify)
        st = cls__verify_layout(ctx, src, dst, ev, cls__ref_copy, NULL);
    if (st == CLS_OK && done)
        *done = ev;
    else if (ev)
        clReleaseEvent(ev);
    return st;
}
