/* Plain-loop CPU references for the layout ops (permute, blocked formats),
 * written from the ops' definitions; same host-image conventions as
 * reference.h. */
#ifndef CLS_LAYOUT_REF_H
#define CLS_LAYOUT_REF_H

#include "clshuffle/clshuffle.h"

/* dst[i_0, ..., i_{n-1}] = src[j] with j[perm[k]] = i_k; arg is the int perm[]. */
cls_status cls__ref_permute(const unsigned char *src_host, const cls_tensor *src,
                            unsigned char *dst_host, const cls_tensor *dst, const void *arg);

/* Plain (N, C, S...) -> blocked (N, ceil(C/b), S..., b): dst[n][q][s][j] =
 * src[n][q*b + j][s] when q*b + j < C, else 0; arg is the int block b. */
cls_status cls__ref_blocked_pack(const unsigned char *src_host, const cls_tensor *src,
                                 unsigned char *dst_host, const cls_tensor *dst, const void *arg);

/* Blocked -> plain: dst[n][c][s] = src[n][c/b][s][c%b]; padding unread. */
cls_status cls__ref_blocked_unpack(const unsigned char *src_host, const cls_tensor *src,
                                   unsigned char *dst_host, const cls_tensor *dst,
                                   const void *arg);

#endif
