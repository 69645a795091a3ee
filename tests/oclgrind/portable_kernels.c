/* Every portable-tier kernel variant on tiny tensors, bit-exact against the
 * CPU references (convs within the fused conv's tolerance), for running
 * under Oclgrind: the ctest label "oclgrind" runs this program as
 * `oclgrind --data-races --uninitialized --check-api` and fails on any
 * report. Plain C (no Check: Oclgrind is the only device, and slow). Exit
 * status 0 when every case matched. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reference/conv_ref.h"
#include "reference/conv_transposed_ref.h"
#include "reference/d2s_ref.h"
#include "reference/layout_ref.h"
#include "reference/reference.h"

static int failures, cases;

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)(seed >> 16);
    }
}

static cl_mem buffer(cls_context *ctx, size_t size, const void *host)
{
    cl_int err;
    return clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, size, (void *)host,
                          &err);
}

static void report(const char *what, int ok, const char *detail)
{
    cases++;
    if (!ok)
        failures++;
    printf("%-48s %s%s%s\n", what, ok ? "ok" : "FAILED", detail ? ": " : "", detail ? detail : "");
}

/* op 0: copy, 1: depth-to-space (block r, mode m), 2: space-to-depth,
 * 3: blocked pack (block r). The whole dst buffer must equal the
 * reference's image (stray writes fail too). */
static void run(cls_context *ctx, const char *what, int op, cls_tensor s, cls_tensor d, int r,
                cls_d2s_mode m)
{
    uint64_t sb = 0, db = 0;
    unsigned char *sh, *dh, *out;
    cls_status st;
    cls_tensor_extent(&s, &sb), cls_tensor_extent(&d, &db);
    sh = malloc(sb), dh = malloc(db), out = malloc(db);
    fill(sh, sb, 7u), fill(dh, db, 99u);
    s.buffer = buffer(ctx, sb, sh), d.buffer = buffer(ctx, db, dh);
    st = op == 0   ? cls_copy(ctx, &s, &d, 0, NULL, NULL)
         : op == 1 ? cls_depth_to_space(ctx, &s, &d, r, r, m, 0, NULL, NULL)
         : op == 2 ? cls_space_to_depth(ctx, &s, &d, r, r, m, 0, NULL, NULL)
                   : cls_blocked_pack(ctx, &s, &d, r, 0, NULL, NULL);
    if (st != CLS_OK) {
        report(what, 0, cls_last_error());
    } else {
        cls__d2s_ref_arg arg = {r, r, m, op == 2};
        clEnqueueReadBuffer(ctx->queue, d.buffer, CL_TRUE, 0, db, out, 0, NULL, NULL);
        if (op == 0)
            cls__ref_copy(sh, &s, dh, &d, NULL);
        else if (op == 3)
            cls__ref_blocked_pack(sh, &s, dh, &d, &r);
        else
            cls__ref_depth_to_space(sh, &s, dh, &d, &arg);
        report(what, memcmp(out, dh, db) == 0, NULL);
    }
    clReleaseMemObject(s.buffer), clReleaseMemObject(d.buffer);
    free(sh), free(dh), free(out);
}

/* The conv kinds: the fused conv + shuffle, the transposed conv, the
 * in-block conv (unshuffle 2, conv, shuffle 2), and the strided and
 * low-channel space-to-depth rewrites (the latter with a cropped block). */
enum { CONV_FUSED, CONV_TRANSPOSED, CONV_IN_BLOCK, CONV_REWRITE_STRIDED, CONV_REWRITE_LOW };

