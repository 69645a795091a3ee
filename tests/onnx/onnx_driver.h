/* ONNX conformance driver: the manifest's cases and the op handlers' interface. */
#ifndef CLS_ONNX_DRIVER_H
#define CLS_ONNX_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "clshuffle/clshuffle.h"

#define OX_MAX_ATTRS 12
#define OX_MAX_INTS 16
#define OX_MAX_STEPS 8
#define OX_MAX_TENSORS 8

/** One ONNX attribute as the manifest writes it: ints, or a string. */
typedef struct ox_attr {
    char key[32];
    char text[64];
    int nints;
    int64_t ints[OX_MAX_INTS];
} ox_attr;

/** One node of a case's chain. */
typedef struct ox_step {
    char op[32];
    int nattrs;
    ox_attr attrs[OX_MAX_ATTRS];
} ox_step;

/** A host tensor: dtype, dims, and its bytes in the manifest's blob. */
typedef struct ox_host {
    char role[8]; /* x (data input), w, b (conv inputs), y (expected output) */
    cls_dtype dtype;
    int ndim;
    int64_t dims[CLS_MAX_DIMS];
    const void *data;
    size_t nbytes;
} ox_host;

typedef struct ox_case {
    char name[160];
    char group[96]; /* the chain's op types, "Reshape>Transpose>Reshape" */
    char unsupported[200];
    int nsteps;
    ox_step steps[OX_MAX_STEPS];
    int ntensors;
    ox_host tensors[OX_MAX_TENSORS];
} ox_case;

/** A device value flowing through a chain: a packed row-major tensor. */
typedef struct ox_value {
    cl_mem buf;
    cls_dtype dtype;
    int ndim;
    int64_t dims[CLS_MAX_DIMS];
} ox_value;

typedef enum ox_outcome { OX_PASS, OX_FAIL, OX_UNSUPPORTED, OX_SKIPPED } ox_outcome;

/** What every step runs with: the context, its OpenCL objects, and the outcome's reason. */
typedef struct ox_env {
    cls_context *ctx;
    cl_context cl;
    cl_command_queue queue;
    char *msg; /* the outcome's reason, written by handlers */
    size_t msg_size;
} ox_env;

/** The step's attribute key, or NULL. */
const ox_attr *ox_attr_find(const ox_step *step, const char *key);
/** Integer attribute with a default. */
int64_t ox_attr_int(const ox_step *step, const char *key, int64_t dflt);
/** A packed row-major tensor descriptor over v's buffer. */
cls_tensor ox_value_tensor(const ox_value *v);
/** Allocate v->buf for v's dims (at least one byte). */
int ox_value_alloc(ox_env *env, ox_value *v);
/** An ints attribute of exactly n values into out, or n copies of dflt when absent.
 *  @return 0, or -1 when present with another length. */
int ox_attr_list(const ox_step *step, const char *key, int n, int64_t dflt, int64_t *out);

/** Allocate y (its dims set), run desc's conv plan from x into y and wait;
 *  a failure's reason goes to env->msg. Shared by Conv and ConvTranspose. */
ox_outcome ox_conv_plan_run(ox_env *env, const cls_conv_desc *desc, const ox_value *x,
                            const ox_host *w, const ox_host *b, ox_value *y);
/** Conv (onnx_conv.c): x -> *y, allocating y. */
ox_outcome ox_run_conv(ox_env *env, const ox_step *step, const ox_value *x, const ox_host *w,
                       const ox_host *b, ox_value *y);
/** ConvTranspose (onnx_convtranspose.c), built only when cls_conv_desc has the
 *  transposed-conv fields; the driver reports "skipped: API not present" otherwise. */
ox_outcome ox_run_convtranspose(ox_env *env, const ox_step *step, const ox_value *x,
                                const ox_host *w, const ox_host *b, ox_value *y);

#endif
