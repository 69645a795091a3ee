/* The interleave row kernels of the CPU tier (kernels/cpu/d2s.cl), the copy
 * engine's candidates (copy_plan.c) for the views of depth-to-space ops
 * (D2S) and for layout interleaves and deinterleaves (INTERLEAVE and
 * DEINTERLEAVE: one-axis streams, the V16 variant).
 *
 * The chooser's canonical pair (size-1 axes dropped, axes ordered by dst
 * stride, axes contiguous on both sides merged) is searched for a row shape
 * the kernels in kernels/cpu/d2s.cl move well: a run copy (an axis of unit stride on
 * both sides), an interleave (a run of unit src stride whose elements land in
 * groups of `group` dst elements, fed by up to 16 streams at dst stride 1) or
 * a deinterleave (the mirror image). Streams may span two axes (hi, lo), which
 * covers NHWC CRD, where one pixel's channel block feeds bh rows. A pair
 * that does not match gets the chooser's other kernels; the portable tier
 * never offers these. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "tuning/cpu.h"

#define MAX_FACTOR CLS_CPU_D2S_MAX_FACTOR
#define WI_BYTES CLS_CPU_D2S_WI_BYTES
#define MAX_SRC_RUNS CLS_CPU_D2S_MAX_SRC_RUNS
#define MAX_DST_ROWS CLS_CPU_D2S_MAX_DST_ROWS
#define SMALL_BYTES CLS_CPU_D2S_SMALL_BYTES

/* The matched rows and their axes (internal.h). */
typedef cls__d2s_axis axis;
typedef cls__d2s_rows plan;

/* The canonical pair's dims (copy_plan.c: size-1 dims dropped, ordered by
 * dst stride, largest first, merged where contiguous on both sides) as axes. */
static int plan_axes(const cls__copy_plan *cp, axis *ax)
{
    for (int k = 0; k < cp->ndim; k++)
        ax[k] = (axis){cp->sizes[k], cp->sstr[k], cp->dstr[k]};
    return cp->ndim;
}

/* Stride of axis a on the streams' side (src for an interleave). */
static int64_t side(const axis *a, int de)
{
    return de ? a->d : a->s;
}

/* Stride of axis a on the groups' side (dst for an interleave). */
static int64_t gside(const axis *a, int de)
{
    return de ? a->s : a->d;
}

/* Build the plan for run axis w and stream axes lo, hi (-1: absent); the rest
 * become outer axes. Returns 0 when the axes do not form such a row. */
static int try_plan(const axis *ax, int n, int w, int lo, int hi, int de, plan *p)
{
    int o = 0;
    axis rest[CLS_MAX_DIMS];
    int64_t flo = lo < 0 ? 1 : ax[lo].size, fhi = hi < 0 ? 1 : ax[hi].size;
    if (side(&ax[w], de) != 1 || (lo < 0 && gside(&ax[w], de) != 1) || flo * fhi > MAX_FACTOR ||
        (lo >= 0 && gside(&ax[lo], de) != 1) || (hi >= 0 && gside(&ax[hi], de) != flo))
        return 0;
    for (int k = 0; k < n; k++)
        if (k != w && k != lo && k != hi)
            rest[o++] = ax[k];
    if (o > 4)
        return 0;
    memset(p, 0, sizeof *p);
    for (int k = 0; k < 4; k++)
        p->outer[k] = k < 4 - o ? (axis){1, 0, 0} : rest[k - (4 - o)];
    p->de = de;
    p->factor = (int)(flo * fhi);
    p->flo = (int)flo;
    p->len = ax[w].size;
    p->group = lo < 0 ? 1 : gside(&ax[w], de);
    p->slo = lo < 0 ? 0 : side(&ax[lo], de);
    p->shi = hi < 0 ? 0 : side(&ax[hi], de);
    return 1;
}

