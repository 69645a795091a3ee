/* CLS_API marks the library's public functions: the only symbols the shared
 * library exports (it is built with hidden visibility). */
#ifndef CLSHUFFLE_EXPORT_H
#define CLSHUFFLE_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define CLS_API __attribute__((visibility("default")))
#else
#define CLS_API
#endif

#endif
