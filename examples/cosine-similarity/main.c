/* Ranks 1000 candidate embeddings by cosine similarity to a 768-d query with the graph that
 * kilnc compiled into cosine_similarity.o, and checks every score against a float64
 * reference computed here. Exits 1 when the check fails.
 *
 * Inputs come from a fixed LCG, so every run sees the same data. Three candidates are planted:
 *   BEST  = 0.8 q + 0.2 noise  (cosine ~0.97, the unique best match),
 *   OPPOS = -q                 (cosine exactly -1),
 *   ZERO  = 0                  (cosine 0 through the eps guard, not NaN).
 */
#include "cosine_similarity.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

enum { DIM = 768, COUNT = 1000, BEST = 617, OPPOS = 42, ZERO = COUNT - 1 };
_Static_assert(KILN_COSINE_SIMILARITY_COSINE_SIMILARITY_QUERY_NUMEL == DIM, "query shape");
_Static_assert(KILN_COSINE_SIMILARITY_COSINE_SIMILARITY_CANDIDATES_NUMEL == COUNT * DIM,
               "candidates shape");
_Static_assert(KILN_COSINE_SIMILARITY_COSINE_SIMILARITY_RESULT0_NUMEL == COUNT, "scores shape");

/* Tolerance on each score (scores lie in [-1, 1]). Every f32 sum of 768 products has a rounding
 * error of at most 768 * 2^-24 = 4.6e-5 relative to sum |a_k b_k| (Higham's gamma_n bound);
 * by Cauchy-Schwarz that is 4.6e-5 in score units for the dot product and half that for each
 * of the two norms after the square root, plus a few ulp for rsqrt and the products:
 * < 1e-4 in the worst case. Typical errors are ~100x smaller. */
#define TOLERANCE 1e-4

/* A 32-bit LCG (Numerical Recipes constants) giving values in [-1, 1) with 24 random bits. */
static uint32_t lcg_state;
static float lcg_next(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return (float)((double)(lcg_state >> 8) * (2.0 / 16777216.0) - 1.0);
}

int main(void) {
  static float query[DIM], candidates[COUNT][DIM], scores[COUNT];
  int64_t best = -1;

  lcg_state = 20240601u;
  for (int k = 0; k < DIM; ++k)
    query[k] = lcg_next();
  for (int i = 0; i < COUNT; ++i)
    for (int k = 0; k < DIM; ++k)
      candidates[i][k] = lcg_next();
  for (int k = 0; k < DIM; ++k) {
    candidates[BEST][k] = 0.8f * query[k] + 0.2f * candidates[BEST][k];
    candidates[OPPOS][k] = -query[k];
    candidates[ZERO][k] = 0.0f;
  }

  int32_t status = cosine_similarity(NULL, query, &candidates[0][0], scores, &best);
  if (status != 0) {
    fprintf(stderr, "cosine_similarity failed with status %d\n", (int)status);
    return 1;
  }

  /* float64 reference: <c, q> / max(|c| |q|, 1e-8). */
  double qnorm = 0.0;
  for (int k = 0; k < DIM; ++k)
    qnorm += (double)query[k] * query[k];
  qnorm = sqrt(qnorm);
  double max_err = 0.0;
  int worst = 0, ref_best = 0, got_best = 0;
  double ref_scores[COUNT];
  for (int i = 0; i < COUNT; ++i) {
    double dot = 0.0, cnorm = 0.0;
    for (int k = 0; k < DIM; ++k) {
      dot += (double)candidates[i][k] * query[k];
      cnorm += (double)candidates[i][k] * candidates[i][k];
    }
    ref_scores[i] = dot / fmax(sqrt(cnorm) * qnorm, 1e-8);
    double err = fabs((double)scores[i] - ref_scores[i]);
    if (!(err <= max_err)) { /* also catches NaN */
      max_err = err;
      worst = i;
    }
    if (ref_scores[i] > ref_scores[ref_best])
      ref_best = i;
    if (scores[i] > scores[got_best])
      got_best = i;
  }

  printf("scores: max abs error %.3e at candidate %d (tolerance %.0e)\n", max_err, worst,
         TOLERANCE);
  printf("best match: candidate %lld, score %.6f (reference: candidate %d, %.6f)\n",
         (long long)best, best >= 0 && best < COUNT ? scores[best] : NAN, ref_best,
         ref_scores[ref_best]);
  printf("planted: score[%d] = %.6f (opposite), score[%d] = %.6f (zero vector)\n", OPPOS,
         scores[OPPOS], ZERO, scores[ZERO]);

  int ok = 1;
  if (!(max_err <= TOLERANCE)) {
    fprintf(stderr, "FAIL: score %d is %.9g, expected %.9g\n", worst, scores[worst],
            ref_scores[worst]);
    ok = 0;
  }
  /* kiln.argmax returns the first maximum of the scores it computed. */
  if (best != got_best || best != BEST || ref_best != BEST) {
    fprintf(stderr, "FAIL: argmax %lld, first maximum of the scores %d, planted %d\n",
            (long long)best, got_best, BEST);
    ok = 0;
  }
  if (scores[ZERO] != 0.0f) {
    fprintf(stderr, "FAIL: the zero candidate scores %.9g, expected 0\n", scores[ZERO]);
    ok = 0;
  }
  puts(ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