/* Score of a plan: register-permutable rows first, then longer rows. */
static int64_t score(const plan *p)
{
    return (p->group == p->factor ? (int64_t)1 << 50 : 0) + p->len * p->factor;
}

/* Best plan over every choice of run axis and stream axes. */
static int match(const axis *ax, int n, plan *best)
{
    plan p;
    int found = 0;
    for (int de = 0; de < 2; de++)
        for (int w = 0; w < n; w++)
            for (int lo = -1; lo < n; lo++)
                for (int hi = -1; hi < n; hi++) {
                    if (lo == w || (hi >= 0 && (lo < 0 || hi == w || hi == lo)))
                        continue;
                    if (try_plan(ax, n, w, lo, hi, de, &p) && (!found || score(&p) > score(best))) {
                        *best = p;
                        found = 1;
                    }
                }
    return found;
}

/* Non-zero when a deinterleave of plan p runs one pass per stream (rows of at
 * least 1 KiB), else it permutes 64-byte lines of all streams at once. */
static int pass_per_stream(const plan *p, size_t es, int64_t chunk)
{
    return p->de && p->factor > 1 && chunk * (int64_t)es >= 1024;
}

/* Bytes of dst one row writes as one run: the whole row for an interleave,
 * one stream's part for a deinterleave. */
static int64_t run_bytes(const plan *p, size_t es)
{
    return p->len * (p->de ? 1 : p->factor) * (int64_t)es;
}

/* Non-zero when the rows along inner axis x (outer axis y around it) continue
 * each other on one side: each run of a row continuing the previous row's
 * (x's stride is the run length), or as at most `limit` interleaved rows
 * (y's stride is). */
static int sequential(const axis *x, const axis *y, int64_t xs, int64_t ys, int64_t run,
                      int64_t limit)
{
    return xs == run || (ys == run && x->size <= limit && y->size > 1);
}

/* Order the two innermost outer axes so that rows sweep src, then dst, as few
 * sequential runs: reads count double, since the prefetchers need few long
 * runs while non-temporal stores need only whole lines, which rows of at
 * least 512 bytes give in any order. Records whether dst is swept so
 * (non-temporal stores then fill whole lines at short row ends too). */
static void order_rows(plan *p)
{
    axis *a = &p->outer[2], *b = &p->outer[3];
    int64_t drun = p->de ? p->len : p->len * p->factor, srun = p->de ? p->len * p->factor : p->len;
    int64_t slim = MAX_SRC_RUNS / (p->de ? 1 : p->factor);
    int keep = sequential(b, a, b->d, a->d, drun, MAX_DST_ROWS) +
               2 * sequential(b, a, b->s, a->s, srun, slim);
    int swap = sequential(a, b, a->d, b->d, drun, MAX_DST_ROWS) +
               2 * sequential(a, b, a->s, b->s, srun, slim);
    if (a->size > 1 && b->size > 1 && swap > keep) {
        axis t = *a;
        *a = *b;
        *b = t;
    }
    p->dst_seq = b->size == 1 || sequential(b, a, b->d, a->d, drun, MAX_DST_ROWS);
}

/* Non-zero when every row of plan p starts at a multiple of align bytes. */
static int rows_aligned(const plan *p, const cls_tensor *dst, int64_t e, int64_t align)
{
    int ok = dst->offset % (size_t)align == 0;
    for (int k = 0; k < 4; k++)
        ok = ok && (p->outer[k].size == 1 || (p->outer[k].d * e) % align == 0);
    return ok;
}

/* Non-zero when every row of an interleave writes whole 64-byte lines: rows
 * and chunks start on a line and are whole lines long. */
static int whole_lines(const plan *p, const cls_tensor *dst, int64_t e, int64_t chunk)
{
    return !p->de && run_bytes(p, (size_t)e) % 64 == 0 && (chunk * p->factor * e) % 64 == 0 &&
           rows_aligned(p, dst, e, 64);
}

