/* clshuffle contexts: a device, its queue and the programs built for it. */
#ifndef CLSHUFFLE_CONTEXT_H
#define CLSHUFFLE_CONTEXT_H

#include "export.h"

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#endif
#include <CL/cl.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * An OpenCL device, its queue and the kernels built for it.
 *
 * Threads: a context is thread-safe. Many threads may call ops, create and
 * destroy conv plans on one context at once: the context holds a lock from an
 * op's checks to its last enqueue, because its kernel objects are shared and
 * OpenCL's one non-thread-safe call, clSetKernelArg on one cl_kernel, must
 * not interleave with another thread's arguments; the program and kernel
 * caches are under the same lock. Ops on one context therefore queue their
 * host-side work one after another (the device work stays asynchronous);
 * use one context per thread for parallel host-side enqueueing. Contexts may
 * be created and destroyed from several threads at once (device discovery is
 * serialised process-wide, since some drivers race on their first device
 * queries). Not safe: destroying a context or a plan while another thread
 * still uses it, and using one conv plan's result ordering across threads
 * without events (the queue is in-order, but which thread enqueues first is
 * up to the threads). cls_last_error() is per thread.
 */
typedef struct cls_context cls_context;

/**
 * Kernel tiers. The portable tier (OpenCL C 1.2, coalesced, local-memory
 * tiles) serves every op on every device; a specialised tier is chosen only
 * when the device profile shows what its kernels are written for, and falls
 * back to the portable kernel when one of its kernels fails to build.
 */
typedef enum cls_tier {
    CLS_TIER_AUTO = 0, /**< the profile decides (CLS_TIER may force one) */
    CLS_TIER_PORTABLE, /**< every device */
    CLS_TIER_CPU       /**< CPU devices with clang, x86-64 and AVX2 (PoCL): register
                            blocks, non-temporal stores, prefetch, lane networks */
} cls_tier;

/** Options for cls_context_create(); zero-initialise, then set what you need. */
typedef struct cls_context_options {
    /** Device choice: "gpu", "cpu", "P:D" (platform and device index) or a
     *  substring of the device name. NULL: the CLS_DEVICE environment
     *  variable, else the first GPU, else the first device. */
    const char *device;
    /** Directory of the on-disk program binary cache. NULL: CLS_CACHE_DIR,
     *  else $XDG_CACHE_HOME/clshuffle, else ~/.cache/clshuffle. */
    const char *cache_dir;
    /** Non-zero: never read or write the on-disk cache (also CLS_CACHE_DIR=off). */
    int disable_disk_cache;
    /** Non-zero: every op waits, reads back and checks against the CPU
     *  reference (also CLS_VERIFY=1). Slow; for tests and debugging. */
    int verify;
    /** Developer option: load kernels/<name>.cl from this directory instead of
     *  the sources embedded at build time (also CLS_KERNEL_DIR). */
    const char *kernel_dir;
    /** Kernel tier: AUTO (the CLS_TIER environment variable, "portable",
     *  "cpu" or "auto", else the profile's choice), PORTABLE or CPU. CPU on a
     *  device the CPU tier does not fit gives the portable tier. */
    cls_tier tier;
} cls_context_options;

/** Device facts, read once when the context is made. */
typedef struct cls_device_info {
    char name[256];
    char vendor[256];
    char driver_version[128];
    char device_version[128];
    char platform_name[256];
    char platform_version[128];
    cl_device_type type;
    size_t max_work_group_size;
    cl_ulong local_mem_size;
    cl_ulong global_mem_size;
    cl_ulong max_alloc_size;
    cl_uint compute_units;
    int has_fp16; /**< cl_khr_fp16 */
    int has_fp64; /**< cl_khr_fp64 or a double fp config */
} cls_device_info;

/**
 * The device profile: facts queried once per context (and a tiny probe
 * program for the compiler's features) that every planner decides by, and
 * the tier they select. Features reach specialised kernels as -D options.
 */
