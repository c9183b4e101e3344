/* Decays 10,000 activations with the user kernel @decay that kilnc compiled into exp_decay.o,
 *   y[i] = x[i] * exp(-rate[i] * t),
 * over several elapsed times t, and checks every value, and the peak |y| that the @absmax
 * reduction kernel returns, against a float64 reference computed here. Exits 1 on failure.
 * Inputs come from a fixed LCG: x in [-4, 4), rate in [0, 2). */
#include "exp_decay.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

enum { COUNT = 10000 };
_Static_assert(KILN_EXP_DECAY_EXP_DECAY_X_NUMEL == COUNT, "x shape");
_Static_assert(KILN_EXP_DECAY_EXP_DECAY_RESULT0_NUMEL == COUNT, "y shape");
_Static_assert(KILN_EXP_DECAY_EXP_DECAY_T_NUMEL == 1, "t is a scalar");

/* Relative tolerance on every y (and on the peak). y is f32: rate * t is rounded once (an
 * absolute error of up to |rate t| * 2^-24 <= 8 * 6e-8 = 4.8e-7 in the exponent, so a relative
 * error of 4.8e-7 in exp), Kiln's vectorized f32 exp is within a few ulp (its e2e test bounds
 * it by 2e-6 relative), and the product rounds once more (6e-8). 4e-6 covers the sum with a
 * 2x margin. Relative is the right measure: y spans many orders of magnitude as t grows. */
#define RTOL 4e-6
/* Values below the smallest normal f32 may flush to zero: allow that absolute slack. */
#define ATOL 1.2e-38

static uint32_t lcg_state;
/* A 32-bit LCG (Numerical Recipes constants): a value in [0, 1) with 24 random bits. */
static double lcg_unit(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return (double)(lcg_state >> 8) / 16777216.0;
}

int main(void) {
  static float x[COUNT], rate[COUNT], y[COUNT];
  lcg_state = 7u;
  for (int i = 0; i < COUNT; ++i) {
    x[i] = (float)(8.0 * lcg_unit() - 4.0);
    rate[i] = (float)(2.0 * lcg_unit());
  }

  static const float times[] = {0.0f, 0.125f, 1.0f, 2.5f, 4.0f};
  int ok = 1;
  for (unsigned n = 0; n < sizeof times / sizeof times[0]; ++n) {
    float t = times[n], peak = -1.0f;
    int32_t status = exp_decay(NULL, x, rate, &t, y, &peak);
    if (status != 0) {
      fprintf(stderr, "exp_decay failed with status %d\n", (int)status);
      return 1;
    }
    double max_rel = 0.0, ref_peak = 0.0;
    int worst = 0, bad = 0;
    for (int i = 0; i < COUNT; ++i) {
      double ref = (double)x[i] * exp(-(double)rate[i] * (double)t);
      double err = fabs((double)y[i] - ref);
      double rel = err / fmax(fabs(ref), 1e-300);
      if (!(err <= RTOL * fabs(ref) + ATOL))
        bad = 1;
      if (!(rel <= max_rel) && fabs(ref) > ATOL) {
        max_rel = rel;
        worst = i;
      }
      ref_peak = fmax(ref_peak, fabs(ref));
    }
    double peak_rel = fabs((double)peak - ref_peak) / ref_peak;
    printf("t = %-5g max rel error %.3e at %d, peak |y| %.7g (reference %.7g, rel error %.3e)"
           " (tolerance %.0e)\n",
           (double)t, max_rel, worst, (double)peak, ref_peak, peak_rel, RTOL);
    if (bad) {
      fprintf(stderr, "FAIL t = %g: y[%d] = %.9g, expected %.9g\n", (double)t, worst, y[worst],
              (double)x[worst] * exp(-(double)rate[worst] * (double)t));
      ok = 0;
    }
    if (!(peak_rel <= RTOL)) {
      fprintf(stderr, "FAIL t = %g: peak %.9g, expected %.9g\n", (double)t, peak, ref_peak);
      ok = 0;
    }
    /* At t = 0 nothing decays: y must be x exactly (exp(-0) = 1, x * 1 = x). */
    for (int i = 0; t == 0.0f && i < COUNT; ++i)
      if (y[i] != x[i]) {
        fprintf(stderr, "FAIL t = 0: y[%d] = %.9g != x = %.9g\n", i, y[i], x[i]);
        ok = 0;
        break;
      }
  }
  puts(ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