static void conv(cls_context *ctx, const char *what, cls_dtype dt, int nhwc, int one_d, int kind)
{
    cls_conv_desc desc;
    cls_conv_plan *plan = NULL;
    int cin = 3, cout = 2, r = 2, h = one_d ? 1 : 5, w = 6, k = 3,
        transposed = kind == CONV_TRANSPOSED;
    int v = cout * (one_d ? r : r * r), ib = kind == CONV_IN_BLOCK ? 2 : 1, ho, wo;
    float wts[8 * 12 * 9], bias[8];
    cls_tensor s, d;
    uint64_t sb = 0, db = 0;
    unsigned char *sh, *dh, *out;
    cls_status st;
    memset(&desc, 0, sizeof desc);
    desc.in_channels = cin, desc.out_channels = cout;
    desc.kernel_h = one_d ? 1 : k, desc.kernel_w = k;
    desc.pad_top = desc.pad_bottom = one_d ? 0 : 1, desc.pad_left = desc.pad_right = 1;
    desc.block_h = one_d ? 1 : r, desc.block_w = r;
    desc.activation = CLS_ACT_RELU;
    desc.dtype = dt;
    desc.path = CLS_CONV_PATH_DIRECT;
    if (transposed) { /* k3 s2 p1 output_padding 1: 2x the size, like the d2s */
        desc.transposed = 1;
        desc.block_h = desc.block_w = 1;
        desc.stride_h = one_d ? 1 : 2, desc.stride_w = 2;
        desc.output_padding_h = one_d ? 0 : 1, desc.output_padding_w = 1;
        v = cout;
    }
    if (kind == CONV_IN_BLOCK) { /* src (3, 10, 12) read as (12, 5, 6) */
        desc.in_block_h = one_d ? 1 : ib, desc.in_block_w = ib, desc.in_mode = CLS_CRD;
        desc.groups = 2;
    }
    if (kind == CONV_REWRITE_STRIDED || kind == CONV_REWRITE_LOW) {
        desc.block_h = desc.block_w = 1, v = cout;
        desc.stride_h = kind == CONV_REWRITE_STRIDED && !one_d ? 2 : 1;
        desc.stride_w = kind == CONV_REWRITE_STRIDED ? 2 : 1;
        desc.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
    }
    for (int i = 0; i < v * cin * ib * ib * desc.kernel_h * k / (desc.groups ? desc.groups : 1);
         i++)
        wts[i] = (float)((i * 37) % 17 - 8) / 8.0f;
    for (int i = 0; i < v; i++)
        bias[i] = (float)i / 4.0f - 0.5f;
    /* Output size: the input's times the block (pad 1, k 3), or the stride's quotient. */
    ho = (h + 2 * (one_d ? 0 : 1) - desc.kernel_h) / (desc.stride_h ? desc.stride_h : 1) + 1;
    wo = (w + 2 - k) / (desc.stride_w ? desc.stride_w : 1) + 1;
    if (transposed)
        ho = one_d ? 1 : 2 * h, wo = 2 * w;
    ho *= desc.block_h ? desc.block_h : 1, wo *= desc.block_w ? desc.block_w : 1;
    if (one_d) {
        s = nhwc ? cls_tensor_nlc(NULL, 0, dt, 1, cin, w * ib)
                 : cls_tensor_ncl(NULL, 0, dt, 1, cin, w * ib);
        d = nhwc ? cls_tensor_nlc(NULL, 0, dt, 1, cout, wo)
                 : cls_tensor_ncl(NULL, 0, dt, 1, cout, wo);
    } else {
        s = nhwc ? cls_tensor_nhwc(NULL, 0, dt, 1, cin, h * ib, w * ib)
                 : cls_tensor_nchw(NULL, 0, dt, 1, cin, h * ib, w * ib);
        d = nhwc ? cls_tensor_nhwc(NULL, 0, dt, 1, cout, ho, wo)
                 : cls_tensor_nchw(NULL, 0, dt, 1, cout, ho, wo);
    }
    cls_tensor_extent(&s, &sb), cls_tensor_extent(&d, &db);
    sh = malloc(sb), dh = calloc(1, db), out = malloc(db);
    if (dt == CLS_F32)
        for (uint64_t i = 0; i < sb / 4; i++)
            ((float *)sh)[i] = (float)((int)(i * 13 % 11) - 5) / 4.0f;
    else
        for (uint64_t i = 0; i < sb / 2; i++)
            ((uint16_t *)sh)[i] = cls__float_to_half((float)((int)(i * 13 % 11) - 5) / 4.0f);
    s.buffer = buffer(ctx, sb, sh), d.buffer = buffer(ctx, db, dh);
    st = cls_conv_plan_create(ctx, &desc, wts, bias, &plan);
    if (st == CLS_OK)
        st = cls_conv_plan_enqueue(plan, &s, &d, 0, NULL, NULL);
    if (st != CLS_OK) {
        report(what, 0, cls_last_error());
    } else {
        cls__conv_ref_args args;
        int ok = 1;
        clEnqueueReadBuffer(ctx->queue, d.buffer, CL_TRUE, 0, db, out, 0, NULL, NULL);
        args.desc = desc, args.weights = wts, args.bias = bias, args.prelu = NULL;
        if (transposed)
            cls__ref_conv_transposed(sh, &s, dh, &d, &args);
        else
            cls__ref_conv(sh, &s, dh, &d, &args);
        /* The fused conv's tolerance (host/conv_enqueue.c): float sums in
         * another order, and one half rounding for f16 storage. */
        for (uint64_t i = 0; i < db / (dt == CLS_F32 ? 4 : 2); i++) {
            float a, b;
            if (dt == CLS_F32)
                a = ((float *)out)[i], b = ((float *)dh)[i];
            else
                a = cls__half_to_float(((uint16_t *)out)[i]),
                b = cls__half_to_float(((uint16_t *)dh)[i]);
            ok = ok && fabs((double)a - b) <= (dt == CLS_F32 ? 1e-4 : 2e-3) * (1.0 + fabs(b));
        }
        report(what, ok, NULL);
    }
    cls_conv_plan_destroy(plan);
    clReleaseMemObject(s.buffer), clReleaseMemObject(d.buffer);
    free(sh), free(dh), free(out);
}

