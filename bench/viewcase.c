/* Layout and depth-to-space cases: one op between two views, checked against a host copy, then
 * timed. */
#include <clblast_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "internal.h"

void bench_strides_for_order(int ndim, const int64_t *sizes, const int *order, int64_t *strides)
{
    int64_t s = 1;
    for (int k = ndim - 1; k >= 0; k--) {
        strides[order[k]] = s;
        s *= sizes[order[k]];
    }
}

static cls_status view_enqueue(void *p, cl_event *ev)
{
    bench_view_job *j = p;
    cls_context *ctx = j->b->ctx;
    switch (j->op) {
    case BENCH_VJ_PERMUTE:
        return cls_permute(ctx, &j->src, j->perm, &j->dst, 0, NULL, ev);
    case BENCH_VJ_D2S:
        return cls_depth_to_space(ctx, &j->src, &j->dst, j->bh, j->bw, j->mode, 0, NULL, ev);
    case BENCH_VJ_S2D:
        return cls_space_to_depth(ctx, &j->src, &j->dst, j->bh, j->bw, j->mode, 0, NULL, ev);
    default:
        return cls_copy(ctx, &j->src, &j->dst, 0, NULL, ev);
    }
}

/* CLBlastSomatcopy on the same 2-D transpose (timed on the host clock: its
 * event covers only its last kernel). */
static cls_status omatcopy_enqueue(void *p, cl_event *ev)
{
    bench_view_job *j = p;
    size_t rows = (size_t)j->src.sizes[0], cols = (size_t)j->src.sizes[1];
    CLBlastStatusCode s;
    (void)ev;
    s = CLBlastSomatcopy(CLBlastLayoutRowMajor, CLBlastTransposeYes, rows, cols, 1.0f,
                         j->src.buffer, 0, cols, j->dst.buffer, 0, rows, &j->b->queue, NULL);
    return s == CLBlastSuccess ? CLS_OK
                               : cls__fail(CLS_ERR_CLBLAST, "CLBlastSomatcopy: status %d", (int)s);
}

/* An element's bytes in hex, in memory order. */
static const char *hex(const unsigned char *p, size_t n, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n && 2 * i + 2 < size; i++)
        snprintf(buf + 2 * i, size - 2 * i, "%02x", p[i]);
    return buf;
}

/* Compare dst's device image with the expected host image; note the first difference. */
static int check_dst(bench *b, bench_view_job *j, const unsigned char *expected,
                     unsigned char *actual, size_t dbytes, char *note, size_t note_size)
{
    size_t es = cls_dtype_size(j->dst.dtype), off = 0;
    char want[20], got[20];
    int64_t at;
    if (bench_download(b, j->dst.buffer, actual, dbytes) != 0) {
        snprintf(note, note_size, "cannot read dst back");
        return -1;
    }
    if (memcmp(expected, actual, dbytes) == 0)
        return 0;
    at = bench_first_mismatch(expected, actual, &j->dst, &off);
    snprintf(note, note_size,
             "dst differs from the CPU reference, first at element %lld of %lld "
             "(expected 0x%s, got 0x%s)",
             (long long)at, (long long)cls_tensor_numel(&j->dst),
             hex(expected + off, es, want, sizeof want), hex(actual + off, es, got, sizeof got));
    return -1;
}

/* The peer on the same operands; its output is checked too. */
static void run_peer(bench *b, bench_case *c, bench_view_job *j, const unsigned char *expected,
                     unsigned char *actual, size_t dbytes, bench_timing *pt)
{
    cl_uchar pattern = 0xEE;
    char note[160];
    snprintf(c->rec.peer, sizeof c->rec.peer, "CLBlastSomatcopy");
    clEnqueueFillBuffer(b->queue, j->dst.buffer, &pattern, 1, 0, dbytes, 0, NULL, NULL);
    if (omatcopy_enqueue(j, NULL) != CLS_OK || clFinish(b->queue) != CL_SUCCESS) {
        snprintf(c->rec.note, sizeof c->rec.note, "peer not timed: %s", cls_last_error());
        return;
    }
    if (check_dst(b, j, expected, actual, dbytes, note, sizeof note) != 0) {
        snprintf(c->rec.note, sizeof c->rec.note, "peer not timed: %s", note);
        return;
    }
    bench_time_opts peer_opts = {1, 1};
    if (bench_time_ex(b->queue, omatcopy_enqueue, j, 0, b->opts.min_time, &peer_opts, pt) != CLS_OK)
        pt->median_s = NAN;
}

/* Time the op alternately with the roofline copy at its byte count (both by
 * their events), and rate it by that copy: the paired roofline at the same
 * moments. Marks the case paired; on failure leaves it to the caller's
 * timing (and the run's paired measurements around it). */
