/* Helpers shared by the conv Check suites. */
#include "conv_util.h"

#include <math.h>
#include <string.h>

#include "reference/conv_transposed_ref.h"

uint32_t cu_rng;

uint32_t cu_next(void)
{
    cu_rng = cu_rng * 1664525u + 1013904223u;
    return cu_rng >> 8;
}

float cu_frand(void)
{
    return (float)(cu_next() & 0xffff) / 32768.0f - 1.0f;
}

static int def1(int v)
{
    return v ? v : 1;
}

/* in: the src size; ib: the in-block; op: the output padding (transposed). */
static int64_t out_size(const cu_cfg *c, int in, int ib, int pa, int pb, int d, int k, int s,
                        int op)
{
    if (c->transposed)
        return ((int64_t)in - 1) * s - pa - pb + (int64_t)d * (k - 1) + op + 1;
    return (in / def1(ib) + pa + pb - d * (k - 1) - 1) / s + 1;
}

int64_t cu_out_h(const cu_cfg *c)
{
    return out_size(c, c->h, c->ibh, c->pt, c->pb, c->dh, c->kh, c->sh, c->oph);
}

int64_t cu_out_w(const cu_cfg *c)
{
    return out_size(c, c->w, c->ibw, c->pl, c->pr, c->dw, c->kw, c->sw, c->opw);
}

cls_conv_desc cu_desc(const cu_cfg *c)
{
    cls_conv_desc d;
    memset(&d, 0, sizeof d);
    d.in_channels = c->cin, d.out_channels = c->cout;
    d.kernel_h = c->kh, d.kernel_w = c->kw, d.stride_h = c->sh, d.stride_w = c->sw;
    d.pad_top = c->pt, d.pad_bottom = c->pb, d.pad_left = c->pl, d.pad_right = c->pr;
    d.dilation_h = c->dh, d.dilation_w = c->dw, d.groups = c->groups;
    d.block_h = c->bh, d.block_w = c->bw, d.mode = c->mode, d.activation = c->act;
    d.in_block_h = c->ibh, d.in_block_w = c->ibw, d.in_mode = c->in_mode;
    d.act_alpha = 0.125f, d.dtype = c->dtype, d.path = c->path;
    d.rewrite = c->rewrite, d.rewrite_block_h = c->rbh, d.rewrite_block_w = c->rbw;
    d.transposed = c->transposed, d.output_padding_h = c->oph, d.output_padding_w = c->opw;
    return d;
}

cls_tensor cu_tensor(cl_mem buf, const cu_cfg *c, int64_t ch, int64_t h, int64_t w, int cl,
                     int pitch)
{
    size_t off = c->aligned ? 0 : 3 * cls_dtype_size(c->dtype);
    cls_tensor t = c->one_d ? (cl ? cls_tensor_nlc(buf, off, c->dtype, c->n, ch, w)
                                  : cls_tensor_ncl(buf, off, c->dtype, c->n, ch, w))
                            : (cl ? cls_tensor_nhwc(buf, off, c->dtype, c->n, ch, h, w)
                                  : cls_tensor_nchw(buf, off, c->dtype, c->n, ch, h, w));
    if (pitch && !cl && t.ndim == 4) { /* rows of W + 3 elements */
        int64_t st[4] = {ch * h * (w + 3), h * (w + 3), w + 3, 1};
        memcpy(t.strides, st, sizeof st);
    } else if (pitch && !cl) {
        int64_t st[3] = {ch * (w + 3), w + 3, 1};
        memcpy(t.strides, st, sizeof st);
    } else if (pitch && t.ndim == 4) { /* pixels of C + 3 elements */
        int64_t st[4] = {h * w * (ch + 3), 1, w * (ch + 3), ch + 3};
        memcpy(t.strides, st, sizeof st);
    } else if (pitch) {
        int64_t st[3] = {w * (ch + 3), 1, ch + 3};
        memcpy(t.strides, st, sizeof st);
    }
    return t;
}

float cu_elem(const unsigned char *img, size_t i, cls_dtype dt)
{
    float f;
    if (dt == CLS_F16) {
        uint16_t h;
        memcpy(&h, img + 2 * i, 2);
        return cls__half_to_float(h);
    }
    memcpy(&f, img + 4 * i, 4);
    return f;
}

/* A view's bytes from the buffer start, and a sentinel tail of 4 elements. */
static size_t view_bytes(const cls_tensor *t)
{
    uint64_t b = 0;
    ck_assert_int_eq(cls_tensor_extent(t, &b), CLS_OK);
    return (size_t)b + 4 * cls_dtype_size(t->dtype);
}

