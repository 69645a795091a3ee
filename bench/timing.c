/* Iteration calibration (clpeak's method), event and host-clock timing, median and minimum. */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

#define MIN_ITERS 3
#define MAX_ITERS 2000

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int bench_calibrate(double one_s, double min_time, int min_iters, int max_iters)
{
    double want;
    if (min_iters < 1)
        min_iters = 1;
    if (max_iters < min_iters)
        max_iters = min_iters;
    /* A broken measurement gets the fewest iterations; a run too short for
     * the clock to see gets the most. */
    if (isnan(one_s) || isinf(one_s))
        return min_iters;
    if (one_s <= 0.0)
        return max_iters;
    want = ceil(min_time / one_s);
    if (!(want >= (double)min_iters))
        return min_iters;
    if (want > (double)max_iters)
        return max_iters;
    return (int)want;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void bench_stats(double *v, int n, double *median, double *min)
{
    if (n <= 0) {
        *median = NAN;
        *min = NAN;
        return;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *min = v[0];
    *median = (n % 2) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double bench_event_seconds(cl_event ev)
{
    cl_ulong t0 = 0, t1 = 0;
    if (clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL) !=
            CL_SUCCESS ||
        clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL) != CL_SUCCESS ||
        t1 < t0)
        return NAN;
    return 1e-9 * (double)(t1 - t0);
}

/* Whether an event spans real work: a marker or barrier (what an op that
 * enqueues several commands may return) has no meaningful START..END. */
static int event_spans_work(cl_event ev)
{
    cl_command_type type = 0;
    if (clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof type, &type, NULL) != CL_SUCCESS)
        return 0;
    return type != CL_COMMAND_MARKER && type != CL_COMMAND_BARRIER;
}

/* One iteration, finished, timed by its event or by the host clock. With
 * events, *use_events is cleared when the op's event cannot time it. */
static cls_status time_one(cl_command_queue q, bench_enqueue_fn fn, void *arg, int *use_events,
                           double *seconds)
{
    cl_event ev = NULL;
    double t0 = bench_now();
    cls_status st = fn(arg, *use_events ? &ev : NULL);
    if (st != CLS_OK)
        return st;
    clFinish(q);
    *seconds = bench_now() - t0;
    if (ev) {
        if (event_spans_work(ev))
            *seconds = bench_event_seconds(ev);
        else
            *use_events = 0;
        clReleaseEvent(ev);
    } else if (*use_events) {
        *use_events = 0; /* no event came back: the host clock it is */
    }
    return CLS_OK;
}

/* Each finished event's seconds into samples[i], releasing it (a slot
 * without an event keeps its sample). */
static void collect(cl_event *evs, int n, double *samples)
{
    for (int i = 0; i < n; i++)
        if (evs[i]) {
            samples[i] = bench_event_seconds(evs[i]);
            clReleaseEvent(evs[i]);
        }
}

/* Event-timed iterations are enqueued back to back (no host gap between
 * them); each event then gives one sample. */
static cls_status time_events(cl_command_queue q, bench_enqueue_fn fn, void *arg, int n,
                              double *samples)
{
    cl_event *evs = calloc((size_t)n, sizeof *evs);
    cls_status st = CLS_OK;
    int done = 0;
    if (!evs)
        return CLS_ERR_OUT_OF_MEMORY;
    for (; done < n && st == CLS_OK; done++)
        st = fn(arg, &evs[done]);
    clFinish(q);
    collect(evs, done, samples);
    free(evs);
    return st;
}

cls_status bench_time(cl_command_queue q, bench_enqueue_fn fn, void *arg, int use_events,
                      double min_time, bench_timing *out)
{
    bench_time_opts o = {MIN_ITERS, 0};
    return bench_time_ex(q, fn, arg, use_events, min_time, &o, out);
}

