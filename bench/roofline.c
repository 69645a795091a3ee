/* The copy roofline: plain and non-temporal copy kernels and clEnqueueCopyBuffer, per byte count
 * over the run, and at one case's byte count next to it (the paired roofline). */
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
    cl_ulong n;   /* vectors per side */
    cl_ulong vec; /* bytes per vector: 16 (copy), 64 (non-temporal copy) */
} roof_arg;

/* bench/roofline.cl, embedded by bench/CMakeLists.txt. */
typedef struct bench_kernel_source {
    const char *name;
    const unsigned char *data;
    size_t size;
} bench_kernel_source;
extern const bench_kernel_source bench_kernel_sources[];

static const char *const roof_names[4] = {"roofline_copy", "roofline_copy_nt", "roofline_has_nt",
                                          "roofline_empty"};

/* The roofline program's kernel `name`, created once and kept until
 * bench_roofline_free(). The program comes from the library's program
 * cache (built once per context, with the device profile's -D options:
 * CLS_NT_STORE where the compiler has non-temporal stores). */
static cls_status roof_kernel(bench *b, const char *name, cl_kernel *k)
{
    int i = 0;
    while (i < 4 && strcmp(roof_names[i], name) != 0)
        i++;
    if (i == 4)
        return cls__fail(CLS_ERR_INVALID_ARG, "roofline: no kernel %s", name);
    if (!b->roof_kernels[i]) {
        cls_device_profile prof;
        cl_program p;
        cl_int err;
        cls_status st;
        if (cls_context_get_profile(b->ctx, &prof) != CLS_OK)
            prof.defines[0] = '\0';
        st = cls__program_get_source(b->ctx, "bench/roofline",
                                     (const char *)bench_kernel_sources[0].data,
                                     bench_kernel_sources[0].size, prof.defines, &p);
        if (st != CLS_OK)
            return st;
        b->roof_kernels[i] = clCreateKernel(p, name, &err);
        if (err != CL_SUCCESS) {
            b->roof_kernels[i] = NULL;
            return cls__fail_cl(err, "clCreateKernel (roofline)");
        }
    }
    *k = b->roof_kernels[i];
    return CLS_OK;
}

