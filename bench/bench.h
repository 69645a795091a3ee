/* clshuffle-bench: shared types of the benchmark driver, its cases and its report writers. */
#ifndef CLS_BENCH_H
#define CLS_BENCH_H

#include <stdint.h>
#include <stdio.h>

#include "clshuffle/clshuffle.h"

#define BENCH_MAX_SIZES 8
#define BENCH_MAX_ROOF 48

/* Operation families, selected with --ops. */
enum { BENCH_OP_LAYOUT = 1, BENCH_OP_D2S = 2, BENCH_OP_CONV = 4, BENCH_OP_ALL = 7 };
/* Transposed convs (--ops convt), not part of "all". */
enum { BENCH_OP_CONVT = 8 };

/* How much to run: --quick, the default, --full. */
typedef enum bench_level { BENCH_QUICK, BENCH_DEFAULT, BENCH_FULL } bench_level;

/* Command-line options. */
typedef struct bench_opts {
    const char *device; /* NULL: CLS_DEVICE, else the library default */
    cls_tier tier;      /* --tier: AUTO (CLS_TIER, else the profile's), PORTABLE, CPU */
    int list_devices;
    unsigned ops;                      /* BENCH_OP_* bits */
    unsigned dtypes;                   /* bit (1 << cls_dtype); 0: the level's default set */
    double sizes_mib[BENCH_MAX_SIZES]; /* bytes per tensor side, MiB */
    int num_sizes;                     /* 0: the level's default sizes */
    const char *json, *csv, *svg, *markdown;
    const char *match; /* --match: only the cases whose variant contains it */
    bench_level level;
    double min_time; /* seconds of timed iterations per measurement */
    int build_probe; /* hidden: child mode of the build-time measurement */
} bench_opts;

/* Outcome of a case's check against the CPU reference. */
typedef enum bench_verdict {
    BENCH_PASS,        /* compared with the reference and equal (within tolerance) */
    BENCH_FAIL,        /* compared and different: counted, never timed */
    BENCH_UNSUPPORTED, /* the op returned CLS_ERR_UNSUPPORTED: not timed */
    BENCH_ERROR        /* the op or the harness failed otherwise: counted */
} bench_verdict;

/* One measured case: a row of the table, a JSON record, a CSV line, an SVG bar.
 * Times and rates that do not apply are NAN (JSON null, empty CSV cell). */
typedef struct bench_record {
    char op[16];      /* "layout", "d2s", "s2d", "conv" */
    char variant[48]; /* "nchw->nhwc", "espcn r=3", ... */
    char layout[24];  /* "nchw->nhwc", "nhwc", "nlc" */
    char dtype[8];
    char shape[64]; /* src logical sizes "[1, 64, 256, 256]" */
    char block[24]; /* "2x2", "-" */
    char mode[8];   /* "DCR", "CRD", "-" */
    uint64_t bytes; /* bytes read + written by one run */
    double median_s, min_s;
    double gbps;
    /* The paired roofline (measured just before and just after this case, the
     * higher) and gbps over it; the run-wide roofline at bytes and gbps over it. */
    double roofline_gbps, ratio;
    double run_roofline_gbps, run_ratio;
    bench_verdict verdict;
    char timing[8]; /* "event" or "wall" */
    char peer[40];  /* peer name, "" when none */
    double peer_median_s, peer_gbps;
    double peer_speedup; /* peer time / our time (> 1: we are faster) */
    double gflops;       /* convs only */
    double plain_ratio;  /* fused conv time / the same conv writing a plain output */
    double sep_speedup;  /* (conv + separate d2s) time / fused time */
    char note[200];      /* mismatch or error detail */
} bench_record;

/* Copy-bandwidth roofline measured at one byte count (read + write). */
typedef struct bench_roof_point {
    uint64_t bytes;
    double vec_gbps; /* plain vector copy kernel */
    double nt_gbps;  /* non-temporal-store copy kernel; NAN when unavailable */
    double enq_gbps; /* clEnqueueCopyBuffer, for information */
} bench_roof_point;

