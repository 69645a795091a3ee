/* clshuffle tensors: plain descriptors over caller-owned OpenCL buffers. */
#ifndef CLSHUFFLE_TENSOR_H
#define CLSHUFFLE_TENSOR_H

#include "export.h"

#include <stdint.h>

#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLS_MAX_DIMS 8

/** Element types. Layout ops move bytes, so each works for every type. */
typedef enum cls_dtype {
    CLS_U8,
    CLS_I8,
    CLS_U16,
    CLS_I16,
    CLS_F16,
    CLS_BF16,
    CLS_U32,
    CLS_I32,
    CLS_F32,
    CLS_U64,
    CLS_I64,
    CLS_F64,
    CLS_DTYPE_COUNT
} cls_dtype;

/**
 * A strided view of a caller-owned cl_mem. The library never retains or
 * releases the buffer: it must stay alive until the ops using it complete.
 * Dimensions are in logical order (N, C, H, W; N, C, L); NHWC is the same
 * logical shape with channels-last strides. Strides are in elements.
 */
typedef struct cls_tensor {
    cl_mem buffer;
    size_t offset; /**< bytes from the start of buffer to element 0 */
    cls_dtype dtype;
    int ndim; /**< 1..CLS_MAX_DIMS */
    int64_t sizes[CLS_MAX_DIMS];
    int64_t strides[CLS_MAX_DIMS];
} cls_tensor;

/** Bytes per element; 0 for an invalid dtype. */
CLS_API size_t cls_dtype_size(cls_dtype dtype);

/** Name of a dtype ("f32"); "invalid" for values outside the enum. */
CLS_API const char *cls_dtype_name(cls_dtype dtype);

/** Row-major contiguous tensor of ndim dims (ndim is clamped to 0..8). */
CLS_API cls_tensor cls_tensor_contiguous(cl_mem buffer, size_t offset, cls_dtype dtype, int ndim,
                                 const int64_t *sizes);
/** Logical (N, C, H, W), channels-first storage. */
CLS_API cls_tensor cls_tensor_nchw(cl_mem buffer, size_t offset, cls_dtype dtype, int64_t n, int64_t c,
                           int64_t h, int64_t w);
/** Logical (N, C, H, W), channels-last storage (NHWC). */
CLS_API cls_tensor cls_tensor_nhwc(cl_mem buffer, size_t offset, cls_dtype dtype, int64_t n, int64_t c,
                           int64_t h, int64_t w);
/** Logical (N, C, L), channels-first storage. */
CLS_API cls_tensor cls_tensor_ncl(cl_mem buffer, size_t offset, cls_dtype dtype, int64_t n, int64_t c,
                          int64_t l);
/** Logical (N, C, L), channels-last storage (NLC). */
CLS_API cls_tensor cls_tensor_nlc(cl_mem buffer, size_t offset, cls_dtype dtype, int64_t n, int64_t c,
                          int64_t l);

/** Number of elements (product of sizes); 0 when any size is 0 or the
 *  descriptor is malformed, -1 when the product of the sizes overflows int64
 *  (every op rejects such a descriptor). */
CLS_API int64_t cls_tensor_numel(const cls_tensor *t);

/**
 * Bytes from the start of the buffer needed to hold every element of the view
 * (offset + last element + 1 element); 0 for an empty view.
 * @return CLS_ERR_INVALID_ARG when the descriptor is malformed or overflows.
 */
CLS_API cls_status cls_tensor_extent(const cls_tensor *t, uint64_t *bytes);

/**
 * Check a descriptor as every op does: dtype and ndim valid, sizes and strides
 * non-negative, no overflow, extent inside the buffer (CL_MEM_SIZE).
 * @return CLS_OK, CLS_ERR_INVALID_ARG, CLS_ERR_BUFFER_TOO_SMALL.
 */
CLS_API cls_status cls_tensor_validate(const cls_tensor *t);

/*
 * Checks every op makes before it enqueues anything (each failure is
 * CLS_ERR_INVALID_ARG naming the argument, with nothing enqueued): both
 * descriptors as cls_tensor_validate() (element counts and extents computed
 * with overflow checks), each cl_mem a buffer (not an image) of the
 * context's cl_context, a destination view whose elements have distinct
 * addresses (no zero stride on a dim of size > 1, no colliding interleaved
 * strides), and a wait list whose events are non-NULL and of the context's
 * cl_context. Views of one buffer, of a buffer and its sub-buffers, or of
 * CL_MEM_USE_HOST_PTR buffers over overlapping host memory that overlap give
 * CLS_ERR_OVERLAP. An op that fails after enqueueing part of its work waits
 * for that part before it returns.
 */

/**
 * Copy between two views of the same logical sizes and dtype, any strides.
 * Not in place: overlapping views give CLS_ERR_OVERLAP.
 * @param done receives an event for the copy (the caller releases it); may be NULL.
 */
CLS_API cls_status cls_copy(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                    cl_uint num_wait, const cl_event *wait, cl_event *done);

#ifdef __cplusplus
}
#endif
#endif
