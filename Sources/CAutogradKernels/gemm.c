// Matrix products for the engine: BLIS-style blocking (A packed in MR-row panels, B in NR-column
// panels, both zero-padded) around a register-blocked micro-kernel. The micro-kernels use
// intrinsics with per-function target attributes and are chosen at run time, which is why this
// lives in C: Swift cannot compile one function for AVX-512 and another for AVX2 in one binary.

#include "CAutogradKernels.h"
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

enum { KC = 256, MC = 144, NC = 2048 };

typedef enum { ISA_GENERIC, ISA_AVX2, ISA_AVX512 } isa_t;

// Reads the CPU features libgcc detected at load time (cheap; no state of our own).
static isa_t isa(void) {
    if (__builtin_cpu_supports("avx512f")) return ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ISA_AVX2;
    return ISA_GENERIC;
}

static void *scratch(size_t bytes) { return aligned_alloc(64, (bytes + 63) / 64 * 64); }

const char *ag_gemm_isa(void) {
    switch (isa()) {
    case ISA_AVX512: return "avx512";
    case ISA_AVX2: return "avx2";
    default: return "generic";
    }
}

// The micro-kernels: C[MR×NR] (row-major, ldc) = sum over kc of packed A column × packed B row.
// `accumulate` adds to C instead of overwriting it (every K block but the first).

#define DEFINE_GENERIC_KERNEL(T, NAME, MR, NR)                                                     \
    static void NAME(ptrdiff_t kc, const T *pa, const T *pb, T *c, ptrdiff_t ldc, int accumulate) { \
        T acc[MR][NR];                                                                             \
        memset(acc, 0, sizeof acc);                                                                \
        for (ptrdiff_t p = 0; p < kc; p++)                                                         \
            for (int i = 0; i < MR; i++)                                                           \
                for (int j = 0; j < NR; j++) acc[i][j] += pa[p * MR + i] * pb[p * NR + j];         \
        for (int i = 0; i < MR; i++)                                                               \
            for (int j = 0; j < NR; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j]; \
    }

DEFINE_GENERIC_KERNEL(float, sgemm_generic_kernel, 4, 16)
DEFINE_GENERIC_KERNEL(double, dgemm_generic_kernel, 4, 8)