void cu_setup(cls_context *ctx, const cu_cfg *c, cu_run *r, int id)
{
    size_t es = cls_dtype_size(c->dtype), nw, nb;
    int bh = def1(c->bh), bw = def1(c->bw);
    memset(r, 0, sizeof *r);
    r->ho = cu_out_h(c), r->wo = cu_out_w(c);
    r->st = cu_tensor(NULL, c, c->cin, c->h, c->w, c->src_cl, 0);
    r->dt = cu_tensor(NULL, c, c->cout, r->ho * bh, r->wo * bw, c->dst_cl, c->pitch);
    if (c->transposed) { /* weights (Cin, Cout / groups, KH, KW); the views' extents */
        ck_assert_msg(r->ho >= 1 && r->wo >= 1, "case %d: bad case, output %lldx%lld", id,
                      (long long)r->ho, (long long)r->wo);
        nw = (size_t)c->cin * (c->cout / c->groups) * c->kh * c->kw, nb = (size_t)c->cout;
        r->src_bytes = view_bytes(&r->st), r->dst_bytes = view_bytes(&r->dt);
    } else { /* weights (Cout * block, Cin * in-block / groups, KH, KW); 3 spare elements */
        int v = c->cout * bh * bw, cg = c->cin * def1(c->ibh) * def1(c->ibw) / c->groups;
        nw = (size_t)(v * cg * c->kh * c->kw), nb = (size_t)v;
        r->src_bytes = ((size_t)c->n * c->cin * c->h * c->w + 3) * es;
        r->dst_bytes = ((size_t)c->n * c->cout * r->ho * bh * r->wo * bw + 3) * es;
    }
    r->wts = malloc(nw * sizeof(float));
    r->bias = malloc(nb * sizeof(float));
    r->slope = malloc((size_t)c->cout * sizeof(float));
    for (size_t i = 0; i < nw; i++)
        r->wts[i] = cu_frand();
    if (c->transposed) {
        for (int i = 0; i < c->cout; i++)
            r->bias[i] = cu_frand(), r->slope[i] = 0.5f * cu_frand();
    } else {
        for (size_t i = 0; i < nb; i++)
            r->bias[i] = cu_frand();
        for (int i = 0; i < c->cout; i++)
            r->slope[i] = 0.5f * cu_frand();
    }
    r->src = malloc(r->src_bytes);
    r->exp = malloc(r->dst_bytes);
    for (size_t i = 0; i < r->src_bytes / es; i++) {
        float f = cu_frand();
        uint16_t h = cls__float_to_half(f);
        memcpy(r->src + i * es, es == 2 ? (void *)&h : (void *)&f, es);
    }
    memset(r->exp, 0xEE, r->dst_bytes);
    r->sb = tu_buffer(ctx, r->src_bytes, r->src);
    r->db = tu_buffer(ctx, r->dst_bytes, NULL);
    r->st.buffer = r->sb, r->dt.buffer = r->db;
}

void cu_teardown(cu_run *r)
{
    clReleaseMemObject(r->sb), clReleaseMemObject(r->db);
    free(r->wts), free(r->bias), free(r->slope), free(r->src), free(r->exp), free(r->got);
}

void cu_refill_dst(cls_context *ctx, cu_run *r)
{
    cl_command_queue q;
    unsigned char *fill = malloc(r->dst_bytes);
    memset(fill, 0xEE, r->dst_bytes);
    cls_context_get_cl(ctx, NULL, NULL, &q);
    ck_assert_int_eq(clEnqueueWriteBuffer(q, r->db, CL_TRUE, 0, r->dst_bytes, fill, 0, NULL, NULL),
                     CL_SUCCESS);
    free(fill);
}

unsigned char *cu_run_plan(cls_context *ctx, const cu_cfg *c, cu_run *r, cls_conv_desc d,
                           cls_conv_path *path, cls_conv_rewrite_info *info, int id)
{
    cls_conv_plan *plan = NULL;
    cls_status st;
    d.prelu = r->slope;
    st = cls_conv_plan_create(ctx, &d, r->wts, c->bias ? r->bias : NULL, &plan);
    ck_assert_msg(st == CLS_OK, "case %d: plan: %s", id, cls_last_error());
    if (path) {
        ck_assert_int_eq(cls_conv_plan_get_path(plan, path), CLS_OK);
        if (c->path != CLS_CONV_PATH_AUTO)
            ck_assert_int_eq(*path, c->path);
    }
    if (info)
        ck_assert_int_eq(cls_conv_plan_get_rewrite(plan, info), CLS_OK);
    st = cls_conv_plan_enqueue(plan, &r->st, &r->dt, 0, NULL, NULL);
    ck_assert_msg(st == CLS_OK, "case %d: enqueue: %s", id, cls_last_error());
    cls_conv_plan_destroy(plan);
    return tu_read(ctx, r->db, r->dst_bytes);
}

