/* A program built against the installed clshuffle: one verified copy. */
#include <clshuffle/clshuffle.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    cls_context *ctx = NULL;
    cls_context_options opts;
    cl_context c;
    cl_command_queue q;
    cl_int err;
    float host[12], back[12];
    memset(&opts, 0, sizeof opts);
    opts.verify = 1;
    if (cls_context_create(&ctx, &opts) != CLS_OK) {
        fprintf(stderr, "context: %s\n", cls_last_error());
        return 1;
    }
    cls_context_get_cl(ctx, &c, NULL, &q);
    for (int i = 0; i < 12; i++)
        host[i] = (float)i;
    cl_mem a = clCreateBuffer(c, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof host, host, &err);
    cl_mem b = clCreateBuffer(c, CL_MEM_READ_WRITE, sizeof host, NULL, &err);
    cls_tensor s = cls_tensor_nchw(a, 0, CLS_F32, 1, 3, 2, 2);
    cls_tensor d = cls_tensor_nhwc(b, 0, CLS_F32, 1, 3, 2, 2);
    cls_status st = cls_copy(ctx, &s, &d, 0, NULL, NULL);
    clEnqueueReadBuffer(q, b, CL_TRUE, 0, sizeof back, back, 0, NULL, NULL);
    int ok = st == CLS_OK && back[1] == 4.0f && back[3] == 1.0f;
    printf("consumer: %s (%s)\n", ok ? "ok" : "FAILED", cls_status_name(st));
    clReleaseMemObject(a);
    clReleaseMemObject(b);
    cls_context_destroy(ctx);
    return ok ? 0 : 1;
}
