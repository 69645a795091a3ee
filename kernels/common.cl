/* Shared definitions prepended to every clshuffle kernel file. */
#ifndef ELEM_SIZE
#define ELEM_SIZE 4
#endif

/* Layout kernels move bytes: the element type depends only on its size. */
#if ELEM_SIZE == 1
typedef uchar elem_t;
#elif ELEM_SIZE == 2
typedef ushort elem_t;
#elif ELEM_SIZE == 4
typedef uint elem_t;
#elif ELEM_SIZE == 8
typedef ulong elem_t;
#else
#error "ELEM_SIZE must be 1, 2, 4 or 8"
#endif

#define CLS_MAX_DIMS 8