/* Run-wide facts: the JSON header and the table's preamble. */
typedef struct bench_header {
    char device[256], vendor[256], driver[128], platform[400], date[32];
    char level[12];
    char tier[16];     /* the kernel tier the run used */
    char profile[512]; /* the device profile, one line (cls_profile_describe) */
    char command[512]; /* the command line of the run */
    double min_time;
    int nt_available;
    bench_roof_point roof[BENCH_MAX_ROOF];
    int num_roof;
    double build_cold_s, build_cached_s; /* NAN when not measured */
    int build_programs;                  /* programs built by the probe */
} bench_header;

/* The run-wide point nearest a byte count (log scale); NULL when there is none. */
const bench_roof_point *bench_roof_nearest(const bench_header *h, uint64_t bytes);
/* Whether the non-temporal copy kernel was the better kind at the nearest point. */
int bench_roofline_nt_at(const bench_header *h, uint64_t bytes);
/* The roofline (best kind) at a byte count: the nearest measured point. */
double bench_roofline_at(const bench_header *h, uint64_t bytes);
/* Rate a timed record against its paired roofline: the larger of the figures
 * measured before and after it (NAN: not measured; both NAN leaves the
 * roofline and ratio NAN and says so in the note). */
void bench_record_pair(bench_record *r, double before, double after);
/* Rate a timed record against the run-wide roofline in h. */
void bench_record_rate_run(bench_record *r, const bench_header *h);
/* Name of a verdict as reported: "yes", "FAILED", "unsupported", "error". */
const char *bench_verdict_name(bench_verdict v);
/* A record with every number NAN and every string empty. */
void bench_record_init(bench_record *r);

/* ---- report writers (report_*.c): return 0, or -1 when a write failed ---- */
int bench_write_json(FILE *f, const bench_header *h, const bench_record *r, int n);
int bench_write_csv(FILE *f, const bench_record *r, int n);
int bench_write_svg(FILE *f, const bench_header *h, const bench_record *r, int n);
void bench_print_table(FILE *f, const bench_header *h, const bench_record *r, int n);
int bench_write_markdown(FILE *f, const bench_header *h, const bench_record *r, int n);

/* ---- timing (timing.c) ---- */

/* Enqueue one iteration. With events, *ev receives the event that spans the
 * iteration (the caller releases it); without, ev is NULL and the iteration is
 * timed on the host clock around its enqueue and clFinish. */
typedef cls_status (*bench_enqueue_fn)(void *arg, cl_event *ev);

typedef struct bench_timing {
    double median_s, min_s;
    int iters;
    int wall; /* timed on the host clock (asked for, or the op's event was a marker) */
} bench_timing;

/* clpeak's calibration: iterations so that iters * one_s reaches min_time,
 * clamped to [min_iters, max_iters]. */
int bench_calibrate(double one_s, double min_time, int min_iters, int max_iters);
/* Median and minimum of n samples (sorts v in place); NAN for n == 0. */
void bench_stats(double *v, int n, double *median, double *min);
/* Seconds between an event's CL_PROFILING_COMMAND_START and END; NAN on error. */
double bench_event_seconds(cl_event ev);
/* Monotonic host clock, seconds. */
double bench_now(void);
/* Warm up, calibrate and time fn: events when use_events, else the host clock.
 * At least 3 iterations. */
cls_status bench_time(cl_command_queue q, bench_enqueue_fn fn, void *arg, int use_events,
                      double min_time, bench_timing *out);

typedef struct bench_time_opts {
    int min_iters; /* fewest timed iterations (slow peers: 1) */
    int warmed;    /* the caller already ran fn once (its verification run) */
} bench_time_opts;
/* fn and the refs (copy rooflines, at most BENCH_MAX_REFS) alternately,
 * iteration by iteration, all timed by their events, so that all see the
 * same moment's bandwidth: medians and minima of each. CLS_ERR_UNSUPPORTED
 * when any cannot be event-timed. */
#define BENCH_MAX_REFS 2
cls_status bench_time_alternating(cl_command_queue q, bench_enqueue_fn fn, void *arg, int nref,
                                  bench_enqueue_fn const *refs, void *const *ref_args,
                                  double min_time, bench_timing *out, bench_timing *ref_outs);
