/* clshuffle-bench timing: clpeak-style iteration calibration, median/min, host-clock and event
 * timing. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "util.h"

START_TEST(calibration_reaches_min_time)
{
    ck_assert_int_eq(bench_calibrate(0.01, 1.0, 3, 1000), 100);
    ck_assert_int_eq(bench_calibrate(0.25, 1.0, 3, 1000), 4);
    ck_assert_int_eq(bench_calibrate(0.3, 1.0, 3, 1000), 4); /* rounds up: 3.33 -> 4 */
    ck_assert_int_eq(bench_calibrate(0.001, 0.5, 3, 2000), 500);
}
END_TEST

START_TEST(calibration_clamps)
{
    ck_assert_int_eq(bench_calibrate(2.0, 1.0, 3, 1000), 3);     /* slow: the fewest */
    ck_assert_int_eq(bench_calibrate(1e-9, 1.0, 3, 1000), 1000); /* fast: the most */
    ck_assert_int_eq(bench_calibrate(0.0, 1.0, 3, 1000), 1000);  /* below the clock */
    ck_assert_int_eq(bench_calibrate(NAN, 1.0, 3, 1000), 3);     /* broken measurement */
    ck_assert_int_eq(bench_calibrate(INFINITY, 1.0, 3, 1000), 3);
    ck_assert_int_eq(bench_calibrate(0.1, 1.0, 0, 5), 5);
    ck_assert_int_eq(bench_calibrate(0.1, 1.0, 7, 2), 7); /* max below min: min wins */
}
END_TEST

START_TEST(stats_median_and_min)
{
    double odd[5] = {5, 1, 4, 2, 3}, even[4] = {10, 40, 20, 30}, med, min;
    bench_stats(odd, 5, &med, &min);
    ck_assert_double_eq(med, 3.0);
    ck_assert_double_eq(min, 1.0);
    bench_stats(even, 4, &med, &min);
    ck_assert_double_eq(med, 25.0);
    ck_assert_double_eq(min, 10.0);
    bench_stats(even, 0, &med, &min);
    ck_assert(isnan(med) && isnan(min));
}
END_TEST

/* A fake op: sleeps 2 ms on the host and counts its calls. */
typedef struct fake {
    int calls;
} fake;

static cls_status sleep_2ms(void *p, cl_event *ev)
{
    struct timespec ts = {0, 2000000};
    ck_assert_ptr_null(ev);
    ((fake *)p)->calls++;
    nanosleep(&ts, NULL);
    return CLS_OK;
}

static cl_command_queue queue_of(cls_context **ctx)
{
    cl_command_queue q;
    ck_assert_int_eq(cls_context_create(ctx, NULL), CLS_OK);
    ck_assert_int_eq(cls_context_get_cl(*ctx, NULL, NULL, &q), CLS_OK);
    return q;
}

START_TEST(host_clock_timing_calibrates)
{
    cls_context *ctx;
    cl_command_queue q = queue_of(&ctx);
    fake f = {0};
    bench_timing t;
    ck_assert_int_eq(bench_time(q, sleep_2ms, &f, 0, 0.05, &t), CLS_OK);
    /* Warm-up and calibration, then about 0.05 s / 2 ms = 25 (fewer if sleeps overshoot). */
    ck_assert_int_eq(f.calls, t.iters + 2);
    ck_assert_int_ge(t.iters, 3);
    ck_assert_int_le(t.iters, 25);
    ck_assert(t.min_s >= 0.002 && t.min_s <= t.median_s);
    ck_assert(t.median_s < 0.05);
    cls_context_destroy(ctx);
}
END_TEST

static cls_status fail_op(void *p, cl_event *ev)
{
    (void)p, (void)ev;
    return CLS_ERR_UNSUPPORTED;
}

START_TEST(timing_reports_op_failure)
{
    cls_context *ctx;
    cl_command_queue q = queue_of(&ctx);
    bench_timing t;
    ck_assert_int_eq(bench_time(q, fail_op, NULL, 1, 0.01, &t), CLS_ERR_UNSUPPORTED);
    ck_assert(isnan(t.median_s));
    ck_assert_int_eq(t.iters, 0);
    cls_context_destroy(ctx);
}
END_TEST

/* An event-timed op: a buffer fill whose event covers the whole command. */
typedef struct fill_op {
    cl_command_queue q;
    cl_mem m;
    int calls;
} fill_op;

static cls_status fill(void *p, cl_event *ev)
{
    fill_op *f = p;
    cl_uint zero = 0;
    f->calls++;
    return clEnqueueFillBuffer(f->q, f->m, &zero, sizeof zero, 0, 1 << 20, 0, NULL, ev) ==
                   CL_SUCCESS
               ? CLS_OK
               : CLS_ERR_OPENCL;
}