/* Non-zero when plan p should use non-temporal stores: large tensors only
 * (small results are read again soon), and only where stores fill whole
 * lines. Interleaves and per-stream passes align each run in the kernel, so
 * only the lines at run ends may be partial: their rows must continue each
 * other in dst, be long or be whole lines. The line-wise deinterleave needs every stream and
 * row start aligned here. */
static int use_nt(const plan *p, const cls_tensor *dst, size_t es, int64_t chunk)
{
    uint64_t bytes = (uint64_t)cls_tensor_numel(dst) * es;
    int64_t e = (int64_t)es;
    int ok;
    if (p->group != p->factor || bytes < CLS_CPU_NT_MIN_BYTES)
        return 0;
    /* 1- and 2-byte interleaves of an odd number of streams (16-byte
     * non-temporal stores, not 32-byte pairs) whose rows are not whole
     * lines: the lines split between rows mix plain and non-temporal stores,
     * which measured slower than plain stores throughout unless the rows are
     * long (u8 r = 3 NCHW 0.35 -> 0.65-0.80 of the copy, fp16 0.55 -> 0.76;
     * u8 NHWC CRD r = 3, rows of 144 bytes, 0.06 -> 0.30-0.42). */
    if (!p->de && p->factor % 2 == 1 && p->factor > 1 && es <= 2 &&
        !whole_lines(p, dst, e, chunk) && run_bytes(p, es) < 8192)
        return 0;
    if (!p->de || pass_per_stream(p, es, chunk))
        return p->dst_seq || run_bytes(p, es) >= 512 || whole_lines(p, dst, e, chunk);
    ok = p->factor * 16 / e <= 64 && dst->offset % 16 == 0 && (p->shi * e) % 64 == 0 &&
         (p->slo * e) % 64 == 0 && (chunk == p->len || (chunk * e) % 16 == 0);
    for (int k = 0; k < 4; k++)
        ok = ok && (p->outer[k].size == 1 || (p->outer[k].d * e) % 16 == 0);
    return ok;
}

/* Vectors per row when plan p is a run copy of short rows of whole 16-byte
 * vectors that the kernel can copy unrolled, else 0. With non-temporal
 * stores every row must start aligned. */
static int short_run_vectors(const plan *p, const cls_tensor *dst, size_t es, int nt)
{
    int64_t bytes = p->len * (int64_t)es;
    int ok = p->factor == 1 && !p->de && bytes % 16 == 0 && bytes <= 256;
    if (ok && nt)
        ok = rows_aligned(p, dst, (int64_t)es, 16);
    return ok ? (int)(bytes / 16) : 0;
}

/* Non-zero when such short non-temporal rows can be stored as 32-byte
 * halves: whole halves, each row 32-byte aligned. */
static int short_run_wide(const plan *p, const cls_tensor *dst, size_t es, int nt, int rv)
{
    return nt && rv % 2 == 0 && rows_aligned(p, dst, (int64_t)es, 32);
}

/* Non-zero for the stream counts with their own register-permuting kernel
 * build (the blocks of the common models: r = 2, 3, 4, 8 and the NHWC CRD
 * squares); the rest share one build with run-time counts. */
static int compiled_factor(const plan *p)
{
    static const int factors[] = {1, 2, 3, 4, 8, 9, 16};
    if (p->group != p->factor)
        return 0;
    for (size_t i = 0; i < sizeof factors / sizeof factors[0]; i++)
        if (p->factor == factors[i])
            return 1;
    return 0;
}

/* Chunk (elements along the run) and rows per work-item for plan p. */
static void split_work(const plan *p, size_t es, int64_t *chunk, int64_t *rows)
{
    int64_t row_bytes = p->len * p->factor * (int64_t)es, vw = 16 / (int64_t)es;
    *chunk = p->len;
    *rows = 1;
    if (row_bytes > 2 * WI_BYTES) {
        *chunk = WI_BYTES / (p->factor * (int64_t)es);
        *chunk = (*chunk + vw - 1) / vw * vw;
    } else if (row_bytes < WI_BYTES / 2) {
        *rows = (WI_BYTES + row_bytes - 1) / row_bytes;
    }
}

