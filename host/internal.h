/* Internal interfaces shared by the host runtime files (not installed). */
#ifndef CLS_INTERNAL_H
#define CLS_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "clshuffle/clshuffle.h"

/* ---- errors (status.c) ---- */

/* Set the thread-local message and return code. */
cls_status cls__fail(cls_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Report a failed OpenCL call: "clFoo failed: CL_INVALID_VALUE (-30)". */
cls_status cls__fail_cl(cl_int err, const char *call);
/* Clear the thread-local message. */
void cls__clear_error(void);

/* ---- checked size arithmetic (checked.c) ---- */

/* a * b and a + b in int64; return -1 (out unspecified) on overflow, else 0. */
int cls__mul_i64(int64_t a, int64_t b, int64_t *out);
int cls__add_i64(int64_t a, int64_t b, int64_t *out);
int cls__mul3_i64(int64_t a, int64_t b, int64_t c, int64_t *out);
/* a * b, or INT64_MAX when it overflows (descriptor constructors). */
int64_t cls__sat_mul_i64(int64_t a, int64_t b);
/* ceil(a / b) for a >= 0, b > 0, without forming a + b - 1. */
int64_t cls__ceil_div_i64(int64_t a, int64_t b);
/* Product of ndim sizes into out (0 when any is 0); -1 when ndim is out of
 * range, a size is negative, or the product of the non-zero sizes exceeds
 * INT64_MAX. */
int cls__numel_checked(int ndim, const int64_t *sizes, int64_t *out);
/* Conv output size along one axis, (in + pa + pb - dil*(k-1) - 1)/stride + 1,
 * 0 when the kernel does not fit; -1 on overflow. */
int cls__conv_out_size(int64_t in, int pa, int pb, int dil, int k, int stride, int64_t *out);

/* ---- the depth-to-space channel map (chanmap.c) ---- */

/* The one definition of the DCR / CRD channel order, shared by the layout
 * ops and the conv (output and input blocks): the channel of the deep tensor
 * (C * bh * bw channels) that holds channel c of the space tensor at block
 * position (i, j): DCR (i * bw + j) * C + c, CRD (c * bh + i) * bw + j. */
int64_t cls__chan_index(cls_d2s_mode mode, int64_t c, int64_t i, int64_t j, int64_t C, int64_t bh,
                        int64_t bw);
/* Its inverse: deep channel v -> (c, i, j). */
void cls__chan_split(cls_d2s_mode mode, int64_t v, int64_t C, int64_t bh, int64_t bw, int *c,
                     int *i, int *j);

/* ---- context (context.c) ---- */

typedef struct cls__program_entry {
    uint64_t key; /* hash of source name, source text and options */
    cl_program program;
} cls__program_entry;

typedef struct cls__kernel_entry {
    uint64_t key; /* hash of file name, options and kernel name */
    cl_kernel kernel;
} cls__kernel_entry;

struct cls_context {
    /* Recursive; held by every op from its checks to its last enqueue (the
     * kernel objects in the cache are shared, and clSetKernelArg + enqueue
     * on one cl_kernel must not interleave), and by the caches. */
    pthread_mutex_t lock;
    cl_context cl_ctx;
    cl_device_id device;
    cl_command_queue queue;
    cls_device_info info;
    cls_device_profile profile;
    int verify;
    int disk_cache; /* non-zero: use cache_dir */
    char cache_dir[1024];
    char kernel_dir[1024];
    /* Built programs and created kernels, grown as needed, kept until destroy. */
    cls__program_entry *programs;
    int num_programs, cap_programs;
    cls__kernel_entry *kernels;
    int num_kernels, cap_kernels;
    /* Program builds so far (cls_context_get_build_stats). */
    int builds_from_source;
    int builds_from_disk;
    double build_seconds;
};

/* ---- device profile (profile.c) ---- */

/* Query the device, run the probe and choose the tier (opts and CLS_TIER). */
cls_status cls__profile_read(cls_context *ctx, const cls_context_options *opts);
/* Fill the derived fields of a profile (tier from want, defines); also used
 * by tests to make fake profiles. */
void cls__profile_finish(cls_device_profile *p, cls_tier want);
/* Non-zero when the CPU tier's kernels are written for this device. */
int cls__cpu_tier_fits(const cls_device_profile *p);
/* "portable", "cpu" ("auto" for AUTO). */
const char *cls__tier_name(cls_tier tier);

/* ---- context lock (context.c) ---- */

/* Take and release ctx's lock (recursive). */
void cls__lock(cls_context *ctx);
void cls__unlock(cls_context *ctx);

/* ---- programs (program.c) ---- */

/* Kernel source embedded at build time (generated file). */
typedef struct cls__kernel_source {
    const char *name; /* file stem: "copy" for kernels/copy.cl */
    const unsigned char *data;
    size_t size;
} cls__kernel_source;
extern const cls__kernel_source cls__kernel_sources[];
extern const size_t cls__kernel_source_count;

/* A kernel program: its source files under kernels/ (without ".cl"), joined
 * in order, and its tier. programs.c holds the one table. */
#define CLS__PROGRAM_FILES 8
typedef struct cls__program_def {
    const char *name;
    cls_tier tier;
    const char *files[CLS__PROGRAM_FILES];
    int act_codes; /* gets cls_activation's codes as -DCLS_ACT_...=N (the kernels keep no copy) */
} cls__program_def;
/* The table entry named name, or NULL. */
const cls__program_def *cls__program_find(const char *name);

/* The built program `name` of the table with the given build options (a
 * program not of the portable tier also gets the profile's -D options);
 * built once per context and kept. */
cls_status cls__program_get(cls_context *ctx, const char *name, const char *options,
                            cl_program *program);
/* A kernel from such a program, created once per context and kept (the
 * context is single-threaded, so callers set arguments then enqueue). */
cls_status cls__kernel_get(cls_context *ctx, const char *name, const char *options,
                           const char *kernel_name, cl_kernel *kernel);
/* Build from source text (for the benchmark's own kernels). */
cls_status cls__program_get_source(cls_context *ctx, const char *tag, const char *source,
                                   size_t size, const char *options, cl_program *program);
/* mkdir -p; 0 on success. */
int cls__mkdir_p(const char *path);
/* 64-bit FNV-1a, chainable: pass the previous hash as seed (first: 0). */
uint64_t cls__hash(uint64_t seed, const void *data, size_t size);

/* ---- launches (launch.c) ---- */

/* Kernel arguments set in order; the first failure (and its index) kept. */
typedef struct cls__args {
    cl_kernel k;
    cl_uint next, failed;
    cl_int err;
    int idx64; /* cls__arg_idx passes ulong (else uint) */
} cls__args;
void cls__arg(cls__args *a, size_t size, const void *value);
/* An index-typed argument: uint or ulong as the program was built (idx64). */
void cls__arg_idx(cls__args *a, uint64_t v);
/* Non-zero when CLS_LOG=1 (the library's only output, on stderr). */
int cls__log_enabled(void);
/* Non-zero: cls__launch checks and returns without enqueuing (the calling
 * thread's later launches; blocked formats get every kernel first). */
void cls__launch_prepare_only(int on);
/* Log (CLS_LOG=1) that a specialised program failed to build, with its
 * build log (the thread's last error), and that the portable kernel runs. */
void cls__log_fallback(const char *program);
/* Check the arguments (naming the first failing one and its CL code), log
 * and enqueue kernel a->k of program over dims dims. */
cls_status cls__launch(cls_context *ctx, const cls__args *a, const char *program,
                       const char *kernel, cl_uint dims, const size_t *global, const size_t *local,
                       cl_uint num_wait, const cl_event *wait, cl_event *ev);

/* ---- tensors (tensor.c) ---- */

/* Validate t and name it in the message ("src", "dst"). */
cls_status cls__tensor_check(const cls_tensor *t, const char *what);
/* Byte range [lo, hi) covered by the view inside its buffer. */
void cls__tensor_range(const cls_tensor *t, uint64_t *lo, uint64_t *hi);
/* Non-zero when the byte ranges of a and b may overlap (same base buffer,
 * sub-buffers resolved). */
int cls__tensors_overlap(const cls_tensor *a, const cls_tensor *b);
/* Same dtype, ndim and sizes, else CLS_ERR_INVALID_ARG naming the difference. */
cls_status cls__tensors_same_shape(const cls_tensor *src, const cls_tensor *dst);
/* Completed event for a no-op (marker honouring the wait list); done may be NULL. */
cls_status cls__enqueue_noop(cls_context *ctx, cl_uint num_wait, const cl_event *wait,
                             cl_event *done);
/* Check the common event arguments. */
cls_status cls__check_wait_list(cl_uint num_wait, const cl_event *wait);
/* "[2, 3, 5]" into buf. */
const char *cls__shape_str(const cls_tensor *t, char *buf, size_t size);

/* ---- op entry checks (op_entry.c) ---- */

/* num_wait and wait agree, and every event is non-NULL and of ctx's cl_context. */
cls_status cls__check_events(const cls_context *ctx, cl_uint num_wait, const cl_event *wait);
/* CLS_ERR_INVALID_ARG when two elements of a validated view t can share an
 * address (a zero stride on a dim of size > 1, interleaved strides). */
cls_status cls__check_self_overlap(const cls_tensor *t, const char *what);

/* ---- copy engine (copy.c) ---- */

/* CPU tier: elements per work-item strip, about CLS_CPU_STRIP_BYTES of
 * units of unit_bytes, a multiple of `multiple` (at least one multiple). */
uint64_t cls__cpu_strip_len(size_t unit_bytes, uint64_t multiple);

/* Enqueue dst = src for two already validated, non-overlapping, non-empty
 * views of the same sizes and dtype (the engine behind every layout op: no
 * argument checks, no verify). ev may be NULL. */
cls_status cls__copy_enqueue(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                             cl_uint num_wait, const cl_event *wait, cl_event *ev);
/* The same for the views of a depth-to-space op (d2s_views non-zero: the
 * depth-to-space row kernels are candidates too). */
cls_status cls__copy_enqueue_views(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                                   int d2s_views, cl_uint num_wait, const cl_event *wait,
                                   cl_event *ev);

/* The copy engine's kernels (reported by cls__copy_choose, forced by tests). */
typedef enum cls__copy_kernel {
    CLS__COPY_AUTO = 0,     /* let the engine choose */
    CLS__COPY_GENERIC,      /* one work-item per element, any strides */
    CLS__COPY_RUN,          /* vectorised copy of runs contiguous on both sides */
    CLS__COPY_RUN_PACKED,   /* many short contiguous runs, one per work-item */
    CLS__COPY_TILE,         /* transpose through a padded local-memory tile */
    CLS__COPY_REG,          /* transpose through 8 x 16 register blocks */
    CLS__COPY_INTERLEAVE,   /* dst inner extent 2..16: planes -> interleaved (cpu/d2s.cl, V16) */
    CLS__COPY_DEINTERLEAVE, /* src inner extent 2..16: interleaved -> planes (cpu/d2s.cl, V16) */
    CLS__COPY_D2S,          /* the depth-to-space rows of any match (cpu/d2s.cl, d2s_lower.c) */
    CLS__COPY_KERNEL_COUNT
} cls__copy_kernel;

/* The CPU tier's interleave rows (d2s_lower.c, kernels/cpu/d2s.cl): one axis
 * of a view pair (size, src and dst element strides), and a matched launch. */
typedef struct cls__d2s_axis {
    int64_t size, s, d;
} cls__d2s_axis;
typedef struct cls__d2s_rows {
    int de;                 /* 0: interleave, 1: deinterleave */
    int factor, flo;        /* streams, and streams of the low stream axis */
    int64_t len, group;     /* run length and dst (src) group stride */
    int64_t shi, slo;       /* stream strides on the streams' side */
    cls__d2s_axis outer[4]; /* outermost first, padded with size-1 axes */
    int dst_seq;            /* rows continue each other's dst runs */
    int v16;                /* a layout copy's one-axis streams: 16 elements a step */
} cls__d2s_rows;

/* A canonical copy: size-1 dims dropped, dims contiguous in both views
 * merged, ordered outermost first by dst stride (so dim ndim-1 has the
 * smallest dst stride). Offsets and strides are in elements. */
typedef struct cls__copy_plan {
    int ndim;
    int64_t sizes[CLS_MAX_DIMS];
    int64_t sstr[CLS_MAX_DIMS];
    int64_t dstr[CLS_MAX_DIMS];
    uint64_t soff, doff;
    size_t es;
    int a;             /* dim with src stride 1 (transposes), else -1 */
    int b;             /* dim with dst stride 1 (ndim - 1 when it has one), else -1 */
    int idx64;         /* non-zero: some index needs 64 bits */
    uint64_t bytes;    /* bytes moved one way */
    cls_tier tier;     /* PORTABLE or CPU: the kernels the choice is among */
    int d2s_views;     /* the views of a depth-to-space op: CLS__COPY_D2S is a candidate */
    cls__d2s_rows d2s; /* D2S, INTERLEAVE, DEINTERLEAVE: the rows the chooser matched */
    cls__copy_kernel kernel;
} cls__copy_plan;

/* A planned launch of the portable copy engine (planner unit tests read it). */
typedef struct cls__launch_geom {
    const char *program, *kernel;
    char options[128];
    size_t global[3], local[3];
    uint64_t per;          /* run copy: 16-byte units per work-item; gather:
                              indices per work-item; tile: 1;
                              register transpose: B elements per
                              work-item */
    uint64_t ypi;          /* run copy, gather: rows per work-item */
    uint64_t zpi;          /* run copy, register transpose: z (batch) rows per work-item */
    int xdim, ldim, inner; /* gather: dim of get_global_id(0), looped dim
                              (-1: none) and its size (1: none) */
    cls__copy_plan rows;   /* the plan with its dims in the order the
                              kernel's row arguments take: the run copy's
                              rows, the gather's rows then loop then x, the
                              transposes' batch dims */
} cls__launch_geom;

/* Canonicalise (src, dst) and choose the kernel for ctx's device, honouring
 * a forced kernel when it applies to the pair (else the automatic choice). */
void cls__copy_plan_make(const cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                         int d2s_views, cls__copy_plan *plan);
/* The same for a device profile alone (planner tests use fake profiles). */
void cls__copy_plan_make_prof(const cls_device_profile *prof, const cls_tensor *src,
                              const cls_tensor *dst, int d2s_views, cls__copy_plan *plan);
/* The kernel cls__copy_enqueue would run for this pair on ctx's device. */
cls__copy_kernel cls__copy_choose(const cls_context *ctx, const cls_tensor *src,
                                  const cls_tensor *dst);
/* Non-zero when kernel can run the canonical pair in plan (on plan's tier:
 * the portable tier has GENERIC, RUN and TILE). */
int cls__copy_applies(const cls__copy_plan *plan, cls__copy_kernel kernel);
/* Force a kernel for the calling thread's later copies (tests, benchmark);
 * CLS__COPY_AUTO restores the automatic choice. A forced kernel that does
 * not apply to a pair is ignored for that pair. */
void cls__copy_force(cls__copy_kernel kernel);
/* Short name of a kernel ("reg"), "invalid" outside the enum. */
const char *cls__copy_kernel_name(cls__copy_kernel kernel);
/* Non-zero: build and run the 64-bit-index kernels even for small views
 * (calling thread; tests). */
void cls__copy_force_idx64(int on);
/* Canonicalise only (kernel GENERIC, no choice, no log). */
void cls__copy_plan_make_raw(const cls_tensor *src, const cls_tensor *dst, cls__copy_plan *plan);
/* Build what cls__copy_enqueue (fill_zero: cls__copy_fill_zero on dst) would
 * run for the pair, enqueueing nothing: multi-kernel ops get every kernel
 * before they enqueue their first. */
cls_status cls__copy_prepare(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                             int fill_zero);
/* Enqueue zeros into every element of a validated, non-empty view (the
 * padding of blocked formats). ev may be NULL. */
cls_status cls__copy_fill_zero(cls_context *ctx, const cls_tensor *dst, cl_uint num_wait,
                               const cl_event *wait, cl_event *ev);

/* ---- the copy engine's portable tier (copy_portable.c) ---- */

/* The portable choice among GENERIC (gather), RUN and TILE. */
cls__copy_kernel cls__copy_portable_choice(const cls_device_profile *prof, const cls__copy_plan *p);
/* Work-group size for n work-items along x: CLS_PORTABLE_WG, or the power
 * of two covering n, at least the preferred multiple, within the limits. */
size_t cls__portable_wg(const cls_device_profile *prof, uint64_t n);
/* The tile of the portable transpose for elements of es bytes: work-group
 * tx x ty, u elements per unit, pad elements per tile row. */
void cls__portable_tile(const cls_device_profile *prof, size_t es, int *tx, int *ty, int *u,
                        int *pad);
/* Program, kernel, options and geometry of plan p (kernel GENERIC, RUN or TILE). */
void cls__copy_portable_geometry(const cls_device_profile *prof, const cls__copy_plan *p,
                                 cls__launch_geom *g);
/* Enqueue plan p with the portable kernels. */
cls_status cls__copy_portable_enqueue(cls_context *ctx, const cls__copy_plan *p,
                                      const cls_tensor *src, const cls_tensor *dst,
                                      cl_uint num_wait, const cl_event *wait, cl_event *ev);
/* Zero a view (canonical plan of (dst, dst)) with the portable fill. */
cls_status cls__fill_zero_portable(cls_context *ctx, const cls__copy_plan *p, const cls_tensor *dst,
                                   cl_uint num_wait, const cl_event *wait, cl_event *ev);

/* ---- verify (verify.c) ---- */

/* Host copy of the bytes [0, extent) of a view's buffer, read after waiting
 * on ev (may be NULL). Free with free(). */
cls_status cls__read_tensor_bytes(cls_context *ctx, const cls_tensor *t, cl_event ev,
                                  unsigned char **host);
/* Reference callback: fill expected (a host image of dst's buffer) from the
 * host image of src's buffer. */
typedef cls_status (*cls__ref_fn)(const unsigned char *src_host, const cls_tensor *src,
                                  unsigned char *dst_host, const cls_tensor *dst, const void *arg);
/* Verify mode for layout ops: run ref on host copies and compare every dst
 * element bit-exactly; CLS_ERR_VERIFY names the first mismatching index. */
cls_status cls__verify_layout(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              cl_event ev, cls__ref_fn ref, const void *arg);
/* Compare every element of dst view between two host images; returns
 * CLS_ERR_VERIFY naming the first mismatching index, else CLS_OK. */
cls_status cls__compare_exact(const unsigned char *expected, const unsigned char *actual,
                              const cls_tensor *dst);

/* ---- the op entry (op_entry.c) ---- */

/* An op as cls__op_run() drives it: a name for messages, its parameters
 * (per call: the check may record there what the enqueue reuses), its shape
 * check (after both views are validated), its enqueue (one event
 * out, nothing left running on failure) and its reference for verify mode:
 * ref with arg through cls__verify_layout(), or verify for ops that compare
 * with a tolerance. check, ref and verify may be NULL. */
typedef struct cls__op cls__op;
struct cls__op {
    const char *name;
    const void *arg;
    cls_status (*check)(const cls__op *op, const cls_tensor *src, const cls_tensor *dst);
    cls_status (*enqueue)(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                          const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                          cl_event *ev);
    cls__ref_fn ref;
    cls_status (*verify)(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                         const cls_tensor *dst, cl_event ev);
};
/* The one op entry, under ctx's lock: ctx and both views valid, op->check,
 * op_check (op_entry.c), src and dst disjoint, an empty op (no element in dst) as
 * a completed marker, then the enqueue, verify mode and the event
 * handed to done (NULL on failure; done may be NULL). */
cls_status cls__op_run(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                       const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                       cl_event *done);

/* Logical index iteration helper: advance idx (ndim dims, sizes) in row-major
 * order; returns 0 after the last index. */
int cls__next_index(int ndim, const int64_t *sizes, int64_t *idx);
/* Byte offset of element idx in view t (including t->offset). */
uint64_t cls__elem_offset(const cls_tensor *t, const int64_t *idx);

/* ---- depth-to-space lowering (depth_to_space.c, d2s_lower.c) ---- */

/* The 6-D (n, c, h, i, w, j) views of the deep operand (N, C*bh*bw, H, W)
 * and the space operand (N, C, H*bh, W*bw) of a depth-to-space in mode. */
void cls__d2s_views(const cls_tensor *deep, const cls_tensor *space, int bh, int bw,
                    cls_d2s_mode mode, cls_tensor *vdeep, cls_tensor *vspace);

/* The interleave row kernels of the CPU tier, candidates of the copy
 * engine's chooser (d2s_lower.c): whether the canonical pair fits one (an
 * interleave, deinterleave or run copy; the match into rows when not NULL);
 * whether its dims a and b are a one-axis interleave (de = 0: a the run, b
 * the streams) or deinterleave (de = 1: the reverse), the layout copies'
 * rows (V16); and the enqueue of the rows the chooser kept in plan->d2s. */
int cls__d2s_match(const cls__copy_plan *plan, cls__d2s_rows *rows);
int cls__d2s_match_layout(const cls__copy_plan *plan, int de, cls__d2s_rows *rows);
cls_status cls__d2s_enqueue(cls_context *ctx, const cls__copy_plan *plan, const cls_tensor *src,
                            const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                            cl_event *ev);

#endif