static cls_status roof_enqueue(void *p, cl_event *ev)
{
    roof_arg *a = p;
    cl_int err;
    if (!a->kernel) {
        err =
            clEnqueueCopyBuffer(a->b->queue, a->src, a->dst, 0, 0, (size_t)a->n * 16, 0, NULL, ev);
    } else {
        /* A round global size lets the driver pick a good work-group size
         * (PoCL takes a divisor of an odd global size: tiny groups). The
         * non-temporal copy takes strips of lines on CPUs. */
        cl_ulong per = a->vec == 64 && (a->b->info.type & CL_DEVICE_TYPE_CPU) ? 16 : 1;
        cl_ulong items = (a->n + per - 1) / per;
        size_t round = per > 1 ? 64 : 1024, global = (size_t)((items + round - 1) / round * round);
        err = clSetKernelArg(a->kernel, 0, sizeof(cl_mem), &a->src);
        err |= clSetKernelArg(a->kernel, 1, sizeof(cl_mem), &a->dst);
        err |= clSetKernelArg(a->kernel, 2, sizeof a->n, &a->n);
        if (a->vec == 64)
            err |= clSetKernelArg(a->kernel, 3, sizeof per, &per);
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
    if (roof_kernel(b, "roofline_has_nt", &k) != CLS_OK)
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

/* Allocate the copy buffers once, each half the largest case's bytes (read +
 * write) or more; kept until bench_roofline_release(). */
static cls_status roof_buffers(bench *b)
{
    uint64_t largest = 64;
    size_t side;
    for (int i = 0; i < b->num_cases; i++)
        if (b->cases[i].rec.bytes > largest)
            largest = b->cases[i].rec.bytes;
    side = (size_t)(largest / 128 + 1) * 64;
    if (b->roof_src && b->roof_dst && b->roof_side >= side)
        return CLS_OK;
    bench_roofline_release(b);
    b->roof_src = bench_buffer(b, side, NULL);
    b->roof_dst = bench_buffer(b, side, NULL);
    if (!b->roof_src || !b->roof_dst) {
        bench_roofline_release(b);
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "roofline: cannot allocate 2 x %zu bytes", side);
    }
    b->roof_side = side;
    return CLS_OK;
}

void bench_roofline_release(bench *b)
{
    if (b->roof_src)
        clReleaseMemObject(b->roof_src);
    if (b->roof_dst)
        clReleaseMemObject(b->roof_dst);
    b->roof_src = b->roof_dst = NULL;
    b->roof_side = 0;
}

void bench_roofline_free(bench *b)
{
    bench_roofline_release(b);
    for (int i = 0; i < 4; i++)
        if (b->roof_kernels[i])
            clReleaseKernel(b->roof_kernels[i]);
    memset(b->roof_kernels, 0, sizeof b->roof_kernels);
}

cls_status bench_roofline(bench *b, int again)
{
    uint64_t sizes[BENCH_MAX_ROOF];
    roof_arg a = {b, NULL, NULL, NULL, 0, 16};
    cl_kernel kvec, knt;
    cls_status st;
    if (!again) {
        b->hdr.num_roof = roof_sizes(b, sizes, BENCH_MAX_ROOF);
        for (int i = 0; i < b->hdr.num_roof; i++)
            b->hdr.roof[i].bytes = sizes[i];
    }
    if (b->hdr.num_roof == 0)
        return CLS_OK;
    if ((st = roof_kernel(b, "roofline_copy", &kvec)) != CLS_OK ||
        (st = roof_kernel(b, "roofline_copy_nt", &knt)) != CLS_OK)
        return st;
    b->hdr.nt_available = nt_available(b);
    if ((st = roof_buffers(b)) != CLS_OK)
        return st;
    a.src = b->roof_src;
    a.dst = b->roof_dst;
    measure_points(b, &a, kvec, knt, again);
    return CLS_OK;
}

cls_status bench_roofline_kernel(bench *b, uint64_t bytes, int kind, bench_enqueue_fn *fn,
                                 void **arg, uint64_t *moved)
{
    static roof_arg args[2];
    int nt = kind < 0 ? b->hdr.nt_available && bench_roofline_nt_at(&b->hdr, bytes) : kind != 0;
    roof_arg *a = &args[nt];
    cls_status st;
    if (nt && !b->hdr.nt_available)
        return cls__fail(CLS_ERR_UNSUPPORTED, "roofline: no non-temporal copy on this device");
    memset(a, 0, sizeof *a);
    a->b = b;
    if ((st = roof_kernel(b, nt ? "roofline_copy_nt" : "roofline_copy", &a->kernel)) != CLS_OK ||
        (st = roof_buffers(b)) != CLS_OK)
        return st;
    set_size(a, bytes, nt ? 64 : 16);
    if (a->n * a->vec > b->roof_side)
        return cls__fail(CLS_ERR_INVALID_ARG, "roofline: %llu bytes exceed the largest case",
                         (unsigned long long)bytes);
    a->src = b->roof_src;
    a->dst = b->roof_dst;
    *fn = roof_enqueue;
    *arg = a;
    *moved = 2 * a->n * a->vec;
    return CLS_OK;
}

cls_status bench_roofline_now(bench *b, uint64_t bytes, double *gbps)
{
    bench_enqueue_fn fn;
    void *arg = NULL;
    uint64_t moved;
    cls_status st = bench_roofline_kernel(b, bytes, -1, &fn, &arg, &moved);
    *gbps = NAN;
    if (st != CLS_OK)
        return st;
    *gbps = measure(b, arg);
    return isnan(*gbps) ? cls__fail(CLS_ERR_OPENCL, "roofline: the copy kernel failed") : CLS_OK;
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

/* One host-clock iteration of fn: enqueue, finish. */
static double wall_once(bench *b, bench_enqueue_fn fn, void *arg, cls_status *st)
{
    double t0 = bench_now();
    *st = fn(arg, NULL);
    if (*st == CLS_OK && clFinish(b->queue) != CL_SUCCESS)
        *st = cls__fail(CLS_ERR_OPENCL, "clFinish failed");
    return bench_now() - t0;
}

cls_status bench_latency_pair(bench *b, bench_enqueue_fn fn, void *arg, double *op_s,
                              double *empty_s)
{
    roof_arg a = {b, NULL, NULL, NULL, 0, 16};
    double one, *ops = NULL, *empties = NULL, min;
    cls_status st = roof_kernel(b, "roofline_empty", &a.kernel);
    int n;
    *op_s = *empty_s = NAN;
    if (st != CLS_OK)
        return st;
    a.src = bench_buffer(b, 64, NULL);
    if (!a.src)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "empty kernel: no buffer");
    /* Warm both, calibrate on the pair, then alternate. */
    wall_once(b, empty_enqueue, &a, &st);
    if (st == CLS_OK)
        wall_once(b, fn, arg, &st);
    one = st == CLS_OK ? wall_once(b, fn, arg, &st) + wall_once(b, empty_enqueue, &a, &st) : 0;
    n = bench_calibrate(one, b->opts.min_time, 21, 2001);
    ops = calloc((size_t)n, sizeof *ops);
    empties = calloc((size_t)n, sizeof *empties);
    if (!ops || !empties)
        st = CLS_ERR_OUT_OF_MEMORY;
    for (int i = 0; i < n && st == CLS_OK; i++) {
        empties[i] = wall_once(b, empty_enqueue, &a, &st);
        if (st == CLS_OK)
            ops[i] = wall_once(b, fn, arg, &st);
    }
    if (st == CLS_OK) {
        bench_stats(ops, n, op_s, &min);
        bench_stats(empties, n, empty_s, &min);
    }
    free(ops);
    free(empties);
    clReleaseMemObject(a.src);
    return st;
}