/* bench_time() with options. */
cls_status bench_time_ex(cl_command_queue q, bench_enqueue_fn fn, void *arg, int use_events,
                         double min_time, const bench_time_opts *o, bench_timing *out);

/* ---- the run: context, case list, records (main.c) ---- */

typedef struct bench bench;
typedef struct bench_case bench_case;
/* Verify then time one case, filling c->rec. */
typedef void (*bench_case_fn)(bench *b, bench_case *c);

/* A planned case: its identity (in rec), its runner and its parameters. */
struct bench_case {
    bench_record rec;
    bench_case_fn run;
    cls_dtype dtype;
    int ndim;
    int64_t dims[CLS_MAX_DIMS]; /* src logical sizes */
    int perm[CLS_MAX_DIMS];
    int p[8];         /* per-family parameters */
    int pairs_itself; /* planned: the runner times it alternately with the roofline copy */
    int paired;       /* it did (else the run measures the roofline around it) */
};

struct bench {
    bench_opts opts;
    cls_context *ctx;
    cl_context cl_ctx;
    cl_command_queue queue;
    cl_device_id device;
    cls_device_info info;
    bench_header hdr;
    bench_case *cases;
    int num_cases, cap_cases;
    int failures;
    cl_mem roof_src, roof_dst; /* the roofline's copy buffers, kept for the run (roofline.c) */
    size_t roof_side;          /* bytes in each */
    cl_kernel roof_kernels[4]; /* bench/roofline.cl's kernels, created on first use */
};

