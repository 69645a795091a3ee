/* Depth-to-space fast paths: match a lowered view pair to the d2s kernels. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Streams a d2s kernel variant handles; larger blocks use the copy engine. */
#define MAX_FACTOR 8
/* Elements of dst one work-item moves when a row is split into chunks. */
#define CHUNK_ELEMS 4096

/* One axis of a view pair: its size and element strides in src and dst. */
typedef struct axis {
    int64_t size, s, d;
} axis;

/* A matched kernel launch. */
typedef struct plan {
    const char *kernel; /* "d2s_interleave" or "d2s_deinterleave" */
    int factor;
    int64_t len, group, stream;
    axis outer[4]; /* outermost first, padded with size-1 axes at the front */
} plan;

/* Axes of size > 1 sorted by dst stride (largest first), merged where they are
 * contiguous on both sides. Returns the number of axes. */
static int canonical_axes(const cls_tensor *src, const cls_tensor *dst, axis *ax)
{
    int n = 0, m = 0;
    for (int k = 0; k < src->ndim; k++)
        if (src->sizes[k] > 1)
            ax[n++] = (axis){src->sizes[k], src->strides[k], dst->strides[k]};
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && ax[k - 1].d < ax[k].d; k--) {
            axis t = ax[k];
            ax[k] = ax[k - 1];
            ax[k - 1] = t;
        }
    for (int k = 0; k < n; k++) {
        if (m > 0 && ax[m - 1].s == ax[k].s * ax[k].size && ax[m - 1].d == ax[k].d * ax[k].size) {
            ax[m - 1].size *= ax[k].size;
            ax[m - 1].s = ax[k].s;
            ax[m - 1].d = ax[k].d;
        } else {
            ax[m++] = ax[k];
        }
    }
    return m;
}

/* Fill p from axes jj (the streams, or -1 for a run copy) and ww (the run);
 * the other axes become outer ones. Returns 0 when more than four remain. */
static int make_plan(const axis *ax, int n, int jj, int ww, int deinterleave, plan *p)
{
    int k, o = 0;
    axis rest[CLS_MAX_DIMS];
    memset(p, 0, sizeof *p);
    for (k = 0; k < n; k++)
        if (k != jj && k != ww)
            rest[o++] = ax[k];
    if (o > 4)
        return 0;
    for (k = 0; k < 4; k++)
        p->outer[k] = k < 4 - o ? (axis){1, 0, 0} : rest[k - (4 - o)];
    p->kernel = deinterleave ? "d2s_deinterleave" : "d2s_interleave";
    p->factor = jj < 0 ? 1 : (int)ax[jj].size;
    p->len = ax[ww].size;
    p->group = deinterleave ? ax[ww].s : ax[ww].d;
    p->stream = jj < 0 ? 0 : deinterleave ? ax[jj].d : ax[jj].s;
    return 1;
}

/* Pick the candidate with the longest contiguous run: a run copy (unit
 * strides on both sides), an interleave (streams at dst stride 1, run at src
 * stride 1) or a deinterleave (the mirror image). */
static int match(const axis *ax, int n, plan *best)
{
    plan p;
    int found = 0;
    memset(&p, 0, sizeof p);
    for (int w = 0; w < n; w++)
        for (int j = -1; j < n; j++) {
            int ok = 0, de = 0;
            if (j == w)
                continue;
            if (j < 0)
                ok = ax[w].s == 1 && ax[w].d == 1;
            else if (ax[j].size <= MAX_FACTOR && ax[j].d == 1 && ax[w].s == 1)
                ok = 1;
            else if (ax[j].size <= MAX_FACTOR && ax[j].s == 1 && ax[w].d == 1)
                ok = de = 1;
            if (ok && make_plan(ax, n, j, w, de, &p) &&
                (!found || p.len * p.factor > best->len * best->factor)) {
                *best = p;
                found = 1;
            }
        }
    return found;
}

/* Set the kernel arguments of plan p and enqueue it. */
static cls_status launch(cls_context *ctx, const plan *p, const cls_tensor *src,
                         const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                         cl_event *ev)
{
    size_t es = cls_dtype_size(src->dtype);
    char opts[96];
    cl_kernel k;
    cl_ulong soff = src->offset / es, doff = dst->offset / es;
    cl_long len = p->len, group = p->group, stream = p->stream;
    cl_long chunk = p->len, target = CHUNK_ELEMS / p->factor;
    cl_long4 osz, oss, ods;
    size_t global[3];
    cl_int err = CL_SUCCESS;
    cls_status st;
    int used = snprintf(opts, sizeof opts, "-DELEM_SIZE=%zu -DFACTOR=%d", es, p->factor);
    if (p->group == p->factor)
        snprintf(opts + used, sizeof opts - (size_t)used, " -DGROUP=%d", p->factor);
    if ((st = cls__kernel_get(ctx, "d2s", opts, p->kernel, &k)) != CLS_OK)
        return st;
    if (chunk > 2 * target)
        chunk = target;
    for (int i = 0; i < 4; i++) {
        osz.s[i] = p->outer[i].size;
        oss.s[i] = p->outer[i].s;
        ods.s[i] = p->outer[i].d;
    }
    global[0] = (size_t)((len + chunk - 1) / chunk);
    global[1] = (size_t)(osz.s[2] * osz.s[3]);
    global[2] = (size_t)(osz.s[0] * osz.s[1]);
    err |= clSetKernelArg(k, 0, sizeof(cl_mem), &src->buffer);
    err |= clSetKernelArg(k, 1, sizeof soff, &soff);
    err |= clSetKernelArg(k, 2, sizeof(cl_mem), &dst->buffer);
    err |= clSetKernelArg(k, 3, sizeof doff, &doff);
    err |= clSetKernelArg(k, 4, sizeof len, &len);
    err |= clSetKernelArg(k, 5, sizeof group, &group);
    err |= clSetKernelArg(k, 6, sizeof stream, &stream);
    err |= clSetKernelArg(k, 7, sizeof chunk, &chunk);
    err |= clSetKernelArg(k, 8, sizeof osz, &osz);
    err |= clSetKernelArg(k, 9, sizeof oss, &oss);
    err |= clSetKernelArg(k, 10, sizeof ods, &ods);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clSetKernelArg (d2s)");
    err = clEnqueueNDRangeKernel(ctx->queue, k, 3, NULL, global, NULL, num_wait, wait, ev);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clEnqueueNDRangeKernel (d2s)");
    return CLS_OK;
}

cls_status cls__d2s_enqueue_views(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                                  cl_uint num_wait, const cl_event *wait, cl_event *ev)
{
    axis ax[CLS_MAX_DIMS];
    plan p;
    int n = canonical_axes(src, dst, ax);
    if (n == 0) {
        ax[0] = (axis){1, 1, 1};
        n = 1;
    }
    memset(&p, 0, sizeof p);
    if (match(ax, n, &p))
        return launch(ctx, &p, src, dst, num_wait, wait, ev);
    return cls__copy_enqueue(ctx, src, dst, num_wait, wait, ev);
}