// AVX-512: 12 rows × 2 vectors of columns (24 accumulators of 32 registers).
__attribute__((target("avx512f,fma")))
static void sgemm_avx512_kernel(ptrdiff_t kc, const float *pa, const float *pb, float *c, ptrdiff_t ldc, int accumulate) {
    enum { MR = 12, NR = 32 };
    __m512 acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (ptrdiff_t p = 0; p < kc; p++) {
        __m512 b0 = _mm512_loadu_ps(pb + p * NR), b1 = _mm512_loadu_ps(pb + p * NR + 16);
        const float *ap = pa + p * MR;
        for (int i = 0; i < MR; i++) {
            __m512 ai = _mm512_set1_ps(ap[i]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {
        float *row = c + i * ldc;
        if (accumulate) {
            acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_loadu_ps(row));
            acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_loadu_ps(row + 16));
        }
        _mm512_storeu_ps(row, acc[i][0]);
        _mm512_storeu_ps(row + 16, acc[i][1]);
    }
}

__attribute__((target("avx512f,fma")))
static void dgemm_avx512_kernel(ptrdiff_t kc, const double *pa, const double *pb, double *c, ptrdiff_t ldc, int accumulate) {
    enum { MR = 12, NR = 16 };
    __m512d acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_pd();
    for (ptrdiff_t p = 0; p < kc; p++) {
        __m512d b0 = _mm512_loadu_pd(pb + p * NR), b1 = _mm512_loadu_pd(pb + p * NR + 8);
        const double *ap = pa + p * MR;
        for (int i = 0; i < MR; i++) {
            __m512d ai = _mm512_set1_pd(ap[i]);
            acc[i][0] = _mm512_fmadd_pd(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_pd(ai, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {
        double *row = c + i * ldc;
        if (accumulate) {
            acc[i][0] = _mm512_add_pd(acc[i][0], _mm512_loadu_pd(row));
            acc[i][1] = _mm512_add_pd(acc[i][1], _mm512_loadu_pd(row + 8));
        }
        _mm512_storeu_pd(row, acc[i][0]);
        _mm512_storeu_pd(row + 8, acc[i][1]);
    }
}

// AVX2: 6 rows × 2 vectors (12 accumulators of 16 registers).
__attribute__((target("avx2,fma")))
static void sgemm_avx2_kernel(ptrdiff_t kc, const float *pa, const float *pb, float *c, ptrdiff_t ldc, int accumulate) {
    enum { MR = 6, NR = 16 };
    __m256 acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    for (ptrdiff_t p = 0; p < kc; p++) {
        __m256 b0 = _mm256_loadu_ps(pb + p * NR), b1 = _mm256_loadu_ps(pb + p * NR + 8);
        const float *ap = pa + p * MR;
        for (int i = 0; i < MR; i++) {
            __m256 ai = _mm256_broadcast_ss(ap + i);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {
        float *row = c + i * ldc;
        if (accumulate) {
            acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(row));
            acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(row + 8));
        }
        _mm256_storeu_ps(row, acc[i][0]);
        _mm256_storeu_ps(row + 8, acc[i][1]);
    }
}

__attribute__((target("avx2,fma")))
static void dgemm_avx2_kernel(ptrdiff_t kc, const double *pa, const double *pb, double *c, ptrdiff_t ldc, int accumulate) {
    enum { MR = 6, NR = 8 };
    __m256d acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_pd();
    for (ptrdiff_t p = 0; p < kc; p++) {
        __m256d b0 = _mm256_loadu_pd(pb + p * NR), b1 = _mm256_loadu_pd(pb + p * NR + 4);
        const double *ap = pa + p * MR;
        for (int i = 0; i < MR; i++) {
            __m256d ai = _mm256_broadcast_sd(ap + i);
            acc[i][0] = _mm256_fmadd_pd(ai, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_pd(ai, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {
        double *row = c + i * ldc;
        if (accumulate) {
            acc[i][0] = _mm256_add_pd(acc[i][0], _mm256_loadu_pd(row));
            acc[i][1] = _mm256_add_pd(acc[i][1], _mm256_loadu_pd(row + 4));
        }
        _mm256_storeu_pd(row, acc[i][0]);
        _mm256_storeu_pd(row + 4, acc[i][1]);
    }
}

// The blocked driver, once per element type: loops over NC columns, KC depth and MC rows,
// packing B and A, then runs the micro-kernel on every MR×NR tile (through a scratch tile at the
// ragged edges).
#define DEFINE_GEMM(T, NAME)                                                                        \
    typedef void (*NAME##_kernel_t)(ptrdiff_t, const T *, const T *, T *, ptrdiff_t, int);         \
    static void NAME##_run(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const T *a, ptrdiff_t rsa,        \
                           ptrdiff_t csa, const T *b, ptrdiff_t rsb, ptrdiff_t csb, T *c,           \
                           ptrdiff_t ldc, NAME##_kernel_t kernel, int MR, int NR) {                 \
        if (k == 0 || m * n * k <= 4096) { /* small: packing would cost more than it saves */      \
            for (ptrdiff_t i = 0; i < m; i++)                                                       \
                for (ptrdiff_t j = 0; j < n; j++) {                                                 \
                    T s = 0;                                                                        \
                    for (ptrdiff_t p = 0; p < k; p++) s += a[i * rsa + p * csa] * b[p * rsb + j * csb]; \
                    c[i * ldc + j] = s;                                                             \
                }                                                                                   \
            return;                                                                                 \
        }                                                                                           \
        ptrdiff_t ncMax = n < NC ? n : NC, mcMax = m < MC ? m : MC;                                 \
        T *pb = scratch((size_t)(KC * (ncMax + NR)) * sizeof(T));                                   \
        T *pa = scratch((size_t)(KC * (mcMax + MR)) * sizeof(T));                                   \
        T tile[16 * 32];                                                                            \
        for (ptrdiff_t jc = 0; jc < n; jc += NC) {                                                  \
            ptrdiff_t nc = n - jc < NC ? n - jc : NC;                                               \
            for (ptrdiff_t pc = 0; pc < k; pc += KC) {                                              \
                ptrdiff_t kc = k - pc < KC ? k - pc : KC;                                           \
                for (ptrdiff_t jr = 0; jr < nc; jr += NR) {                                         \
                    T *dst = pb + jr * kc;                                                          \
                    ptrdiff_t nr = nc - jr < NR ? nc - jr : NR;                                     \
                    for (ptrdiff_t p = 0; p < kc; p++) {                                            \
                        const T *src = b + (pc + p) * rsb + (jc + jr) * csb;                        \
                        ptrdiff_t j = 0;                                                            \
                        if (csb == 1) { memcpy(dst + p * NR, src, (size_t)nr * sizeof(T)); j = nr; } \
                        for (; j < nr; j++) dst[p * NR + j] = src[j * csb];                         \
                        for (; j < NR; j++) dst[p * NR + j] = 0;                                    \
                    }                                                                               \
                }                                                                                   \
                for (ptrdiff_t ic = 0; ic < m; ic += MC) {                                          \
                    ptrdiff_t mc = m - ic < MC ? m - ic : MC;                                       \
                    for (ptrdiff_t ir = 0; ir < mc; ir += MR) {                                     \
                        T *dst = pa + ir * kc;                                                      \
                        ptrdiff_t mr = mc - ir < MR ? mc - ir : MR;                                 \
                        for (ptrdiff_t p = 0; p < kc; p++) {                                        \
                            const T *src = a + (ic + ir) * rsa + (pc + p) * csa;                    \
                            ptrdiff_t i = 0;                                                        \
                            for (; i < mr; i++) dst[p * MR + i] = src[i * rsa];                     \
                            for (; i < MR; i++) dst[p * MR + i] = 0;                                \
                        }                                                                           \
                    }                                                                               \
                    for (ptrdiff_t jr = 0; jr < nc; jr += NR) {                                     \
                        ptrdiff_t nr = nc - jr < NR ? nc - jr : NR;                                 \
                        for (ptrdiff_t ir = 0; ir < mc; ir += MR) {                                 \
                            ptrdiff_t mr = mc - ir < MR ? mc - ir : MR;                             \
                            T *cij = c + (ic + ir) * ldc + jc + jr;                                 \
                            if (mr == MR && nr == NR) {                                             \
                                kernel(kc, pa + ir * kc, pb + jr * kc, cij, ldc, pc > 0);           \
                            } else {                                                                \
                                if (pc > 0)                                                         \
                                    for (ptrdiff_t i = 0; i < mr; i++)                              \
                                        memcpy(tile + i * NR, cij + i * ldc, (size_t)nr * sizeof(T)); \
                                kernel(kc, pa + ir * kc, pb + jr * kc, tile, NR, pc > 0);           \
                                for (ptrdiff_t i = 0; i < mr; i++)                                  \
                                    memcpy(cij + i * ldc, tile + i * NR, (size_t)nr * sizeof(T));   \
                            }                                                                       \
                        }                                                                           \
                    }                                                                               \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
        free(pa);                                                                                   \
        free(pb);                                                                                   \
    }

DEFINE_GEMM(float, sgemm)
DEFINE_GEMM(double, dgemm)

void ag_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
              const float *b, ptrdiff_t rsb, ptrdiff_t csb, float *c, ptrdiff_t ldc) {
    switch (isa()) {
    case ISA_AVX512: sgemm_run(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, sgemm_avx512_kernel, 12, 32); break;
    case ISA_AVX2: sgemm_run(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, sgemm_avx2_kernel, 6, 16); break;
    default: sgemm_run(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, sgemm_generic_kernel, 4, 16); break;
    }
}

void ag_dgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const double *a, ptrdiff_t rsa, ptrdiff_t csa,
              const double *b, ptrdiff_t rsb, ptrdiff_t csb, double *c, ptrdiff_t ldc) {
    switch (isa()) {
    case ISA_AVX512: dgemm_run(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, dgemm_avx512_kernel, 12, 16); break;
    case ISA_AVX2: dgemm_run(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, dgemm_avx2_kernel, 6, 8); break;
    default: dgemm_run(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, dgemm_generic_kernel, 4, 8); break;
    }
}
