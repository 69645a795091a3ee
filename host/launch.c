/* Kernel launches: arguments set in one way (the first failing call's code
 * kept), one CLS_LOG line per launch, and the enqueue. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void cls__arg(cls__args *a, size_t size, const void *value)
{
    if (a->err == CL_SUCCESS) {
        a->err = clSetKernelArg(a->k, a->next, size, value);
        if (a->err != CL_SUCCESS)
            a->failed = a->next;
    }
    a->next++;
}

void cls__arg_idx(cls__args *a, uint64_t v)
{
    cl_uint v32 = (cl_uint)v;
    cl_ulong v64 = v;
    if (a->idx64)
        cls__arg(a, sizeof v64, &v64);
    else
        cls__arg(a, sizeof v32, &v32);
}

int cls__log_enabled(void)
{
    static _Thread_local int enabled = -1;
    if (enabled < 0) {
        const char *env = getenv("CLS_LOG");
        enabled = env && strcmp(env, "1") == 0;
    }
    return enabled;
}

/* One CLS_LOG line: tier, kernel, program and geometry. */
static void log_launch(const char *program, const char *kernel, cl_uint dims, const size_t *global,
                       const size_t *local)
{
    const cls__program_def *def = cls__program_find(program);
    cls_tier tier = def ? def->tier : CLS_TIER_AUTO;
    size_t one[3] = {1, 1, 1};
    if (!cls__log_enabled())
        return;
    if (!local)
        local = one;
    fprintf(stderr,
            "clshuffle: launch tier=%s kernel=%s program=%s global=%zux%zux%zu "
            "local=%zux%zux%zu\n",
            tier == CLS_TIER_AUTO ? "bench" : cls__tier_name(tier), kernel, program, global[0],
            dims > 1 ? global[1] : 1, dims > 2 ? global[2] : 1, local[0], dims > 1 ? local[1] : 1,
            dims > 2 ? local[2] : 1);
}

/* Non-zero on a thread inside cls__copy_prepare: launches get their kernel
 * and arguments but enqueue nothing. */
static _Thread_local int prepare_only = 0;

void cls__launch_prepare_only(int on)
{
    prepare_only = on != 0;
}

cls_status cls__launch(cls_context *ctx, const cls__args *a, const char *program,
                       const char *kernel, cl_uint dims, const size_t *global, const size_t *local,
                       cl_uint num_wait, const cl_event *wait, cl_event *ev)
{
    cl_int err = a->err;
    if (err != CL_SUCCESS) {
        return cls__fail(cls__fail_cl(err, "clSetKernelArg"),
                         "clSetKernelArg (%s, argument %u) failed: %s (%d)", kernel, a->failed,
                         cls_cl_error_name(err), (int)err);
    }
    if (prepare_only)
        return CLS_OK;
    log_launch(program, kernel, dims, global, local);
    err = clEnqueueNDRangeKernel(ctx->queue, a->k, dims, NULL, global, local, num_wait, wait, ev);
    if (err != CL_SUCCESS) {
        return cls__fail(cls__fail_cl(err, "clEnqueueNDRangeKernel"),
                         "clEnqueueNDRangeKernel (%s) failed: %s (%d)", kernel,
                         cls_cl_error_name(err), (int)err);
    }
    return CLS_OK;
}

void cls__log_fallback(const char *program)
{
    if (cls__log_enabled())
        fprintf(stderr, "clshuffle: fallback tier=portable: program %s failed to build: %s\n",
                program, cls_last_error());
}
