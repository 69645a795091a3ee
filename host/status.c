/* Status codes, their strings, and the thread-local last-error message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local char last_error[8192];

const char *cls_status_string(cls_status status)
{
    switch (status) {
#define CLS_STATUS_STR_(name, value, msg) \
    case CLS_##name:                      \
        return msg;
        CLS_STATUS_MAP(CLS_STATUS_STR_)
#undef CLS_STATUS_STR_
    }
    return "unknown status";
}

const char *cls_status_name(cls_status status)
{
    switch (status) {
#define CLS_STATUS_NAME_(name, value, msg) \
    case CLS_##name:                       \
        return "CLS_" #name;
        CLS_STATUS_MAP(CLS_STATUS_NAME_)
#undef CLS_STATUS_NAME_
    }
    return "CLS_UNKNOWN";
}

const char *cls_last_error(void)
{
    return last_error;
}

void cls__clear_error(void)
{
    last_error[0] = '\0';
}

cls_status cls__fail(cls_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return code;
}

cls_status cls__fail_cl(cl_int err, const char *call)
{
    cls_status code = CLS_ERR_OPENCL;
    if (err == CL_OUT_OF_HOST_MEMORY || err == CL_OUT_OF_RESOURCES ||
        err == CL_MEM_OBJECT_ALLOCATION_FAILURE)
        code = CLS_ERR_OUT_OF_MEMORY;
    return cls__fail(code, "%s failed: %s (%d)", call, cls_cl_error_name(err), (int)err);
}

const char *cls_cl_error_name(int err)
{
    switch (err) {
#define E_(x) \
    case x:   \
        return #x;
        E_(CL_SUCCESS) E_(CL_DEVICE_NOT_FOUND) E_(CL_DEVICE_NOT_AVAILABLE)
        E_(CL_COMPILER_NOT_AVAILABLE) E_(CL_MEM_OBJECT_ALLOCATION_FAILURE)
        E_(CL_OUT_OF_RESOURCES) E_(CL_OUT_OF_HOST_MEMORY)
        E_(CL_PROFILING_INFO_NOT_AVAILABLE) E_(CL_MEM_COPY_OVERLAP) E_(CL_IMAGE_FORMAT_MISMATCH)
        E_(CL_IMAGE_FORMAT_NOT_SUPPORTED) E_(CL_BUILD_PROGRAM_FAILURE) E_(CL_MAP_FAILURE)
        E_(CL_MISALIGNED_SUB_BUFFER_OFFSET) E_(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
        E_(CL_COMPILE_PROGRAM_FAILURE) E_(CL_LINKER_NOT_AVAILABLE) E_(CL_LINK_PROGRAM_FAILURE)
        E_(CL_DEVICE_PARTITION_FAILED) E_(CL_KERNEL_ARG_INFO_NOT_AVAILABLE)
        E_(CL_INVALID_VALUE) E_(CL_INVALID_DEVICE_TYPE) E_(CL_INVALID_PLATFORM)
        E_(CL_INVALID_DEVICE) E_(CL_INVALID_CONTEXT) E_(CL_INVALID_QUEUE_PROPERTIES)
        E_(CL_INVALID_COMMAND_QUEUE) E_(CL_INVALID_HOST_PTR) E_(CL_INVALID_MEM_OBJECT)
        E_(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR) E_(CL_INVALID_IMAGE_SIZE) E_(CL_INVALID_SAMPLER)
        E_(CL_INVALID_BINARY) E_(CL_INVALID_BUILD_OPTIONS) E_(CL_INVALID_PROGRAM)
        E_(CL_INVALID_PROGRAM_EXECUTABLE) E_(CL_INVALID_KERNEL_NAME)
        E_(CL_INVALID_KERNEL_DEFINITION) E_(CL_INVALID_KERNEL) E_(CL_INVALID_ARG_INDEX)
        E_(CL_INVALID_ARG_VALUE) E_(CL_INVALID_ARG_SIZE) E_(CL_INVALID_KERNEL_ARGS)
        E_(CL_INVALID_WORK_DIMENSION) E_(CL_INVALID_WORK_GROUP_SIZE)
        E_(CL_INVALID_WORK_ITEM_SIZE) E_(CL_INVALID_GLOBAL_OFFSET)
        E_(CL_INVALID_EVENT_WAIT_LIST) E_(CL_INVALID_EVENT) E_(CL_INVALID_OPERATION)
        E_(CL_INVALID_GL_OBJECT) E_(CL_INVALID_BUFFER_SIZE) E_(CL_INVALID_MIP_LEVEL)
        E_(CL_INVALID_GLOBAL_WORK_SIZE) E_(CL_INVALID_PROPERTY) E_(CL_INVALID_IMAGE_DESCRIPTOR)
        E_(CL_INVALID_COMPILER_OPTIONS) E_(CL_INVALID_LINKER_OPTIONS)
        E_(CL_INVALID_DEVICE_PARTITION_COUNT)
#undef E_
    }
    return "CL_UNKNOWN_ERROR";
}
