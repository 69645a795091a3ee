/* Fused-conv cases: the layer description and its host reference (cases_conv.c, conv_check.c). */
#ifndef CLS_BENCH_CONV_CASE_H
#define CLS_BENCH_CONV_CASE_H

#include "bench.h"

/* One layer: Cin -> Cout * bh * bw virtual channels, a KH x KW kernel with
 * "same" padding, stride 1, shuffled into an upsampled Cout-channel output. */
typedef struct conv_layer {
    const char *name;
    int cin, cout, kh, kw, bh, bw;
    int64_t h, w; /* 1-D layers: h = 1, w = L */
    int one_d;    /* tensors are 3-D (N, C, L) */
    int last;     /* channels-last storage (NHWC / NLC) */
} conv_layer;

/* Host data of a case: src's host image and the weights in PyTorch layout
 * [V][Cin][KH][KW] (v = the depth-to-space source channel). No bias:
 * CLBlastSconvgemm has none, so every variant does the same work. */
typedef struct conv_host {
    conv_layer l;
    cls_d2s_mode mode;
    cls_tensor src;  /* src's view, read as 4-D */
    float *src_host; /* image of src's buffer */
    size_t src_bytes;
    float *w;
} conv_host;

/* Virtual channels and the per-side padding of a layer. */
int conv_virtual(const conv_layer *l);
int conv_pad_h(const conv_layer *l);
int conv_pad_w(const conv_layer *l);
/* Fill src (its view given) and the weights with deterministic values. */
int conv_host_init(conv_host *h, const conv_layer *l, cls_d2s_mode mode, const cls_tensor *src);
void conv_host_free(conv_host *h);
/* Check an output buffer against the host reference: every element written
 * (no 0xEE sentinel left) and a deterministic sample of values within the
 * fp32 tolerance. bh x bw is the output's block (1x1: the plain output, V
 * channels). Returns 0, or -1 with note filled. */
int conv_check(bench *b, const conv_host *h, const cls_tensor *out, int bh, int bw, char *note,
               size_t note_size);

/* Everything one case allocates; the enqueue functions read it. */
typedef struct conv_job {
    bench *b;
    conv_host host;
    cls_conv_plan *fused, *plain;
    cls_tensor src, dst;
    cls_tensor mid;    /* plain conv output (N, V, H, W) in src's layout */
    cls_tensor nc_src; /* CLBlast peer: src in channels-first order */
    cls_tensor nc_mid; /* CLBlast peer: its NCHW output (same buffer as mid) */
    cl_mem weights;    /* CLBlast peer: [V][Cin][KH][KW] */
    int fallback;      /* a peer's depth-to-space ran as cls_copy of views */
} conv_job;

/* Allocate buffers and host data for a layer; 0 or -1 (conv_job_free either way). */
int conv_job_setup(bench *b, conv_job *j, const conv_layer *l, cls_d2s_mode mode);
void conv_job_free(conv_job *j);
/* The fused plan (blocked) or the same conv writing a plain V-channel output. */
cls_status conv_make_plan(conv_job *j, int blocked, cls_conv_plan **plan);
/* One iteration of: the fused op; the plain conv; plain conv + separate
 * depth-to-space; CLBlastSconvgemm (+ transposes) + depth-to-space. */
cls_status conv_fused_enqueue(void *p, cl_event *ev);
cls_status conv_plain_enqueue(void *p, cl_event *ev);
cls_status conv_sep_enqueue(void *p, cl_event *ev);
cls_status conv_clblast_enqueue(void *p, cl_event *ev);
/* Refill out with the sentinel, run fn once and check out (block bh x bw).
 * Returns fn's status; *ok says whether the output matched the reference. */
cls_status conv_run_checked(conv_job *j, bench_enqueue_fn fn, const cls_tensor *out, int bh, int bw,
                            int *ok, char *note, size_t size);

#endif