static cls_status paired_timing(bench *b, bench_case *c, bench_view_job *j, bench_timing *t)
{
    bench_enqueue_fn copy[BENCH_MAX_REFS];
    void *copy_arg[BENCH_MAX_REFS];
    uint64_t moved[BENCH_MAX_REFS];
    bench_timing ct[BENCH_MAX_REFS];
    double best = 0.0;
    int n = b->hdr.nt_available ? 2 : 1;
    cls_status st = CLS_OK;
    /* Both copy kernels (plain, and non-temporal where the device has it),
     * each alternated with the case: the better of their medians is the
     * roofline, whichever kind the run-wide pass preferred. */
    for (int k = 0; k < n && st == CLS_OK; k++)
        st = bench_roofline_kernel(b, c->rec.bytes, k, &copy[k], &copy_arg[k], &moved[k]);
    if (st == CLS_OK)
        st = bench_time_alternating(b->queue, view_enqueue, j, n, copy, copy_arg,
                                    b->opts.min_time, t, ct);
    for (int k = 0; k < n && st == CLS_OK; k++)
        if (ct[k].median_s > 0.0 && (double)moved[k] / ct[k].median_s * 1e-9 > best)
            best = (double)moved[k] / ct[k].median_s * 1e-9;
    if (st != CLS_OK || !(best > 0.0))
        return st != CLS_OK ? st : CLS_ERR_OPENCL;
    c->paired = 1;
    c->rec.roofline_gbps = best;
    return CLS_OK;
}

/* Verify once against the host copy; time only a verified op. */
static void verify_and_time(bench *b, bench_case *c, bench_view_job *j, unsigned char *expected,
                            unsigned char *actual, size_t dbytes)
{
    bench_timing t, pt = {NAN, NAN, 0, 0};
    bench_time_opts warmed = {3, 1};
    cls_status st = view_enqueue(j, NULL);
    if (st == CLS_OK && clFinish(b->queue) != CL_SUCCESS)
        st = cls__fail(CLS_ERR_OPENCL, "clFinish failed after the op");
    if (st != CLS_OK) {
        bench_case_status(b, c, st, "op");
        return;
    }
    if (check_dst(b, j, expected, actual, dbytes, c->rec.note, sizeof c->rec.note) != 0) {
        c->rec.verdict = BENCH_FAIL;
        b->failures++;
        return;
    }
    c->rec.verdict = BENCH_PASS;
    if (j->peer == BENCH_PEER_EMPTY) {
        /* The latency case: the op and an empty kernel alternate. */
        snprintf(c->rec.peer, sizeof c->rec.peer, "empty kernel");
        st = bench_latency_pair(b, view_enqueue, j, &t.median_s, &pt.median_s);
        if (st != CLS_OK) {
            bench_case_status(b, c, st, "timing");
            return;
        }
        t.min_s = t.median_s, pt.min_s = pt.median_s, t.wall = 1, t.iters = 0;
        snprintf(c->rec.timing, sizeof c->rec.timing, "wall");
        bench_finish_record(b, &c->rec, &t, &pt);
        return;
    }
    if (!j->wall && paired_timing(b, c, j, &t) == CLS_OK)
        st = CLS_OK;
    else
        st = bench_time_ex(b->queue, view_enqueue, j, !j->wall, b->opts.min_time, &warmed, &t);
    if (st != CLS_OK) {
        bench_case_status(b, c, st, "timing");
        return;
    }
    snprintf(c->rec.timing, sizeof c->rec.timing, "%s", t.wall ? "wall" : "event");
    if (j->peer != BENCH_PEER_NONE)
        run_peer(b, c, j, expected, actual, dbytes, &pt);
    bench_finish_record(b, &c->rec, &t, j->peer != BENCH_PEER_NONE ? &pt : NULL);
}

/* Random bits make NaNs and denormals, which a peer computing in floats
 * (CLBlastSomatcopy: alpha * a) may quiet or flush: keep every exponent in
 * the normal range, mantissas and signs random. */
static void finite_floats(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, p + 4 * i, 4);
        bits = (bits & 0x807FFFFFu) | ((64u + ((bits >> 23) & 127u)) << 23);
        memcpy(p + 4 * i, &bits, 4);
    }
}

void bench_run_view_case(bench *b, bench_case *c, bench_view_job *j)
{
    uint64_t sbytes = 0, dbytes = 0;
    unsigned char *hsrc = NULL, *expected = NULL, *actual = NULL;
    j->b = b;
    cls_tensor_extent(&j->src, &sbytes);
    cls_tensor_extent(&j->dst, &dbytes);
    hsrc = malloc(sbytes);
    expected = malloc(dbytes);
    actual = malloc(dbytes);
    if (!hsrc || !expected || !actual) {
        bench_case_status(b, c, CLS_ERR_OUT_OF_MEMORY, "host buffers");
        goto done;
    }
    bench_fill_bytes(hsrc, sbytes, (uint32_t)b->num_cases);
    if (j->src.dtype == CLS_F32)
        finite_floats(hsrc, sbytes / 4);
    memset(expected, 0xEE, dbytes);
    bench_host_copy(hsrc, &j->ref_src, expected, &j->ref_dst);
    j->src.buffer = bench_buffer(b, sbytes, hsrc);
    j->dst.buffer = bench_buffer(b, dbytes, NULL);
    if (!j->src.buffer || !j->dst.buffer) {
        bench_case_status(b, c, cls__fail(CLS_ERR_OUT_OF_MEMORY, "device buffers"), "alloc");
        goto done;
    }
    verify_and_time(b, c, j, expected, actual, dbytes);
done:
    if (j->src.buffer)
        clReleaseMemObject(j->src.buffer);
    if (j->dst.buffer)
        clReleaseMemObject(j->dst.buffer);
    free(hsrc);
    free(expected);
    free(actual);
}
