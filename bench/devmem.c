/* Device buffers, deterministic data, the host reference copy and record helpers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

cl_mem bench_buffer(bench *b, size_t size, const void *host)
{
    cl_int err;
    cl_mem m = clCreateBuffer(b->cl_ctx, CL_MEM_READ_WRITE, size ? size : 1, NULL, &err);
    if (err != CL_SUCCESS)
        return NULL;
    if (host) {
        err = clEnqueueWriteBuffer(b->queue, m, CL_TRUE, 0, size, host, 0, NULL, NULL);
    } else {
        cl_uchar pattern = 0xEE;
        err = clEnqueueFillBuffer(b->queue, m, &pattern, 1, 0, size ? size : 1, 0, NULL, NULL);
        if (err == CL_SUCCESS)
            err = clFinish(b->queue);
    }
    if (err != CL_SUCCESS) {
        clReleaseMemObject(m);
        return NULL;
    }
    return m;
}

int bench_upload(bench *b, cl_mem m, const void *host, size_t size)
{
    return clEnqueueWriteBuffer(b->queue, m, CL_TRUE, 0, size, host, 0, NULL, NULL) == CL_SUCCESS
               ? 0
               : -1;
}

int bench_download(bench *b, cl_mem m, void *host, size_t size)
{
    return clEnqueueReadBuffer(b->queue, m, CL_TRUE, 0, size, host, 0, NULL, NULL) == CL_SUCCESS
               ? 0
               : -1;
}

void bench_fill_bytes(void *dst, size_t size, uint32_t seed)
{
    unsigned char *p = dst;
    uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1u);
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(p + i, &x, 8);
    }
    for (; i < size; i++)
        p[i] = (unsigned char)(i * 131u + seed);
}

/* Odometer over all dims but the last; the last is a tight inner loop. */
void bench_host_copy(const unsigned char *src, const cls_tensor *sv, unsigned char *dst,
                     const cls_tensor *dv)
{
    int64_t idx[CLS_MAX_DIMS] = {0};
    int nd = sv->ndim, last = nd - 1;
    size_t es = cls_dtype_size(sv->dtype);
    int64_t inner = sv->sizes[last];
    int64_t ss = sv->strides[last] * (int64_t)es, ds = dv->strides[last] * (int64_t)es;
    if (cls_tensor_numel(sv) == 0)
        return;
    for (;;) {
        int64_t so = (int64_t)sv->offset, dof = (int64_t)dv->offset;
        for (int d = 0; d < last; d++) {
            so += idx[d] * sv->strides[d] * (int64_t)es;
            dof += idx[d] * dv->strides[d] * (int64_t)es;
        }
        for (int64_t i = 0; i < inner; i++)
            memcpy(dst + dof + i * ds, src + so + i * ss, es);
        int d = last - 1;
        while (d >= 0 && ++idx[d] == sv->sizes[d])
            idx[d--] = 0;
        if (d < 0)
            return;
    }
}

int64_t bench_first_mismatch(const unsigned char *a, const unsigned char *b, const cls_tensor *v,
                             size_t *byte_offset)
{
    int64_t idx[CLS_MAX_DIMS] = {0}, linear = 0;
    size_t es = cls_dtype_size(v->dtype);
    if (cls_tensor_numel(v) == 0)
        return -1;
    for (;; linear++) {
        int64_t off = (int64_t)v->offset;
        for (int d = 0; d < v->ndim; d++)
            off += idx[d] * v->strides[d] * (int64_t)es;
        if (memcmp(a + off, b + off, es) != 0) {
            *byte_offset = (size_t)off;
            return linear;
        }
        int d = v->ndim - 1;
        while (d >= 0 && ++idx[d] == v->sizes[d])
            idx[d--] = 0;
        if (d < 0)
            return -1;
    }
}