/* The kernel for plan p: its name in kernels/cpu/d2s.cl and its build
 * options (the program cache tells the variants apart by their options);
 * idx64 as the copy plan decided (the index arguments' width). */
static cls_status get_kernel(cls_context *ctx, const plan *p, const cls_tensor *dst, size_t es,
                             int64_t chunk, int idx64, cl_kernel *k)
{
    char opts[192], runv[24] = "";
    int nt = use_nt(p, dst, es, chunk), rv = short_run_vectors(p, dst, es, nt);
    int wide = rv && short_run_wide(p, dst, es, nt, rv);
    const char *name = p->de ? "d2s_deinterleave" : "d2s_interleave";
    if (rv)
        snprintf(runv, sizeof runv, "%d", rv);
    if (p->v16)
        snprintf(opts, sizeof opts, "-DELEM_SIZE=%zu -DIDX64=%d -DFACTOR=%d -DFLO=%d -DV16 -DNT=%d",
                 es, idx64, p->factor, p->flo,
                 cls_tensor_numel(dst) * (uint64_t)es >= CLS_CPU_NT_MIN_BYTES);
    else if (compiled_factor(p))
        snprintf(opts, sizeof opts,
                 "-DELEM_SIZE=%zu -DIDX64=%d -DFACTOR=%d -DFLO=%d -DVEC -DNT=%d%s%s%s%s", es, idx64,
                 p->factor, p->flo, nt, pass_per_stream(p, es, chunk) ? " -DPASS" : "",
                 rv ? " -DRUNV=" : "", runv, wide ? " -DWIDE" : "");
    else
        snprintf(opts, sizeof opts, "-DELEM_SIZE=%zu -DIDX64=%d -DANY", es, idx64);
    return cls__kernel_get(ctx, "cpu/d2s", opts, name, k);
}

/* Set the kernel arguments of plan p, split into chunk and rows (index
 * arguments as wide as a->idx64 says; the outer dims always as long4). */
static void set_args(cls__args *a, const plan *p, const cls_tensor *src, const cls_tensor *dst,
                     int64_t chunk, int64_t rows)
{
    size_t es = cls_dtype_size(src->dtype);
    cl_ulong soff = src->offset / es, doff = dst->offset / es;
    cl_int nf = p->factor, nlo = p->flo;
    cl_long4 osz, oss, ods;
    for (int i = 0; i < 4; i++) {
        osz.s[i] = p->outer[i].size;
        oss.s[i] = p->outer[i].s;
        ods.s[i] = p->outer[i].d;
    }
    cls__arg(a, sizeof(cl_mem), &src->buffer);
    cls__arg(a, sizeof soff, &soff);
    cls__arg(a, sizeof(cl_mem), &dst->buffer);
    cls__arg(a, sizeof doff, &doff);
    cls__arg_idx(a, (uint64_t)p->len);
    cls__arg_idx(a, (uint64_t)p->group);
    cls__arg_idx(a, (uint64_t)p->shi);
    cls__arg_idx(a, (uint64_t)p->slo);
    cls__arg(a, sizeof nf, &nf);
    cls__arg(a, sizeof nlo, &nlo);
    cls__arg_idx(a, (uint64_t)chunk);
    cls__arg_idx(a, (uint64_t)rows);
    cls__arg(a, sizeof osz, &osz);
    cls__arg(a, sizeof oss, &oss);
    cls__arg(a, sizeof ods, &ods);
}

