/* Depth-to-space test helpers shared by test_depth_to_space.c and
 * test_depth_to_space_paths.c: views in four storage orders, and a
 * bit-exact check of every byte of the destination buffer against the ONNX
 * formulas. */
#include <string.h>

#include "d2s_util.h"
#include "internal.h"
#include "reference/d2s_ref.h"
#include "util.h"

/* A view over buf of the given logical sizes; padded layouts pitch the
 * innermost dim by 3 elements and every padded view starts 5 elements in. */
cls_tensor make_view(cl_mem buf, cls_dtype dt, int ndim, const int64_t *sizes, int layout,
                     size_t *bytes)
{
    int order4[2][4] = {{3, 2, 1, 0}, {1, 3, 2, 0}}, order3[2][3] = {{2, 1, 0}, {1, 2, 0}};
    const int *order = ndim == 4 ? order4[layout & 1] : order3[layout & 1];
    int pad = layout >= NCHW_PAD ? 3 : 0;
    size_t es = cls_dtype_size(dt), off = pad ? 5 * es : 0;
    int64_t stride = 1;
    cls_tensor t;
    memset(&t, 0, sizeof t);
    t.buffer = buf;
    t.dtype = dt;
    t.ndim = ndim;
    t.offset = off;
    for (int k = 0; k < ndim; k++) {
        int d = order[k];
        t.sizes[d] = sizes[d];
        t.strides[d] = stride;
        stride *= sizes[d] + (k == 0 ? pad : 0);
    }
    *bytes = off + (size_t)stride * es;
    return t;
}

/* Byte offset of (n, c, y, x) in t; 3-D views ignore y. */
static size_t at(const cls_tensor *t, int64_t n, int64_t c, int64_t y, int64_t x)
{
    int64_t e = n * t->strides[0] + c * t->strides[1];
    e += t->ndim == 4 ? y * t->strides[2] + x * t->strides[3] : x * t->strides[2];
    return t->offset + (size_t)e * cls_dtype_size(t->dtype);
}

/* The ONNX formulas, element by element: DCR reads deep channel (i*bw+j)*C+c,
 * CRD reads c*bh*bw + i*bw + j, for space element (n, c, h*bh+i, w*bw+j). */
void expect(const tcase_d2s *k, int s2d, const unsigned char *src, const cls_tensor *ts,
            unsigned char *dst, const cls_tensor *td)
{
    const cls_tensor *deep = s2d ? td : ts, *space = s2d ? ts : td;
    size_t es = cls_dtype_size(k->dtype);
    for (int64_t n = 0; n < k->n; n++)
        for (int64_t c = 0; c < k->c; c++)
            for (int64_t h = 0; h < k->h; h++)
                for (int64_t i = 0; i < k->bh; i++)
                    for (int64_t w = 0; w < k->w; w++)
                        for (int64_t j = 0; j < k->bw; j++) {
                            int64_t ch = k->mode == CLS_DCR ? (i * k->bw + j) * k->c + c
                                                            : c * k->bh * k->bw + i * k->bw + j;
                            size_t so = at(space, n, c, h * k->bh + i, w * k->bw + j);
                            size_t dof = at(deep, n, ch, h, w);
                            if (s2d)
                                memcpy(dst + dof, src + so, es);
                            else
                                memcpy(dst + so, src + dof, es);
                        }
}

/* The deep and space sizes of a case. */
void case_sizes(const tcase_d2s *k, int64_t deep[4], int64_t space[4])
{
    int64_t bb = (int64_t)k->bh * k->bw;
    deep[0] = space[0] = k->n;
    deep[1] = k->c * bb;
    space[1] = k->c;
    if (k->ndim == 4) {
        deep[2] = k->h, deep[3] = k->w;
        space[2] = k->h * k->bh, space[3] = k->w * k->bw;
    } else {
        deep[2] = k->w;
        space[2] = k->w * k->bw;
    }
}

/* A buffer of base + size bytes whose last size bytes are host's; the first
 * base bytes are never written (a large base commits little memory). */
