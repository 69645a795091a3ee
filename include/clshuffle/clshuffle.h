/* clshuffle: OpenCL depth-to-space, fused sub-pixel convolution and layout transposes. */
#ifndef CLSHUFFLE_H
#define CLSHUFFLE_H

#define CLS_VERSION_MAJOR 0
#define CLS_VERSION_MINOR 1
#define CLS_VERSION_PATCH 0

#include "status.h"
#include "context.h"
#include "tensor.h"
#include "layout.h"
#include "d2s.h"
#include "conv.h"

#endif