/* The copy kernels in every element size: run copy, gather, tile (one
 * whose last tiles or units are partial), zero fill, depth-to-space and
 * space-to-depth; pass prefixes the case names. */
static void copy_cases(cls_context *ctx, const char *pass)
{
    static const cls_dtype dts[4] = {CLS_U8, CLS_F16, CLS_F32, CLS_F64};
    char name[96];
    for (int k = 0; k < 4; k++) {
        cls_dtype dt = dts[k];
        const char *tn = cls_dtype_name(dt);
        int64_t n = 300, sz[2] = {6, 70};
        cls_tensor s = cls_tensor_contiguous(NULL, 0, dt, 1, &n), d = s;
        s.offset = cls_dtype_size(dt); /* unaligned vectors */
        snprintf(name, sizeof name, "%scopy_run %s", pass, tn);
        run(ctx, name, 0, s, d, 0, CLS_DCR);
        /* 2-D rows: the run copy's row split */
        s = cls_tensor_contiguous(NULL, 0, dt, 2, sz), d = s;
        s.strides[0] = 75;
        snprintf(name, sizeof name, "%scopy_run rows %s", pass, tn);
        run(ctx, name, 0, s, d, 0, CLS_DCR);
        /* gather: NCHW -> NHWC C = 3, and a strided dst */
        s = cls_tensor_nchw(NULL, 0, dt, 2, 3, 5, 7), d = cls_tensor_nhwc(NULL, 0, dt, 2, 3, 5, 7);
        snprintf(name, sizeof name, "%scopy_gather nchw->nhwc C=3 %s", pass, tn);
        run(ctx, name, 0, s, d, 0, CLS_DCR);
        snprintf(name, sizeof name, "%scopy_gather nhwc->nchw C=3 %s", pass, tn);
        run(ctx, name, 0, d, s, 0, CLS_DCR);
        /* tile: C and H*W at least half a tile side (32 x 4/es elements) */
        {
            int64_t c = cls_dtype_size(dt) >= 4 ? 40 : 16 * 4 / (int64_t)cls_dtype_size(dt) + 3;
            s = cls_tensor_nchw(NULL, 0, dt, 2, c, 7, 11),
            d = cls_tensor_nhwc(NULL, 0, dt, 2, c, 7, 11);
            snprintf(name, sizeof name, "%stranspose nchw->nhwc C=%lld %s", pass, (long long)c, tn);
            run(ctx, name, 0, s, d, 0, CLS_DCR);
            snprintf(name, sizeof name, "%stranspose nhwc->nchw C=%lld %s", pass, (long long)c, tn);
            run(ctx, name, 0, d, s, 0, CLS_DCR);
        }
        /* A of at most a line (on CPU-type profiles the register
         * transpose takes all of it per work-item): 64 / es - 3 elements,
         * not a whole number of units; B = 77 ends in a partial run of
         * blocks and a partial block. */
        {
            int64_t c = 64 / (int64_t)cls_dtype_size(dt) - 3;
            s = cls_tensor_nhwc(NULL, 0, dt, 2, c, 7, 11),
            d = cls_tensor_nchw(NULL, 0, dt, 2, c, 7, 11);
            snprintf(name, sizeof name, "%stranspose nhwc->nchw C=%lld %s", pass, (long long)c, tn);
            run(ctx, name, 0, s, d, 0, CLS_DCR);
        }
        /* A 2-D transpose whose last tile (GPU parameters) or unit and
         * strip (CPU: the register transpose) is partial. */
        {
            int64_t sz2[2] = {45, 301};
            s = cls_tensor_contiguous(NULL, 0, dt, 2, sz2), d = s;
            d.strides[0] = 1, d.strides[1] = 45;
            snprintf(name, sizeof name, "%stranspose 45x301 %s", pass, tn);
            run(ctx, name, 0, s, d, 0, CLS_DCR);
        }
        /* src rows over 4 KiB apart: on CPU-type profiles the register
         * transpose then moves a whole line of A per work-item; C = 9 is
         * not a whole number of units, A not of lines. */
        {
            int64_t w = 4100 / (int64_t)cls_dtype_size(dt) + 5;
            s = cls_tensor_nchw(NULL, 0, dt, 2, 9, 1, w),
            d = cls_tensor_nhwc(NULL, 0, dt, 2, 9, 1, w);
            snprintf(name, sizeof name, "%stranspose far rows C=9 W=%lld %s", pass, (long long)w,
                     tn);
            run(ctx, name, 0, s, d, 0, CLS_DCR);
        }
        /* fill_zero: a blocked pack with a partial last block */
        {
            int64_t bs[4] = {1, 5, 3, 4};
            s = cls_tensor_nchw(NULL, 0, dt, 1, 5, 3, 4);
            d = cls_tensor_blocked(NULL, 0, dt, 4, bs, 4);
        }
        snprintf(name, sizeof name, "%sfill_zero + copy: blocked pack C=5/4c %s", pass, tn);
        run(ctx, name, 3, s, d, 4, CLS_DCR);
        /* depth-to-space NHWC CRD r = 4: on CPU-type profiles fp32 takes
         * the register transpose (A = 4, B = 16: a line), several batch
         * rows per work-item, which wrap in the innermost batch dim (3) */
        {
            cls_tensor deep = cls_tensor_nhwc(NULL, 0, dt, 1, 256, 2, 3);
            cls_tensor space = cls_tensor_nhwc(NULL, 0, dt, 1, 16, 8, 12);
            snprintf(name, sizeof name, "%sd2s r=4 CRD nhwc %s", pass, tn);
            run(ctx, name, 1, deep, space, 4, CLS_CRD);
        }
        /* depth-to-space and space-to-depth */
        for (int m = 0; m < 2; m++)
            for (int nhwc = 0; nhwc < 2; nhwc++) {
                cls_d2s_mode mode = m ? CLS_CRD : CLS_DCR;
                cls_tensor deep = nhwc ? cls_tensor_nhwc(NULL, 0, dt, 1, 12, 3, 5)
                                       : cls_tensor_nchw(NULL, 0, dt, 1, 12, 3, 5);
                cls_tensor space = nhwc ? cls_tensor_nhwc(NULL, 0, dt, 1, 3, 6, 10)
                                        : cls_tensor_nchw(NULL, 0, dt, 1, 3, 6, 10);
                snprintf(name, sizeof name, "%sd2s r=2 %s %s %s", pass, m ? "CRD" : "DCR",
                         nhwc ? "nhwc" : "nchw", tn);
                run(ctx, name, 1, deep, space, 2, mode);
                snprintf(name, sizeof name, "%ss2d r=2 %s %s %s", pass, m ? "CRD" : "DCR",
                         nhwc ? "nhwc" : "nchw", tn);
                run(ctx, name, 2, space, deep, 2, mode);
            }
    }
}