/* Append a case (identity fields already in c->rec); returns 0 or -1. */
int bench_add_case(bench *b, const bench_case *c);
/* Progress on stderr: one live line on a terminal, plain lines otherwise. */
void bench_progress(const bench *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Whether a dtype is selected: the explicit --dtype set, else f32 (and f16
 * and u8 where the family has variants for them, with_narrow). */
int bench_dtype_on(const bench *b, cls_dtype dt, int with_narrow);
/* Every dtype, f32, f16 and u8 first; returns the count. */
int bench_dtype_order(cls_dtype *order);
/* The tensor sizes, in bytes per side, for memory-bound cases. */
int bench_sizes(const bench *b, uint64_t *bytes, int max);

/* ---- device helpers (devmem.c) ---- */

/* A device buffer of size bytes, filled from host (NULL: a 0xEE pattern). */
cl_mem bench_buffer(bench *b, size_t size, const void *host);
/* Blocking write / read of a whole buffer; 0 or -1. */
int bench_upload(bench *b, cl_mem m, const void *host, size_t size);
int bench_download(bench *b, cl_mem m, void *host, size_t size);
/* Deterministic, non-zero-heavy bytes. */
void bench_fill_bytes(void *dst, size_t size, uint32_t seed);
/* Host copy between two strided views of the same sizes (buffer ignored):
 * the independent reference of every layout case. */
void bench_host_copy(const unsigned char *src, const cls_tensor *sv, unsigned char *dst,
                     const cls_tensor *dv);
/* First element (row-major index) where two host images differ over view v,
 * its byte offset in *byte_offset; -1 if none. */
int64_t bench_first_mismatch(const unsigned char *a, const unsigned char *b, const cls_tensor *v,
                             size_t *byte_offset);
/* The packed tensor p (N, C*bh*bw, H, W) and the upsampled u (N, C, H*bh,
 * W*bw) as two 6-D views (N, C, H, bh, W, bw) that map element to element. */
void bench_d2s_views(const cls_tensor *p, const cls_tensor *u, int bh, int bw, cls_d2s_mode mode,
                     cls_tensor *pv, cls_tensor *uv);
/* Depth-to-space src -> dst (4-D, or 3-D with bh == 1) with the library's op,
 * or where it is unsupported, cls_copy between the two views (*fallback = 1). */
cls_status bench_d2s_any(bench *b, const cls_tensor *src, const cls_tensor *dst, int bh, int bw,
                         cls_d2s_mode mode, int *fallback);
/* A 3-D (N, C, L) tensor read as (N, C, 1, L); others unchanged. */
cls_tensor bench_lift4(const cls_tensor *t);
/* "[1, 64, 256, 256]" */
void bench_shape_str(const int64_t *dims, int ndim, char *buf, size_t size);
/* Record an op failure on c: unsupported (not timed) or an error (counted). */
void bench_case_status(bench *b, bench_case *c, cls_status st, const char *what);
/* Finish a timed record: GB/s, the run-wide roofline and ratio so far, peer
 * figures (the driver adds the paired roofline and ratio). */
void bench_finish_record(bench *b, bench_record *r, const bench_timing *t,
                         const bench_timing *peer);

/* ---- one op between two views, checked by a host copy (viewcase.c) ---- */

enum { BENCH_VJ_COPY, BENCH_VJ_PERMUTE, BENCH_VJ_D2S, BENCH_VJ_S2D };
enum { BENCH_PEER_NONE, BENCH_PEER_OMATCOPY, BENCH_PEER_EMPTY };

/* A layout or depth-to-space case: the op's operands, and the same mapping as
 * two views of equal sizes (ref_src -> ref_dst) for the host reference. */
typedef struct bench_view_job {
    bench *b;
    int op;              /* BENCH_VJ_* */
    cls_tensor src, dst; /* buffers are set by the runner */
    cls_tensor ref_src, ref_dst;
    int perm[CLS_MAX_DIMS];
    int bh, bw;
    cls_d2s_mode mode;
    int peer; /* BENCH_PEER_* */
    int wall; /* time enqueue-to-completion on the host clock */
} bench_view_job;

/* Verify, time and fill c->rec for a view job (frees what it allocates). */
void bench_run_view_case(bench *b, bench_case *c, bench_view_job *j);
/* Strides for sizes stored in the given order of dims (outermost first). */
void bench_strides_for_order(int ndim, const int64_t *sizes, const int *order, int64_t *strides);

/* ---- case families: append planned cases (cases_*.c) ---- */
int bench_plan_layout(bench *b);
int bench_plan_d2s(bench *b);
int bench_plan_conv(bench *b);
/* In-block (pixel-unshuffle + conv) and space-to-depth rewrite cases (cases_convs2d.c). */
int bench_plan_conv_s2d(bench *b);
int bench_plan_convt(bench *b);

/* ---- roofline (roofline.c) ---- */
/* Measure the roofline at every distinct byte count of the planned cases;
 * again: measure the copy kernels once more, keeping the better figures. */
cls_status bench_roofline(bench *b, int again);
/* Measure the copy roofline at bytes now (the paired roofline of a case): the
 * kernel kind that was the better at the nearest run-wide point, timed as the
 * run-wide points are. *gbps is NAN on failure. */
cls_status bench_roofline_now(bench *b, uint64_t bytes, double *gbps);
/* A copy kernel at a byte count, as an enqueue function and its argument
 * (valid until the next call of the same kind), and the bytes it moves (read
 * + write) per run. kind: 0 the plain copy, 1 the non-temporal one
 * (CLS_ERR_UNSUPPORTED where the device has none), -1 the kind
 * bench_roofline_now() takes (the better at the nearest run-wide point). */
cls_status bench_roofline_kernel(bench *b, uint64_t bytes, int kind, bench_enqueue_fn *fn,
                                 void **arg, uint64_t *moved);
/* Release the roofline's copy buffers (when they must grow). */
void bench_roofline_release(bench *b);
/* Release the buffers, the roofline program and its kernels (at the end of the run). */
void bench_roofline_free(bench *b);
/* Enqueue-to-completion host times (medians, seconds) of fn and of an empty
 * kernel, timed alternately so that both see the same load. */
cls_status bench_latency_pair(bench *b, bench_enqueue_fn fn, void *arg, double *op_s,
                              double *empty_s);

/* ---- kernel build time (buildtime.c) ---- */
/* Child mode: build the library's kernels in a fresh context, print the time. */
int bench_build_probe_child(const bench_opts *o);
/* Parent: run the probe cold and from the cache, fill the header. */
void bench_build_time(bench *b, const char *argv0);

#endif
