/* The copy roofline: plain and non-temporal copy kernels and clEnqueueCopyBuffer, per byte count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "internal.h"

/* Byte counts closer than this (relative) share one roofline point. */
#define MERGE_TOLERANCE 0.25

typedef struct roof_arg {
    bench *b;
    cl_kernel kernel; /* NULL: clEnqueueCopyBuffer */
    cl_mem src, dst;
    cl_ulong n;       /* vectors per side */
    cl_ulong vec;     /* bytes per vector: 16 (copy), 64 (non-temporal copy) */
} roof_arg;

static cls_status roof_enqueue(void *p, cl_event *ev)
{
    roof_arg *a = p;
    cl_int err;
    if (!a->kernel) {
        err =
            clEnqueueCopyBuffer(a->b->queue, a->src, a->dst, 0, 0, (size_t)a->n * 16, 0, NULL, ev);
    } else {
        /* A round global size lets the driver pick a good work-group size
         * (PoCL takes a divisor of an odd global size: tiny groups). */
        size_t global = (size_t)((a->n + 1023) / 1024 * 1024);
        err = clSetKernelArg(a->kernel, 0, sizeof(cl_mem), &a->src);
        err |= clSetKernelArg(a->kernel, 1, sizeof(cl_mem), &a->dst);
        err |= clSetKernelArg(a->kernel, 2, sizeof a->n, &a->n);
        if (err == CL_SUCCESS)
            err =
                clEnqueueNDRangeKernel(a->b->queue, a->kernel, 1, NULL, &global, NULL, 0, NULL, ev);
    }
    return err == CL_SUCCESS ? CLS_OK : cls__fail_cl(err, "roofline enqueue");
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Distinct byte counts of the planned cases, near-equal ones merged (the
 * largest of a group is kept). */
static int roof_sizes(const bench *b, uint64_t *out, int max)
{
    uint64_t *all = malloc(sizeof *all * (size_t)(b->num_cases + 1)), first = 0;
    int n = 0, k = 0;
    if (!all)
        return 0;
    for (int i = 0; i < b->num_cases; i++)
        if (b->cases[i].rec.bytes >= 64)
            all[n++] = b->cases[i].rec.bytes;
    qsort(all, (size_t)n, sizeof *all, cmp_u64);
    for (int i = 0; i < n; i++) {
        if (k > 0 && (double)all[i] <= (double)first * (1.0 + MERGE_TOLERANCE))
            out[k - 1] = all[i];
        else if (k < max)
            out[k++] = first = all[i];
    }
    free(all);
    return k;
}

static double measure(bench *b, roof_arg *a)
{
    bench_timing t;
    double min_time = b->opts.min_time > 0.1 ? b->opts.min_time : 0.1;
    if (bench_time(b->queue, roof_enqueue, a, 1, min_time, &t) != CLS_OK)
        return NAN;
    return 2.0 * (double)(a->n * a->vec) / t.median_s * 1e-9;
}

/* Whether the compiler gave roofline_copy_nt real non-temporal stores. */
static int nt_available(bench *b)
{
    cl_kernel k;
    cl_int flag = 0;
    cl_mem m;
    size_t one = 1;
    if (cls__kernel_get(b->ctx, "roofline", "", "roofline_has_nt", &k) != CLS_OK)
        return 0;
    m = bench_buffer(b, sizeof flag, &flag);
    if (!m)
        return 0;
    if (clSetKernelArg(k, 0, sizeof m, &m) != CL_SUCCESS ||
        clEnqueueNDRangeKernel(b->queue, k, 1, NULL, &one, NULL, 0, NULL, NULL) != CL_SUCCESS ||
        bench_download(b, m, &flag, sizeof flag) != 0)
        flag = 0;
    clReleaseMemObject(m);
    return flag != 0;
}

/* The larger of a point's figure and a new one (NAN: not measured). */
static double best(double old, double now)
{
    return isnan(old) || now > old ? now : old;
}

/* Copy about bytes (read + write) in vectors of vec bytes. */
static void set_size(roof_arg *a, uint64_t bytes, cl_ulong vec)
{
    a->vec = vec;
    a->n = bytes / (2 * vec) ? bytes / (2 * vec) : 1;
}

/* Measure every point: the first pass sets the byte counts and all three
 * kinds; a later pass (again) keeps the better copy-kernel figures. */
static void measure_points(bench *b, roof_arg *a, cl_kernel kvec, cl_kernel knt, int again)
{
    for (int i = 0; i < b->hdr.num_roof; i++) {
        bench_roof_point *p = &b->hdr.roof[i];
        bench_progress(b, "roofline %s%d/%d: %.1f MiB", again ? "again " : "", i + 1,
                       b->hdr.num_roof, (double)p->bytes / 1048576.0);
        a->kernel = kvec;
        set_size(a, p->bytes, 16);
        p->vec_gbps = best(again ? p->vec_gbps : NAN, measure(b, a));
        a->kernel = knt;
        set_size(a, p->bytes, 64);
        if (b->hdr.nt_available)
            p->nt_gbps = best(again ? p->nt_gbps : NAN, measure(b, a));
        else
            p->nt_gbps = NAN;
        a->kernel = NULL;
        set_size(a, p->bytes, 16);
        if (!again)
            p->enq_gbps = measure(b, a);
    }
}

cls_status bench_roofline(bench *b, int again)
{
    uint64_t sizes[BENCH_MAX_ROOF];
    roof_arg a = {b, NULL, NULL, NULL, 0, 16};
    cl_kernel kvec, knt;
    cls_status st;
    size_t side;
    if (!again) {
        b->hdr.num_roof = roof_sizes(b, sizes, BENCH_MAX_ROOF);
        for (int i = 0; i < b->hdr.num_roof; i++)
            b->hdr.roof[i].bytes = sizes[i];
    }
    if (b->hdr.num_roof == 0)
        return CLS_OK;
    if ((st = cls__kernel_get(b->ctx, "roofline", "", "roofline_copy", &kvec)) != CLS_OK ||
        (st = cls__kernel_get(b->ctx, "roofline", "", "roofline_copy_nt", &knt)) != CLS_OK)
        return st;
    b->hdr.nt_available = nt_available(b);
    side = (size_t)(b->hdr.roof[b->hdr.num_roof - 1].bytes / 128 + 1) * 64;
    a.src = bench_buffer(b, side, NULL);
    a.dst = bench_buffer(b, side, NULL);
    if (a.src && a.dst)
        measure_points(b, &a, kvec, knt, again);
    else
        st = cls__fail(CLS_ERR_OUT_OF_MEMORY, "roofline: cannot allocate 2 x %zu bytes", side);
    if (a.src)
        clReleaseMemObject(a.src);
    if (a.dst)
        clReleaseMemObject(a.dst);
    return st;
}

static cls_status empty_enqueue(void *p, cl_event *ev)
{
    roof_arg *a = p;
    size_t one = 1;
    cl_int err = clSetKernelArg(a->kernel, 0, sizeof(cl_mem), &a->src);
    if (err == CL_SUCCESS)
        err = clEnqueueNDRangeKernel(a->b->queue, a->kernel, 1, NULL, &one, NULL, 0, NULL, ev);
    return err == CL_SUCCESS ? CLS_OK : cls__fail_cl(err, "roofline_empty");
}

cls_status bench_empty_kernel_latency(bench *b, double *median_s)
{
    roof_arg a = {b, NULL, NULL, NULL, 0, 16};
    bench_timing t;
    cls_status st = cls__kernel_get(b->ctx, "roofline", "", "roofline_empty", &a.kernel);
    *median_s = NAN;
    if (st != CLS_OK)
        return st;
    a.src = bench_buffer(b, 64, NULL);
    if (!a.src)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "empty kernel: no buffer");
    st = bench_time(b->queue, empty_enqueue, &a, 0, b->opts.min_time, &t);
    clReleaseMemObject(a.src);
    *median_s = t.median_s;
    return st;
}