/* argv[1]: "copy" (the layout kernels) or "conv" (the direct conv, which
 * the ctest runs with -cl-opt-disable: Oclgrind 21.10 cannot interpret the
 * `freeze` instruction that the optimiser puts in it). */
int main(int argc, char **argv)
{
    int do_copy = argc < 2 || strcmp(argv[1], "conv") != 0;
    int do_conv = argc < 2 || strcmp(argv[1], "copy") != 0;
    cls_context *ctx = NULL;
    cls_context_options o;
    char prof[512];
    memset(&o, 0, sizeof o);
    o.disable_disk_cache = 1;
    o.tier = CLS_TIER_PORTABLE;
    if (cls_context_create(&ctx, &o) != CLS_OK) {
        fprintf(stderr, "no context: %s\n", cls_last_error());
        return 1;
    }
    cls_profile_describe(&ctx->profile, prof, sizeof prof);
    printf("device: %s\nprofile: %s\n", ctx->info.name, prof);
    if (do_copy) {
        copy_cases(ctx, "");
        /* Non-temporal stores (NT=1) where the probe found them: the plain
         * stores too. */
        if (ctx->profile.nt_store) {
            ctx->profile.nt_store = 0;
            copy_cases(ctx, "plain stores: ");
            ctx->profile.nt_store = 1;
        }
        /* Devices of several types get the CPU parameters (chunked loops,
         * the register transpose): run the GPU ones too. */
        if (ctx->profile.type & CL_DEVICE_TYPE_CPU) {
            ctx->profile.type = CL_DEVICE_TYPE_GPU;
            copy_cases(ctx, "gpu params: ");
        }
    }
    if (do_conv) {
        conv(ctx, "conv_direct 3x3 r=2 nchw f32", CLS_F32, 0, 0, CONV_FUSED);
        conv(ctx, "conv_direct 3x3 r=2 nhwc f32", CLS_F32, 1, 0, CONV_FUSED);
        conv(ctx, "conv_direct 3x3 r=2 nchw f16", CLS_F16, 0, 0, CONV_FUSED);
        conv(ctx, "conv_direct 1-D k=3 r=2 nlc f32", CLS_F32, 1, 1, CONV_FUSED);
        conv(ctx, "conv_transposed 3x3 s2 p1 op1 nchw f32", CLS_F32, 0, 0, CONV_TRANSPOSED);
        conv(ctx, "conv_transposed 3x3 s2 p1 op1 nhwc f16", CLS_F16, 1, 0, CONV_TRANSPOSED);
        conv(ctx, "conv_transposed 1-D k3 s2 p1 op1 nlc f32", CLS_F32, 1, 1, CONV_TRANSPOSED);
        conv(ctx, "conv_direct in-block 2 + out-block 2 groups 2 nchw f32", CLS_F32, 0, 0,
             CONV_IN_BLOCK);
        conv(ctx, "conv_direct in-block 2 + out-block 2 groups 2 nhwc f16", CLS_F16, 1, 0,
             CONV_IN_BLOCK);
        conv(ctx, "conv_direct 1-D in-block (1, 2) nlc f32", CLS_F32, 1, 1, CONV_IN_BLOCK);
        conv(ctx, "conv_direct rewrite 3x3/2 p1 nchw f32", CLS_F32, 0, 0, CONV_REWRITE_STRIDED);
        conv(ctx, "conv_direct rewrite 3x3 p1 low-channel, cropped nhwc f32", CLS_F32, 1, 0,
             CONV_REWRITE_LOW);
    }
    cls_context_destroy(ctx);
    printf("oclgrind portable kernels: %d passed, %d failed\n", cases - failures, failures);
    return failures ? 1 : 0;
}