typedef struct cls_device_profile {
    cl_device_type type; /**< may hold several types at once (Oclgrind) */
    cl_uint compute_units;
    size_t max_work_group_size;
    size_t max_work_item_sizes[3];
    size_t wg_multiple; /**< preferred work-group size multiple of a built kernel */
    cl_ulong local_mem_size;
    int local_mem_is_local; /**< CL_LOCAL (dedicated) rather than CL_GLOBAL */
    cl_uint global_cache_line;
    int has_int64, has_fp16;
    /* Compiler features found by the probe program. */
    int clang, x86_64, avx2, nt_store, shufflevector;
    cls_tier tier;     /**< the tier in use: PORTABLE or CPU */
    char defines[160]; /**< -D options the specialised tier's kernels get */
} cls_device_profile;

/**
 * Create a context on a device chosen by opts, CLS_DEVICE, or the default
 * (first GPU, else first device). The queue is in-order with profiling on.
 * @param ctx  receives the context; NULL on failure.
 * @param opts may be NULL.
 * @return CLS_OK, CLS_ERR_NO_DEVICE (no platform or no device matches; the
 *         message says how to install PoCL), CLS_ERR_INVALID_ARG (a malformed
 *         device string), CLS_ERR_OPENCL.
 */
CLS_API cls_status cls_context_create(cls_context **ctx, const cls_context_options *opts);

/**
 * Adopt an engine's own OpenCL objects. They are retained here and released
 * exactly once by cls_context_destroy(); the caller keeps its own references.
 */
CLS_API cls_status cls_context_wrap(cls_context **ctx, cl_context cl_ctx, cl_device_id device,
                                    cl_command_queue queue);

/** Same as cls_context_wrap() with options (cache, verify, kernel_dir). */
CLS_API cls_status cls_context_wrap_opts(cls_context **ctx, cl_context cl_ctx, cl_device_id device,
                                         cl_command_queue queue, const cls_context_options *opts);

/** Release everything the context holds; NULL is a no-op. */
CLS_API void cls_context_destroy(cls_context *ctx);

/** The context's OpenCL objects (not retained for the caller); any out pointer may be NULL. */
CLS_API cls_status cls_context_get_cl(const cls_context *ctx, cl_context *cl_ctx,
                                      cl_device_id *device, cl_command_queue *queue);

/** The device facts read when the context was made. */
CLS_API cls_status cls_context_get_info(const cls_context *ctx, cls_device_info *info);

/** The device profile computed when the context was made. */
CLS_API cls_status cls_context_get_profile(const cls_context *ctx, cls_device_profile *profile);

/** One line describing a profile ("tier=cpu type=cpu compute_units=2 ...").
 *  @return CLS_ERR_INVALID_ARG when buf is too small (nothing truncated silently). */
CLS_API cls_status cls_profile_describe(const cls_device_profile *profile, char *buf, size_t size);

/** Kernel programs a context has built or loaded so far. */
typedef struct cls_build_stats {
    int from_source; /**< compiled from source */
    int from_disk;   /**< loaded from the disk cache */
    double seconds;  /**< wall time spent in both, in total */
} cls_build_stats;

/** The context's program build counters (read under its lock). */
CLS_API cls_status cls_context_get_build_stats(cls_context *ctx, cls_build_stats *stats);

/** Turn verify mode on (non-zero) or off for ops enqueued from now on. */
CLS_API cls_status cls_context_set_verify(cls_context *ctx, int verify);

/** Print one line per OpenCL device ("P:D  type  name  (platform)") into buf,
 *  always NUL-terminated.
 *  @return CLS_OK; CLS_ERR_BUFFER_TOO_SMALL when the list did not fit (buf
 *          holds it truncated; the message says how many bytes it needs);
 *          CLS_ERR_NO_DEVICE when there is no platform. */
CLS_API cls_status cls_list_devices(char *buf, size_t buf_size);

#ifdef __cplusplus
}
#endif
#endif