void cu_reference(const cu_cfg *c, cu_run *r, cls_conv_desc d)
{
    cls__conv_ref_args args;
    d.prelu = r->slope;
    args.desc = d, args.weights = r->wts, args.bias = c->bias ? r->bias : NULL;
    args.prelu = r->slope;
    if (c->transposed)
        ck_assert_int_eq(cls__ref_conv_transposed(r->src, &r->st, r->exp, &r->dt, &args), CLS_OK);
    else
        ck_assert_int_eq(cls__ref_conv(r->src, &r->st, r->exp, &r->dt, &args), CLS_OK);
}

/* Tolerance: every output is a float sum of at most Cin/groups * KH * KW
 * (times the in-block) products of values in [-1, 1], accumulated by the
 * kernel in another order than the reference's double sum (per phase for a
 * transposed conv), so it differs by a few float ulps of the sum's
 * magnitude: far below 1e-4 * (1 + |ref|). fp16 storage adds one rounding of
 * the output (2^-11 relative) and a possible tie flip: 2e-3 * (1 + |ref|).
 * The whole dst buffer is compared, so elements outside the view (offsets,
 * row pitch) must keep their 0xEE sentinel and every element of the view
 * must have been written. A transposed case also passes where both are NaN
 * and needs a reference that is not all zero (with a kernel below the
 * stride, some phases get no tap); any other case needs a reference more
 * than a quarter nonzero. */
void cu_compare(const cu_cfg *c, const cu_run *r, const unsigned char *got,
                const unsigned char *exp, const char *what, int id)
{
    double tol = c->dtype == CLS_F16 ? 2e-3 : 1e-4;
    size_t es = cls_dtype_size(c->dtype), nonzero = 0, count = r->dst_bytes / es;
    for (size_t i = 0; i < count; i++) {
        float a = cu_elem(got, i, c->dtype), b = cu_elem(exp, i, c->dtype);
        int both_nan = c->transposed && a != a && b != b;
        nonzero += b != 0.0f && !(c->transposed && isnan(b));
        ck_assert_msg(fabs((double)a - b) <= tol * (1.0 + fabs((double)b)) || both_nan,
                      "case %d (%s): dst element %zu = %g, expected %g (cin %d cout %d k %dx%d "
                      "s %dx%d p %d,%d,%d,%d d %dx%d op %dx%d g %d ib %dx%d b %dx%d)",
                      id, what, i, (double)a, (double)b, c->cin, c->cout, c->kh, c->kw, c->sh,
                      c->sw, c->pt, c->pb, c->pl, c->pr, c->dh, c->dw, c->oph, c->opw, c->groups,
                      c->ibh, c->ibw, c->bh, c->bw);
    }
    if (c->transposed)
        ck_assert_msg(nonzero > 0, "case %d: reference all zero", id);
    else
        ck_assert_msg(nonzero > count / 4, "case %d: reference mostly zero", id);
}

void cu_check_case(cls_context *ctx, const cu_cfg *c, int id, cls_conv_path *path)
{
    cu_run r;
    cls_conv_desc d = cu_desc(c);
    cu_setup(ctx, c, &r, id);
    r.got = cu_run_plan(ctx, c, &r, d, path, NULL, id);
    cu_reference(c, &r, d);
    cu_compare(c, &r, r.got, r.exp, "vs reference", id);
    cu_teardown(&r);
}

void cu_expect_desc(cls_context *ctx, cls_conv_desc d, const float *w, cls_status code,
                    const char *msg)
{
    cls_conv_plan *plan = (cls_conv_plan *)&d; /* must be reset to NULL */
    cls_status st = cls_conv_plan_create(ctx, &d, w, NULL, &plan);
    ck_assert_msg(st == code, "expected %s, got %s: %s", cls_status_name(code), cls_status_name(st),
                  cls_last_error());
    ck_assert_ptr_null(plan);
    ck_assert_msg(strstr(cls_last_error(), msg), "message '%s' lacks '%s'", cls_last_error(), msg);
}

void cu_expect_enqueue(cls_conv_plan *plan, cls_tensor src, cls_tensor dst, cls_status code,
                       const char *msg)
{
    cl_event ev = (cl_event)&src;
    cls_status st = cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, &ev);
    ck_assert_msg(st == code, "expected %s, got %s: %s", cls_status_name(code), cls_status_name(st),
                  cls_last_error());
    ck_assert_ptr_null(ev);
    ck_assert_msg(strstr(cls_last_error(), msg), "message '%s' lacks '%s'", cls_last_error(), msg);
}

cu_cfg cu_base_3x3(int cin, int cout, int h, int w)
{
    cu_cfg c;
    memset(&c, 0, sizeof c);
    c.n = 2, c.cin = cin, c.cout = cout, c.h = h, c.w = w;
    c.kh = c.kw = 3;
    c.pt = c.pb = c.pl = c.pr = 1;
    c.sh = c.sw = c.dh = c.dw = 1;
    c.groups = 1;
    c.mode = c.in_mode = CLS_DCR;
    c.act = CLS_ACT_NONE;
    c.bias = 1;
    c.dtype = CLS_F32;
    return c;
}
