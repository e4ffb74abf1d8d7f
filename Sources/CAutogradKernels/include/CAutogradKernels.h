#ifndef C_AUTOGRAD_KERNELS_H
#define C_AUTOGRAD_KERNELS_H

#include <stddef.h>

/// C = A · B for row- or column-major (any strides) A (m×k) and B (k×n) into a row-major C
/// (m×n, leading dimension ldc), overwriting C. Blocked and packed as BLIS does, with AVX-512 or
/// AVX2 micro-kernels chosen at run time from the CPU's features (a portable one otherwise).
/// Single-threaded: callers split the rows of C across threads.
void ag_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
              const float *a, ptrdiff_t rsa, ptrdiff_t csa,
              const float *b, ptrdiff_t rsb, ptrdiff_t csb,
              float *c, ptrdiff_t ldc);

void ag_dgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
              const double *a, ptrdiff_t rsa, ptrdiff_t csa,
              const double *b, ptrdiff_t rsb, ptrdiff_t csb,
              double *c, ptrdiff_t ldc);

/// The instruction set the kernels use on this CPU: "avx512", "avx2" or "generic".
const char *ag_gemm_isa(void);

#endif