static cl_mem buffer_at(cls_context *ctx, size_t base, size_t size, const void *host)
{
    cl_context c;
    cl_command_queue q;
    cl_int err;
    cl_mem m;
    if (base == 0)
        return tu_buffer(ctx, size, host);
    cls_context_get_cl(ctx, &c, NULL, &q);
    m = clCreateBuffer(c, CL_MEM_READ_WRITE, base + size, NULL, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    ck_assert_int_eq(clEnqueueWriteBuffer(q, m, CL_TRUE, base, size, host, 0, NULL, NULL),
                     CL_SUCCESS);
    return m;
}

/* Run one direction of a case on the device, its src view base bytes into
 * its buffer, and compare every byte of the destination buffer (elements
 * and the gaps between them) with expect(). */
void check_case_at(cls_context *ctx, const tcase_d2s *k, int s2d, uint32_t seed, size_t base)
{
    int64_t dsz[4], ssz[4];
    size_t sbytes, dbytes, es = cls_dtype_size(k->dtype);
    cls_tensor ts, td;
    unsigned char *host_src, *want, *got;
    cl_mem bs, bd;
    cl_event ev = NULL;
    cls_status st;
    case_sizes(k, dsz, ssz);
    ts = make_view(NULL, k->dtype, k->ndim, s2d ? ssz : dsz, s2d ? k->space_layout : k->deep_layout,
                   &sbytes);
    td = make_view(NULL, k->dtype, k->ndim, s2d ? dsz : ssz, s2d ? k->deep_layout : k->space_layout,
                   &dbytes);
    host_src = malloc(sbytes);
    want = malloc(dbytes);
    ck_assert(host_src && want);
    tu_fill(host_src, sbytes, seed);
    memset(want, 0xEE, dbytes);
    ts.buffer = bs = buffer_at(ctx, base, sbytes, host_src);
    td.buffer = bd = tu_buffer(ctx, dbytes, NULL);
    ts.offset += base;
    st = s2d ? cls_space_to_depth(ctx, &ts, &td, k->bh, k->bw, k->mode, 0, NULL, &ev)
             : cls_depth_to_space(ctx, &ts, &td, k->bh, k->bw, k->mode, 0, NULL, &ev);
    ck_assert_msg(st == CLS_OK, "%s: %s", cls_status_name(st), cls_last_error());
    ck_assert_int_eq(clWaitForEvents(1, &ev), CL_SUCCESS);
    clReleaseEvent(ev);
    got = tu_read(ctx, bd, dbytes);
    ts.offset -= base;
    expect(k, s2d, host_src, &ts, want, &td);
    /* One assertion per case: Check reports every assertion to its parent. */
    if (memcmp(got, want, dbytes) != 0) {
        size_t b = 0;
        while (got[b] == want[b])
            b++;
        ck_abort_msg("%s es %zu n%lld c%lld h%lld w%lld block %dx%d %s layouts %d->%d: byte %zu",
                     s2d ? "s2d" : "d2s", es, (long long)k->n, (long long)k->c, (long long)k->h,
                     (long long)k->w, k->bh, k->bw, k->mode == CLS_DCR ? "DCR" : "CRD",
                     k->deep_layout, k->space_layout, b);
    }
    free(host_src), free(want), free(got);
    clReleaseMemObject(bs), clReleaseMemObject(bd);
}

void check_case(cls_context *ctx, const tcase_d2s *k, int s2d, uint32_t seed)
{
    check_case_at(ctx, k, s2d, seed, 0);
}

/* Both directions of k. */
void check_both(cls_context *ctx, const tcase_d2s *k, uint32_t seed)
{
    check_case(ctx, k, 0, seed);
    check_case(ctx, k, 1, seed + 1);
}

/* Both directions of n cases in a context of their own, seeds from seed. */
void check_table(const tcase_d2s *cases, size_t n, uint32_t seed)
{
    cls_context *ctx = tu_context();
    for (size_t i = 0; i < n; i++)
        check_both(ctx, &cases[i], seed + (uint32_t)i);
    cls_context_destroy(ctx);
}