/* The V16 rows' split, the copy engine's strips: chunks of whole 16-element
 * steps, so that every chunk is as aligned as the tensor (non-temporal
 * stores need it), one row each. An interleave's chunk writes about
 * CLS_CPU_STRIP_BYTES of dst; a deinterleave's about that per stream (longer
 * write runs measured faster: 0.65 -> 0.76 of the copy at C = 3), but 1024
 * elements where 2..4 streams are written one at a time in whole lines
 * (streams not on a line: the chunk's src is read once per stream, and
 * stays in the L1; u8 C = 3 at 4730 x 4730: 0.72 at 4096, 0.82 at 1024;
 * fp16 0.76 at 2048, 0.94 at 1024). */
static int64_t strip_v16(const plan *p, size_t es)
{
    int64_t n = (int64_t)cls__cpu_strip_len((size_t)(p->de ? 1 : p->factor) * es, 16);
    return p->de && p->factor <= 4 && n > 1024 ? 1024 : n;
}

/* Order, split and enqueue plan p (idx64: 64-bit indices). */
static cls_status launch(cls_context *ctx, plan *p, int idx64, const cls_tensor *src,
                         const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                         cl_event *ev)
{
    size_t es = cls_dtype_size(src->dtype), global[3], local[3] = {1, 1, 1};
    int64_t chunk, rows, nrows;
    cls__args a = {0};
    cls_status st;
    if (p->v16) {
        chunk = strip_v16(p, es), rows = 1;
    } else {
        order_rows(p);
        split_work(p, es, &chunk, &rows);
    }
    a.idx64 = idx64;
    if ((st = get_kernel(ctx, p, dst, es, chunk, idx64, &a.k)) != CLS_OK)
        return st;
    nrows = p->outer[2].size * p->outer[3].size;
    global[0] = (size_t)((p->len + chunk - 1) / chunk * ((nrows + rows - 1) / rows));
    global[1] = (size_t)p->outer[1].size;
    global[2] = (size_t)p->outer[0].size;
    if (p->v16) {
        /* Work-groups of up to CLS_CPU_GROUP consecutive chunks (the
         * kernels return past the last). */
        while (local[0] < CLS_CPU_GROUP && local[0] < global[0])
            local[0] *= 2;
        global[0] = (global[0] + local[0] - 1) / local[0] * local[0];
    } else if ((uint64_t)cls_tensor_numel(dst) * es <= SMALL_BYTES &&
               global[1] * global[2] <= ctx->info.max_work_group_size) {
        /* A small tensor runs as few work-groups: each group is a task for
         * a worker thread, and their dispatch would dominate. */
        local[1] = global[1];
        local[2] = global[2];
    }
    set_args(&a, p, src, dst, chunk, rows);
    return cls__launch(ctx, &a, "cpu/d2s", p->de ? "d2s_deinterleave" : "d2s_interleave", 3, global,
                       local, num_wait, wait, ev);
}

int cls__d2s_match_layout(const cls__copy_plan *cp, int de, cls__d2s_rows *rows)
{
    axis ax[CLS_MAX_DIMS];
    plan p;
    int n = plan_axes(cp, ax);
    if (cp->a < 0 || cp->b < 0 || cp->a == cp->b ||
        !try_plan(ax, n, de ? cp->b : cp->a, de ? cp->a : cp->b, -1, de, &p) || p.factor < 2 ||
        p.group != p.factor)
        return 0;
    p.v16 = 1;
    if (rows)
        *rows = p;
    return 1;
}

int cls__d2s_match(const cls__copy_plan *cp, cls__d2s_rows *rows)
{
    axis ax[CLS_MAX_DIMS];
    plan p;
    memset(&p, 0, sizeof p);
    if (!match(ax, plan_axes(cp, ax), &p))
        return 0;
    if (rows)
        *rows = p;
    return 1;
}

/* The rows the chooser matched (cp->d2s), ordered and split here, with the
 * plan's index width. */
cls_status cls__d2s_enqueue(cls_context *ctx, const cls__copy_plan *cp, const cls_tensor *src,
                            const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                            cl_event *ev)
{
    plan p = cp->d2s;
    return launch(ctx, &p, cp->idx64, src, dst, num_wait, wait, ev);
}
