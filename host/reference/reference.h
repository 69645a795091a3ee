/* Plain-loop CPU references, written straight from each op's definition. They
 * work on host images of whole buffers and the ops' own descriptors (offsets
 * and strides as on the device), independent of the device path. */
#ifndef CLS_REFERENCE_H
#define CLS_REFERENCE_H

#include "clshuffle/clshuffle.h"

/* dst[i] = src[i] for every logical index i (same sizes, any strides). */
cls_status cls__ref_copy(const unsigned char *src_host, const cls_tensor *src,
                         unsigned char *dst_host, const cls_tensor *dst, const void *arg);

#endif