cls_status bench_time_ex(cl_command_queue q, bench_enqueue_fn fn, void *arg, int use_events,
                         double min_time, const bench_time_opts *o, bench_timing *out)
{
    double one = 0.0, *samples;
    cls_status st = CLS_OK;
    int n, first = 0;
    out->median_s = out->min_s = NAN;
    out->iters = 0;
    out->wall = !use_events;
    /* Warm-up (unless the caller's verification run was one), then one timed
     * run to calibrate the count; a calibration run longer than min_time is
     * kept as the first sample. */
    if (!o->warmed && (st = time_one(q, fn, arg, &use_events, &one)) != CLS_OK)
        return st;
    if ((st = time_one(q, fn, arg, &use_events, &one)) != CLS_OK)
        return st;
    n = bench_calibrate(one, min_time, o->min_iters, MAX_ITERS);
    samples = calloc((size_t)n, sizeof *samples);
    if (!samples)
        return CLS_ERR_OUT_OF_MEMORY;
    if (one >= min_time)
        samples[first++] = one;
    if (use_events) {
        st = time_events(q, fn, arg, n - first, samples + first);
    } else {
        int none = 0;
        for (int i = first; i < n && st == CLS_OK; i++)
            st = time_one(q, fn, arg, &none, &samples[i]);
    }
    out->wall = !use_events;
    if (st == CLS_OK) {
        bench_stats(samples, n, &out->median_s, &out->min_s);
        out->iters = n;
    }
    free(samples);
    return st;
}

cls_status bench_time_alternating(cl_command_queue q, bench_enqueue_fn fn, void *arg, int nref,
                                  bench_enqueue_fn const *refs, void *const *ref_args,
                                  double min_time, bench_timing *out, bench_timing *ref_outs)
{
    double one = 0.0, ref_one[BENCH_MAX_REFS] = {0.0}, per = 0.0;
    double *samples[BENCH_MAX_REFS + 1] = {NULL};
    cl_event *evs[BENCH_MAX_REFS + 1] = {NULL};
    cls_status st = CLS_OK;
    int n, use = 1, ref_use[BENCH_MAX_REFS], done = 0;
    if (nref < 1 || nref > BENCH_MAX_REFS)
        return CLS_ERR_INVALID_ARG;
    out->median_s = out->min_s = NAN;
    out->iters = 0, out->wall = 0;
    for (int r = 0; r < nref; r++) {
        ref_outs[r].median_s = ref_outs[r].min_s = NAN;
        ref_outs[r].iters = 0, ref_outs[r].wall = 0;
        ref_use[r] = 1;
    }
    /* Warm all, then calibrate on one of each; all must be event-timed. */
    for (int pass = 0; pass < 2 && st == CLS_OK; pass++) {
        for (int r = 0; r < nref && st == CLS_OK; r++)
            st = time_one(q, refs[r], ref_args[r], &ref_use[r], &ref_one[r]);
        if (st == CLS_OK)
            st = time_one(q, fn, arg, &use, &one);
    }
    if (st != CLS_OK)
        return st;
    per = one;
    for (int r = 0; r < nref; r++) {
        if (!ref_use[r])
            return CLS_ERR_UNSUPPORTED; /* the caller times it alone */
        per += ref_one[r];
    }
    if (!use)
        return CLS_ERR_UNSUPPORTED;
    n = bench_calibrate(per, min_time, 2 * MIN_ITERS + 1, MAX_ITERS);
    for (int r = 0; r <= nref; r++) {
        samples[r] = calloc((size_t)n, sizeof *samples[r]);
        evs[r] = calloc((size_t)n, sizeof *evs[r]);
        if (!samples[r] || !evs[r])
            st = CLS_ERR_OUT_OF_MEMORY;
    }
    /* In order on one queue: the refs, fn, the refs, fn, ... back to back. */
    for (; st == CLS_OK && done < n; done++) {
        for (int r = 0; r < nref && st == CLS_OK; r++)
            st = refs[r](ref_args[r], &evs[r][done]);
        if (st == CLS_OK)
            st = fn(arg, &evs[nref][done]);
    }
    clFinish(q);
    for (int r = 0; r <= nref; r++)
        if (evs[r])
            collect(evs[r], done, samples[r]); /* events not enqueued are NULL */
    if (st == CLS_OK) {
        bench_stats(samples[nref], n, &out->median_s, &out->min_s);
        out->iters = n;
        for (int r = 0; r < nref; r++) {
            bench_stats(samples[r], n, &ref_outs[r].median_s, &ref_outs[r].min_s);
            ref_outs[r].iters = n;
        }
    }
    for (int r = 0; r <= nref; r++) {
        free(samples[r]);
        free(evs[r]);
    }
    return st;
}
