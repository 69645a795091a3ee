/* Depth-to-space test helpers (d2s_util.c). */
#ifndef CLS_TESTS_D2S_UTIL_H
#define CLS_TESTS_D2S_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <clshuffle/clshuffle.h>

/* Storage orders: channels-first, channels-last, and padded versions of both. */
enum { NCHW, NHWC, NCHW_PAD, NHWC_PAD };

/* One test case: the space-side sizes, the block, the mode and both layouts. */
typedef struct tcase_d2s {
    cls_dtype dtype;
    int ndim;           /* 4: (N, C, H, W); 3: (N, C, L) */
    int64_t n, c, h, w; /* space-side C and low-resolution H, W (h = 1 for 1-D) */
    int bh, bw;
    cls_d2s_mode mode;
    int deep_layout, space_layout;
} tcase_d2s;

/* A view over buf of the given logical sizes in layout (NCHW ... NHWC_PAD);
 * *bytes: the buffer bytes it needs. */
cls_tensor make_view(cl_mem buf, cls_dtype dt, int ndim, const int64_t *sizes, int layout,
                     size_t *bytes);
/* The destination image of k (s2d: space-to-depth) from the source image
 * src, straight from the ONNX formulas: every element of td set, the bytes
 * between them left as they are. */
void expect(const tcase_d2s *k, int s2d, const unsigned char *src, const cls_tensor *ts,
            unsigned char *dst, const cls_tensor *td);
/* The deep-side and space-side sizes of k. */
void case_sizes(const tcase_d2s *k, int64_t deep[4], int64_t space[4]);
/* Run k (s2d: space-to-depth) with its source at byte base of a buffer and
 * compare every byte of the destination buffer bit-exactly. */
void check_case_at(cls_context *ctx, const tcase_d2s *k, int s2d, uint32_t seed, size_t base);
void check_case(cls_context *ctx, const tcase_d2s *k, int s2d, uint32_t seed);
/* Both directions of k. */
void check_both(cls_context *ctx, const tcase_d2s *k, uint32_t seed);
/* Both directions of n cases in a context of their own, seeds from seed. */
void check_table(const tcase_d2s *cases, size_t n, uint32_t seed);

#endif
