/* clshuffle status codes: one table gives the enum, the names and the messages. */
#ifndef CLSHUFFLE_STATUS_H
#define CLSHUFFLE_STATUS_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(NAME, value, message): the single source of every status code. -10 is
 * retired (it was CLS_ERR_IO, never returned: the disk cache is best-effort). */
#define CLS_STATUS_MAP(X)                                                         \
    X(OK, 0, "success")                                                           \
    X(ERR_INVALID_ARG, -1, "invalid argument")                                    \
    X(ERR_UNSUPPORTED, -2, "operation not supported on this device or input")     \
    X(ERR_OUT_OF_MEMORY, -3, "out of memory")                                     \
    X(ERR_NO_DEVICE, -4, "no OpenCL device found")                                \
    X(ERR_BUILD, -5, "OpenCL program build failed")                               \
    X(ERR_OPENCL, -6, "OpenCL call failed")                                       \
    X(ERR_BUFFER_TOO_SMALL, -7, "tensor extent exceeds its buffer")               \
    X(ERR_OVERLAP, -8, "destination overlaps source")                             \
    X(ERR_VERIFY, -9, "result does not match the CPU reference")                  \
    X(ERR_CLBLAST, -11, "CLBlast call failed")

typedef enum cls_status {
#define CLS_STATUS_ENUM_(name, value, msg) CLS_##name = value,
    CLS_STATUS_MAP(CLS_STATUS_ENUM_)
#undef CLS_STATUS_ENUM_
} cls_status;

/**
 * Short fixed description of a status code.
 * @return a static string; "unknown status" for values outside the table.
 */
CLS_API const char *cls_status_string(cls_status status);

/**
 * Name of a status code ("CLS_ERR_INVALID_ARG").
 * @return a static string; "CLS_UNKNOWN" for values outside the table.
 */
CLS_API const char *cls_status_name(cls_status status);

/**
 * Detail about the last failure on the calling thread: the offending argument
 * and why, the failing OpenCL call and its code's name, or a build log.
 * @return a thread-local string, valid until the next clshuffle call on this
 *         thread; "" when nothing failed yet.
 */
CLS_API const char *cls_last_error(void);

/** Name of an OpenCL error code ("CL_INVALID_VALUE"), or "CL_UNKNOWN_ERROR". */
CLS_API const char *cls_cl_error_name(int cl_error);

#ifdef __cplusplus
}
#endif
#endif