START_TEST(event_timing_uses_profiling)
{
    cls_context *ctx;
    cl_context c;
    fill_op f = {0};
    bench_timing t;
    cl_int err;
    f.q = queue_of(&ctx);
    cls_context_get_cl(ctx, &c, NULL, NULL);
    f.m = clCreateBuffer(c, CL_MEM_READ_WRITE, 1 << 20, NULL, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    ck_assert_int_eq(bench_time(f.q, fill, &f, 1, 0.02, &t), CLS_OK);
    ck_assert_int_ge(t.iters, 3);
    ck_assert(t.median_s > 0.0 && t.median_s < 0.5 && t.min_s <= t.median_s);
    clReleaseMemObject(f.m);
    cls_context_destroy(ctx);
}
END_TEST

/* An op of two commands that returns a marker's event, as multi-kernel ops do. */
static cls_status fill_then_marker(void *p, cl_event *ev)
{
    fill_op *f = p;
    cl_uint zero = 0;
    f->calls++;
    if (clEnqueueFillBuffer(f->q, f->m, &zero, sizeof zero, 0, 1 << 20, 0, NULL, NULL) !=
        CL_SUCCESS)
        return CLS_ERR_OPENCL;
    return clEnqueueMarkerWithWaitList(f->q, 0, NULL, ev) == CL_SUCCESS ? CLS_OK : CLS_ERR_OPENCL;
}

START_TEST(marker_event_falls_back_to_host_clock)
{
    cls_context *ctx;
    cl_context c;
    fill_op f = {0};
    bench_timing t;
    cl_int err;
    f.q = queue_of(&ctx);
    cls_context_get_cl(ctx, &c, NULL, NULL);
    f.m = clCreateBuffer(c, CL_MEM_READ_WRITE, 1 << 20, NULL, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    ck_assert_int_eq(bench_time(f.q, fill, &f, 1, 0.02, &t), CLS_OK);
    ck_assert_int_eq(t.wall, 0);
    ck_assert_int_eq(bench_time(f.q, fill_then_marker, &f, 1, 0.02, &t), CLS_OK);
    ck_assert_int_eq(t.wall, 1);
    ck_assert(t.median_s > 0.0 && t.min_s <= t.median_s);
    clReleaseMemObject(f.m);
    cls_context_destroy(ctx);
}
END_TEST

/* The op and two refs alternate: each enqueued as often as the others, all
 * event-timed; a count of refs out of range, or a ref that cannot be
 * event-timed, is refused. */
START_TEST(alternating_times_the_op_and_every_ref)
{
    cls_context *ctx;
    cl_context c;
    fill_op op = {0}, r0 = {0}, r1 = {0};
    bench_timing t, rt[BENCH_MAX_REFS];
    bench_enqueue_fn refs[2] = {fill, fill};
    bench_enqueue_fn marker_refs[2] = {fill, fill_then_marker};
    void *args[2] = {&r0, &r1};
    cl_int err;
    op.q = r0.q = r1.q = queue_of(&ctx);
    cls_context_get_cl(ctx, &c, NULL, NULL);
    op.m = clCreateBuffer(c, CL_MEM_READ_WRITE, 1 << 20, NULL, &err);
    r0.m = r1.m = op.m;
    ck_assert_int_eq(err, CL_SUCCESS);
    ck_assert_int_eq(bench_time_alternating(op.q, fill, &op, 2, refs, args, 0.02, &t, rt), CLS_OK);
    ck_assert_int_ge(t.iters, 7);
    ck_assert_int_eq(rt[0].iters, t.iters);
    ck_assert_int_eq(rt[1].iters, t.iters);
    /* Two warm-up passes, then the timed iterations, for each. */
    ck_assert_int_eq(op.calls, t.iters + 2);
    ck_assert_int_eq(r0.calls, op.calls);
    ck_assert_int_eq(r1.calls, op.calls);
    ck_assert(t.median_s > 0.0 && t.min_s <= t.median_s);
    for (int k = 0; k < 2; k++)
        ck_assert(rt[k].median_s > 0.0 && rt[k].min_s <= rt[k].median_s);
    ck_assert_int_eq(bench_time_alternating(op.q, fill, &op, 0, refs, args, 0.02, &t, rt),
                     CLS_ERR_INVALID_ARG);
    ck_assert_int_eq(
        bench_time_alternating(op.q, fill, &op, BENCH_MAX_REFS + 1, refs, args, 0.02, &t, rt),
        CLS_ERR_INVALID_ARG);
    ck_assert_int_eq(bench_time_alternating(op.q, fill, &op, 2, marker_refs, args, 0.02, &t, rt),
                     CLS_ERR_UNSUPPORTED);
    clReleaseMemObject(op.m);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bench_timing");
    TCase *tc = tcase_create("timing");
    tcase_add_test(tc, calibration_reaches_min_time);
    tcase_add_test(tc, calibration_clamps);
    tcase_add_test(tc, stats_median_and_min);
    tcase_add_test(tc, host_clock_timing_calibrates);
    tcase_add_test(tc, timing_reports_op_failure);
    tcase_add_test(tc, event_timing_uses_profiling);
    tcase_add_test(tc, marker_event_falls_back_to_host_clock);
    tcase_add_test(tc, alternating_times_the_op_and_every_ref);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
