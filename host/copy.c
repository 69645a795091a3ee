/* cls_copy and the copy engine's launches: one kernel per canonical pair. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "reference/reference.h"
#include "tuning/cpu.h"

/* Sizes and strides of the dims in keep[] as long8 arguments (count, sizes,
 * src strides, dst strides); unused lanes are size 1, stride 0. */
static void arg_dims(cls__args *l, const cls__copy_plan *p, const int *keep, int n)
{
    cl_long8 sz, ss, ds;
    cl_int count = n;
    for (int i = 0; i < 8; i++) {
        sz.s[i] = i < n ? p->sizes[keep[i]] : 1;
        ss.s[i] = i < n ? p->sstr[keep[i]] : 0;
        ds.s[i] = i < n ? p->dstr[keep[i]] : 0;
    }
    cls__arg(l, sizeof count, &count);
    cls__arg(l, sizeof sz, &sz);
    cls__arg(l, sizeof ss, &ss);
    cls__arg(l, sizeof ds, &ds);
}

/* Like arg_dims with only the dst strides (fill_zero). */
static void arg_dims_dst(cls__args *l, const cls__copy_plan *p, const int *keep, int n)
{
    cl_long8 sz, ds;
    cl_int count = n;
    for (int i = 0; i < 8; i++) {
        sz.s[i] = i < n ? p->sizes[keep[i]] : 1;
        ds.s[i] = i < n ? p->dstr[keep[i]] : 0;
    }
    cls__arg(l, sizeof count, &count);
    cls__arg(l, sizeof sz, &sz);
    cls__arg(l, sizeof ds, &ds);
}

/* Fetch the kernel from its (cached) program and set the buffer arguments. */
static cls_status begin(cls_context *ctx, const cls__copy_plan *p, const char *file,
                        const char *name, const cls_tensor *src, const cls_tensor *dst,
                        cls__args *l)
{
    char opts[96];
    cl_ulong soff = p->soff, doff = p->doff;
    int nt = p->bytes >= CLS_CPU_NT_MIN_BYTES;
    cls_status st;
    snprintf(opts, sizeof opts, "-DELEM_SIZE=%zu -DIDX64=%d -DNT=%d", p->es, p->idx64, nt);
    memset(l, 0, sizeof *l);
    l->idx64 = p->idx64;
    st = cls__kernel_get(ctx, file, opts, name, &l->k);
    if (st != CLS_OK)
        return st;
    cls__arg(l, sizeof(cl_mem), &src->buffer);
    cls__arg(l, sizeof soff, &soff);
    cls__arg(l, sizeof(cl_mem), &dst->buffer);
    cls__arg(l, sizeof doff, &doff);
    return CLS_OK;
}

static size_t round_up(uint64_t n, size_t m)
{
    return (size_t)((n + m - 1) / m * m);
}

uint64_t cls__cpu_strip_len(size_t unit_bytes, uint64_t multiple)
{
    uint64_t n = CLS_CPU_STRIP_BYTES / (unit_bytes ? unit_bytes : 1);
    n = n / multiple * multiple;
    return n ? n : multiple;
}

/* A 3-D range over n[] work-items with about 8 work-items per group (each
 * owns a strip of a few KiB), rounded up; kernels bounds-check. */
static void grid(const uint64_t *n, size_t *global, size_t *local)
{
    local[0] = 1, local[1] = 1, local[2] = 1;
    while (local[0] < CLS_CPU_GROUP && local[0] < n[0])
        local[0] *= 2;
    while (local[0] * local[1] < CLS_CPU_GROUP && local[1] < n[1])
        local[1] *= 2;
    for (int i = 0; i < 3; i++)
        global[i] = round_up(n[i] ? n[i] : 1, local[i]);
}

/* GENERIC, RUN and RUN_PACKED: strips along the loop dim `inner` (the last
 * dim; for RUN_PACKED the one outside the contiguous run), the dims outside
 * it are rows. */
