/* Helpers shared by the conv Check suites (test_conv, test_conv_s2d,
 * test_conv_transposed): one case description, deterministic data, the host
 * images and device buffers of a case, a plan run, the reference and the
 * comparison with tolerance. */
#ifndef CLS_TEST_CONV_UTIL_H
#define CLS_TEST_CONV_UTIL_H

#include "reference/conv_ref.h"
#include "util.h"

/* One case: shapes, conv parameters and layouts. A field a suite does not
 * use stays zero, which is off (no in-block, no output padding, no pitch,
 * path and rewrite AUTO, no rewrite block). */
typedef struct cu_cfg {
    int n, cin, cout, h, w; /* src: (n, cin, h, w), h and w before any unshuffle */
    int kh, kw, pt, pb, pl, pr, sh, sw, dh, dw, groups;
    int bh, bw;   /* output block (0 is read as 1) */
    int ibh, ibw; /* in-block: the conv reads a space-to-depth view (0 is read as 1) */
    int oph, opw; /* output padding of a transposed conv */
    cls_d2s_mode mode, in_mode;
    cls_activation act;
    int bias, src_cl, dst_cl, one_d; /* channels-last src / dst; 3-D tensors */
    int aligned;                     /* views at offset 0 instead of 3 elements */
    int pitch;      /* dst rows (or channel vectors) padded by 3 elements (transposed only) */
    int transposed; /* a transposed conv, checked against the scatter reference */
    cls_conv_path path;
    cls_dtype dtype;
    cls_conv_rewrite rewrite;
    int rbh, rbw; /* rewrite block */
} cu_cfg;

/* The 3x3 case the suites start from: batch 2, cin -> cout channels on
 * h x w, padding 1 all round, stride and dilation 1, one group, a bias, no
 * activation, DCR, fp32, every other field zero (off). */
cu_cfg cu_base_3x3(int cin, int cout, int h, int w);

/* Host data and device buffers of one case. */
typedef struct cu_run {
    float *wts, *bias, *slope;
    unsigned char *src, *exp, *got;
    size_t src_bytes, dst_bytes;
    int64_t ho, wo; /* the conv's output size, before the output block */
    cl_mem sb, db;
    cls_tensor st, dt;
} cu_run;

/* Pick from a list by a running index: a deterministic spread over the grid. */
#define PICK(arr, k) (arr)[(size_t)(k) % (sizeof(arr) / sizeof((arr)[0]))]

/* The LCG every suite draws its data from; each suite seeds it in main()
 * (and some tests reseed it). */
extern uint32_t cu_rng;
uint32_t cu_next(void);
/* A float in [-1, 1). */
float cu_frand(void);

/* Output size along one axis (before the output block). */
int64_t cu_out_h(const cu_cfg *c);
int64_t cu_out_w(const cu_cfg *c);

cls_conv_desc cu_desc(const cu_cfg *c);
/* A view of buf (4-D NCHW/NHWC or 3-D NCL/NLC) at a small offset unless
 * c->aligned; pitch pads the innermost stored dimension's outer stride by 3
 * elements. */
cls_tensor cu_tensor(cl_mem buf, const cu_cfg *c, int64_t ch, int64_t h, int64_t w, int cl,
                     int pitch);
/* Element i of an f32 or f16 image, as float. */
float cu_elem(const unsigned char *img, size_t i, cls_dtype dt);

/* Weights, bias, slopes and src drawn from cu_frand, the reference image
 * filled with 0xEE, the device buffers (dst 0xEE) and the views. */
void cu_setup(cls_context *ctx, const cu_cfg *c, cu_run *r, int id);
void cu_teardown(cu_run *r);
/* Write 0xEE over the whole dst buffer again. */
void cu_refill_dst(cls_context *ctx, cu_run *r);
/* Run desc d (with r's slopes and, if c->bias, r's bias) on r's views and
 * return dst's image. With path, the plan's path is read into it and must be
 * c->path unless that is AUTO; with info, the plan's rewrite is read. */
unsigned char *cu_run_plan(cls_context *ctx, const cu_cfg *c, cu_run *r, cls_conv_desc d,
                           cls_conv_path *path, cls_conv_rewrite_info *info, int id);
/* The plain-loop reference of desc d (the scatter one if c->transposed) into r->exp. */
void cu_reference(const cu_cfg *c, cu_run *r, cls_conv_desc d);
/* The whole dst buffer (sentinels outside the view included) against exp. */
void cu_compare(const cu_cfg *c, const cu_run *r, const unsigned char *got,
                const unsigned char *exp, const char *what, int id);
/* One case on the device against the reference (path as for cu_run_plan). */
void cu_check_case(cls_context *ctx, const cu_cfg *c, int id, cls_conv_path *path);

/* Create a plan from d (plan preset to garbage) and expect code, a NULL plan
 * and msg in the message. */
void cu_expect_desc(cls_context *ctx, cls_conv_desc d, const float *w, cls_status code,
                    const char *msg);
/* Enqueue src and dst (event preset to garbage) and expect code, a NULL event
 * and msg in the message. */
void cu_expect_enqueue(cls_conv_plan *plan, cls_tensor src, cls_tensor dst, cls_status code,
                       const char *msg);

#endif