void bench_shape_str(const int64_t *dims, int ndim, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "[");
    for (int d = 0; d < ndim && used < size; d++)
        used +=
            (size_t)snprintf(buf + used, size - used, d ? ", %lld" : "%lld", (long long)dims[d]);
    if (used < size)
        snprintf(buf + used, size - used, "]");
}

void bench_case_status(bench *b, bench_case *c, cls_status st, const char *what)
{
    if (st == CLS_ERR_UNSUPPORTED) {
        c->rec.verdict = BENCH_UNSUPPORTED;
    } else {
        c->rec.verdict = BENCH_ERROR;
        b->failures++;
    }
    snprintf(c->rec.note, sizeof c->rec.note, "%s: %s: %s", what, cls_status_name(st),
             cls_last_error());
    for (char *p = c->rec.note; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

void bench_finish_record(bench *b, bench_record *r, const bench_timing *t, const bench_timing *peer)
{
    r->median_s = t->median_s;
    r->min_s = t->min_s;
    r->gbps = (double)r->bytes / t->median_s * 1e-9;
    bench_record_rate_run(r, &b->hdr);
    if (peer && peer->median_s > 0) {
        r->peer_median_s = peer->median_s;
        r->peer_gbps = (double)r->bytes / peer->median_s * 1e-9;
        r->peer_speedup = peer->median_s / t->median_s;
    }
}

/* The packed tensor p (N, C*bh*bw, H, W) and upsampled u (N, C, H*bh, W*bw) as
 * two 6-D views (N, C, H, bh, W, bw) that map element to element. */
void bench_d2s_views(const cls_tensor *p, const cls_tensor *u, int bh, int bw, cls_d2s_mode mode,
                     cls_tensor *pv, cls_tensor *uv)
{
    int64_t C = u->sizes[1], sc = p->strides[1];
    int64_t sizes[6] = {u->sizes[0], C, p->sizes[2], bh, p->sizes[3], bw};
    int64_t ps[6] = {p->strides[0], 0, p->strides[2], 0, p->strides[3], 0};
    int64_t us[6] = {u->strides[0], u->strides[1],      u->strides[2] * bh,
                     u->strides[2], u->strides[3] * bw, u->strides[3]};
    if (mode == CLS_DCR) /* channel (i*bw + j)*C + c */
        ps[1] = sc, ps[3] = (int64_t)bw * C * sc, ps[5] = C * sc;
    else /* CRD: channel c*bh*bw + i*bw + j */
        ps[1] = (int64_t)bh * bw * sc, ps[3] = (int64_t)bw * sc, ps[5] = sc;
    *pv = *p;
    *uv = *u;
    pv->ndim = uv->ndim = 6;
    memcpy(pv->sizes, sizes, sizeof sizes);
    memcpy(uv->sizes, sizes, sizeof sizes);
    memcpy(pv->strides, ps, sizeof ps);
    memcpy(uv->strides, us, sizeof us);
}

cls_tensor bench_lift4(const cls_tensor *t)
{
    cls_tensor u = *t;
    if (t->ndim == 3) {
        u.ndim = 4;
        u.sizes[2] = 1, u.strides[2] = t->strides[2] * t->sizes[2];
        u.sizes[3] = t->sizes[2], u.strides[3] = t->strides[2];
    }
    return u;
}

cls_status bench_d2s_any(bench *b, const cls_tensor *src, const cls_tensor *dst, int bh, int bw,
                         cls_d2s_mode mode, int *fallback)
{
    cls_tensor p = bench_lift4(src), u = bench_lift4(dst), pv, uv;
    cls_status st = cls_depth_to_space(b->ctx, src, dst, bh, bw, mode, 0, NULL, NULL);
    if (st != CLS_ERR_UNSUPPORTED)
        return st;
    *fallback = 1;
    bench_d2s_views(&p, &u, bh, bw, mode, &pv, &uv);
    return cls_copy(b->ctx, &pv, &uv, 0, NULL, NULL);
}