static cls_status enqueue_strips(cls_context *ctx, const cls__copy_plan *p, const cls_tensor *src,
                                 const cls_tensor *dst, cl_uint nw, const cl_event *w, cl_event *ev)
{
    static const char *const names[] = {[CLS__COPY_GENERIC] = "copy_generic",
                                        [CLS__COPY_RUN] = "copy_run",
                                        [CLS__COPY_RUN_PACKED] = "copy_run_packed"};
    int packed = p->kernel == CLS__COPY_RUN_PACKED, keep[CLS_MAX_DIMS];
    int inner = p->ndim - 1 - packed, nouter = inner > 0 ? inner : 0;
    uint64_t run = packed ? (uint64_t)p->sizes[p->ndim - 1] : 1, rows = 1, n[3], len;
    uint64_t ni = inner >= 0 ? (uint64_t)p->sizes[inner] : 1;
    size_t global[3], local[3];
    cls__args l;
    cls_status st = begin(ctx, p, "cpu/copy", names[p->kernel], src, dst, &l);
    if (st != CLS_OK)
        return st;
    for (int d = 0; d < nouter; d++) {
        keep[d] = d;
        rows *= (uint64_t)p->sizes[d];
    }
    len = cls__cpu_strip_len(run * p->es, p->kernel == CLS__COPY_RUN ? 16 : 1);
    cls__arg_idx(&l, ni);
    cls__arg_idx(&l, inner >= 0 ? (uint64_t)p->sstr[inner] : 0);
    cls__arg_idx(&l, inner >= 0 ? (uint64_t)p->dstr[inner] : 0);
    cls__arg_idx(&l, len);
    cls__arg_idx(&l, rows);
    arg_dims(&l, p, keep, nouter);
    if (packed)
        cls__arg_idx(&l, run);
    n[0] = (ni + len - 1) / len, n[1] = rows, n[2] = 1;
    grid(n, global, local);
    return cls__launch(ctx, &l, "cpu/copy", names[p->kernel], 3, global, local, nw, w, ev);
}

/* Elements of B per register block of transpose_reg: one 64-byte dst line
 * (16 for 8-byte elements, whose blocks give two lines per dst row). */
static uint64_t reg_block_b(size_t es)
{
    return es >= 4 ? 16 : 64 / es;
}

/* The REG work-item's rectangle, lena A elements (a multiple of 8) by lenb B
 * elements (a multiple of the block's B width), its order (b_first:
 * neighbouring work-items take neighbouring B blocks) and its tile (walk B in
 * tiles of that many rows, prefetching the next). Measured on PoCL (AVX2,
 * two cores; see the layout issue):
 * - short src rows (A at most 1 KiB, at least 64 B, and B long, as in
 *   NHWC -> NCHW): the whole A range, B walked in tiles of 512 dst bytes
 *   per row (fewer when a tile's src would pass 64 KiB) with the next tile
 *   prefetched, 4096 rows per work-item (fewer when that leaves under 64
 *   work-items). Against the untiled walk: fp32 C = 64 0.57 -> 0.83 of the
 *   copy roofline, C = 16 0.89 -> 0.98, C = 256 0.68 -> 0.77, fp16 C = 64
 *   0.63 -> 0.88; tiles of 512 bytes rather than 128 or 64 rows: fp16
 *   C = 256 0.20 -> 0.27 (unaligned rows), u8 C = 256 0.39 -> 0.46.
 * - otherwise (long src rows, short B): one band of B blocks per work-item,
 *   walked along 1024 A elements, so each work-item reads a few src streams
 *   and neighbouring work-items write neighbouring lines of the same dst
 *   rows. */
static void reg_strip(const cls__copy_plan *p, uint64_t na, uint64_t nb, uint64_t batch,
                      uint64_t *lena, uint64_t *lenb, int *b_first, uint64_t *tile)
{
    uint64_t row_bytes = (uint64_t)p->sstr[p->b] * p->es, a_bytes = na * p->es;
    uint64_t bb = reg_block_b(p->es);
    *tile = 0;
    if (nb > CLS_CPU_WALK_MIN_B && row_bytes < CLS_CPU_WALK_MAX_ROW_BYTES && a_bytes >= 64 &&
        a_bytes <= CLS_CPU_WALK_MAX_A_BYTES) {
        *b_first = 0;
        /* Tiles of 512 dst bytes per row (256 for 4-byte elements, whose
         * wide blocks measured 0.79-0.89 of the copy at 256 against
         * 0.69-0.83 at 512), at most 64 KiB of src: a power of two of at
         * least one block, so every tile is whole lines. */
        *lena = (na + 7) / 8 * 8;
        *tile = (p->es == 4 ? CLS_CPU_WALK_TILE_BYTES_4 : CLS_CPU_WALK_TILE_BYTES) / p->es;
        while (*tile > bb && *tile * a_bytes > CLS_CPU_WALK_TILE_MAX_SRC)
            *tile /= 2;
        /* 1- and 2-byte blocks read a src line in several passes (one per
         * A block of 16): with a few A blocks the tile must stay in the L1
         * between them, 8 KiB of src (C = 64: u8 0.52 -> 0.67 of the copy
         * at 128 rows against 512, fp16 0.60 -> 0.66-0.71 at 64 against
         * 256); with many (C = 256) the larger tiles measured better, and
         * so did unaligned dst rows, whose tiles begin and end with partial
         * lines (fp16 C = 64 at 724 x 724: 0.57 at 256, 0.28 at 64). */
        while (p->es <= 2 && na <= 64 && (uint64_t)p->dstr[p->a] * p->es % 64 == 0 && *tile > bb &&
               *tile * a_bytes > CLS_CPU_WALK_TILE_MAX_SRC_NARROW)
            *tile /= 2;
        *lenb = CLS_CPU_WALK_ROWS;
        while (*lenb > *tile && ((nb + *lenb - 1) / *lenb) * batch < CLS_CPU_MIN_WORK_ITEMS)
            *lenb /= 2;
        return;
    }
    *b_first = nb <= CLS_CPU_WALK_MIN_B || row_bytes >= CLS_CPU_WALK_MAX_ROW_BYTES;
    if (*b_first) {
        /* Bands of one dst line per row, or of 16 elements (narrow blocks)
         * when B is shorter than a line. 1-byte elements read a line-wide
         * band's 64 src rows through a private stage (block_staged, two
         * lines per row, the next block's prefetched): read directly, 64
         * rows at once thrashed the L1, and 16-wide bands were the better
         * of two poor choices (1 M x 64 bytes: 0.33 of the copy; staged
         * one line per row, 0.36-0.54; two, 0.51-0.76). 2-byte elements
         * stage their 32-row bands the same way where the pitch aliases
         * (512 K x 64 fp16: 0.56 -> 0.67; at a 262088-byte pitch staging
         * measured 0.37 against 0.58 direct). Bands of 256 rows
         * (each dst row's four lines in a row) measured slower at
         * 256 K x 256 bytes, 0.44 against 0.63. */
        *lena = CLS_CPU_BAND_A, *lenb = nb >= bb ? bb : 16;
        return;
    }
    *lena = na <= 16 || p->es <= 2 ? 16 : 8;
    *lenb = CLS_CPU_BAND_A;
}

/* The register transpose: dim a (src stride 1), dim b (dst stride 1), batch
 * dims. */
static cls_status enqueue_transpose(cls_context *ctx, const cls__copy_plan *p,
                                    const cls_tensor *src, const cls_tensor *dst, cl_uint nw,
                                    const cl_event *w, cl_event *ev)
{
    uint64_t na = (uint64_t)p->sizes[p->a], nb = (uint64_t)p->sizes[p->b], batch = 1, len, n[3];
    uint64_t lena = 8, walk = 0, blocks_a, blocks_b;
    int keep[CLS_MAX_DIMS], nkeep = 0, b_first = 0, by_b;
    size_t local[3], global[3];
    cls__args l;
    cls_status st = begin(ctx, p, "cpu/transpose", "transpose_reg", src, dst, &l);
    if (st != CLS_OK)
        return st;
    for (int d = 0; d < p->ndim; d++)
        if (d != p->a && d != p->b) {
            keep[nkeep++] = d;
            batch *= (uint64_t)p->sizes[d];
        }
    reg_strip(p, na, nb, batch, &lena, &len, &b_first, &walk);
    cls__arg_idx(&l, na);
    cls__arg_idx(&l, nb);
    cls__arg_idx(&l, (uint64_t)p->dstr[p->a]);
    cls__arg_idx(&l, (uint64_t)p->sstr[p->b]);
    cls__arg_idx(&l, len);
    arg_dims(&l, p, keep, nkeep);
    blocks_a = (na + lena - 1) / lena, blocks_b = (nb + len - 1) / len;
    by_b = b_first && !walk;
    cls__arg_idx(&l, lena);
    cls__arg(&l, sizeof(cl_int), &(cl_int){b_first});
    cls__arg_idx(&l, walk);
    n[0] = by_b ? blocks_b : blocks_a, n[1] = by_b ? blocks_a : blocks_b, n[2] = batch;
    grid(n, global, local);
    return cls__launch(ctx, &l, "cpu/transpose", "transpose_reg", 3, global, local, nw, w, ev);
}

cls_status cls__copy_fill_zero(cls_context *ctx, const cls_tensor *dst, cl_uint num_wait,
                               const cl_event *wait, cl_event *ev)
{
    char opts[64];
    cls__copy_plan p;
    int keep[CLS_MAX_DIMS], inner;
    uint64_t rows = 1, len, n[3];
    size_t global[3], local[3];
    cl_ulong doff;
    cls__args l;
    cls_status st;
    cls__copy_plan_make_raw(dst, dst, &p);
    if (ctx->profile.tier != CLS_TIER_CPU)
        return cls__fill_zero_portable(ctx, &p, dst, num_wait, wait, ev);
    inner = p.ndim - 1;
    doff = p.doff;
    snprintf(opts, sizeof opts, "-DELEM_SIZE=%zu -DIDX64=%d -DNT=0", p.es, p.idx64);
    memset(&l, 0, sizeof l);
    l.idx64 = p.idx64;
    st = cls__kernel_get(ctx, "cpu/copy", opts, "fill_zero", &l.k);
    if (st == CLS_ERR_BUILD) {
        cls__log_fallback("cpu/copy");
        return cls__fill_zero_portable(ctx, &p, dst, num_wait, wait, ev);
    }
    if (st != CLS_OK)
        return st;
    for (int d = 0; d < inner; d++) {
        keep[d] = d;
        rows *= (uint64_t)p.sizes[d];
    }
    len = cls__cpu_strip_len(p.es, 1);
    cls__arg(&l, sizeof(cl_mem), &dst->buffer);
    cls__arg(&l, sizeof doff, &doff);
    cls__arg_idx(&l, (uint64_t)p.sizes[inner]);
    cls__arg_idx(&l, (uint64_t)p.dstr[inner]);
    cls__arg_idx(&l, len);
    cls__arg_idx(&l, rows);
    arg_dims_dst(&l, &p, keep, inner);
    n[0] = ((uint64_t)p.sizes[inner] + len - 1) / len, n[1] = rows, n[2] = 1;
    grid(n, global, local);
    return cls__launch(ctx, &l, "cpu/copy", "fill_zero", 3, global, local, num_wait, wait, ev);
}

cls_status cls__copy_enqueue_views(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                                   int d2s_views, cl_uint num_wait, const cl_event *wait,
                                   cl_event *ev)
{
    cls__copy_plan p;
    cls_status st;
    cls__copy_plan_make(ctx, src, dst, d2s_views, &p);
    switch (p.tier == CLS_TIER_PORTABLE ? CLS__COPY_AUTO : p.kernel) {
    case CLS__COPY_AUTO:
    case CLS__COPY_TILE:
        return cls__copy_portable_enqueue(ctx, &p, src, dst, num_wait, wait, ev);
    case CLS__COPY_GENERIC:
    case CLS__COPY_RUN:
    case CLS__COPY_RUN_PACKED:
        st = enqueue_strips(ctx, &p, src, dst, num_wait, wait, ev);
        break;
    case CLS__COPY_REG:
        st = enqueue_transpose(ctx, &p, src, dst, num_wait, wait, ev);
        break;
    case CLS__COPY_INTERLEAVE:
    case CLS__COPY_DEINTERLEAVE:
    case CLS__COPY_D2S:
        st = cls__d2s_enqueue(ctx, &p, src, dst, num_wait, wait, ev);
        break;
    default:
        return cls__fail(CLS_ERR_INVALID_ARG, "copy engine: invalid kernel %d", (int)p.kernel);
    }
    if (st != CLS_ERR_BUILD)
        return st;
    /* A CPU-tier kernel that does not build: the portable tier's choice. */
    cls__log_fallback(p.kernel == CLS__COPY_REG ? "cpu/transpose"
                      : p.kernel == CLS__COPY_INTERLEAVE || p.kernel == CLS__COPY_DEINTERLEAVE ||
                              p.kernel == CLS__COPY_D2S
                          ? "cpu/d2s"
                          : "cpu/copy");
    p.tier = CLS_TIER_PORTABLE;
    p.kernel = cls__copy_portable_choice(&ctx->profile, &p);
    return cls__copy_portable_enqueue(ctx, &p, src, dst, num_wait, wait, ev);
}

cls_status cls__copy_enqueue(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                             cl_uint num_wait, const cl_event *wait, cl_event *ev)
{
    return cls__copy_enqueue_views(ctx, src, dst, 0, num_wait, wait, ev);
}

cls_status cls__copy_prepare(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                             int fill_zero)
{
    cls_status st;
    cls__launch_prepare_only(1);
    st = fill_zero ? cls__copy_fill_zero(ctx, dst, 0, NULL, NULL)
                   : cls__copy_enqueue(ctx, src, dst, 0, NULL, NULL);
    cls__launch_prepare_only(0);
    return st;
}

static cls_status copy_check(const cls__op *op, const cls_tensor *src, const cls_tensor *dst)
{
    (void)op;
    return cls__tensors_same_shape(src, dst);
}

static cls_status copy_enqueue(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                               const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                               cl_event *ev)
{
    (void)op;
    return cls__copy_enqueue(ctx, src, dst, num_wait, wait, ev);
}

cls_status cls_copy(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                    cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    static const cls__op op = {"cls_copy", NULL, copy_check, copy_enqueue, cls__ref_copy, NULL};
    return cls__op_run(ctx, &op, src, dst, num_wait, wait, done);
}
