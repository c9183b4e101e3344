/* Calls the MLP that kilnc compiled into mlp.o and prints the class probabilities.
 * Inputs and weights are deterministic so that check.py can recompute the result. */
#include "mlp.h"

#include <math.h>
#include <stdio.h>

/* Element i of a named tensor: a reproducible pseudo-random value in [-scale, scale]. */
static void fill(float *data, unsigned long n, double seed, double scale) {
  for (unsigned long i = 0; i < n; ++i)
    data[i] = (float)(scale * sin(seed * (double)(i + 1)));
}

int main(void) {
  static float x[KILN_MLP_MLP_X_NUMEL], w1[KILN_MLP_MLP_W1_NUMEL], b1[KILN_MLP_MLP_B1_NUMEL];
  static float w2[KILN_MLP_MLP_W2_NUMEL], b2[KILN_MLP_MLP_B2_NUMEL];
  static float probs[KILN_MLP_MLP_RESULT0_NUMEL];
  fill(x, KILN_MLP_MLP_X_NUMEL, 0.37, 1.0);
  fill(w1, KILN_MLP_MLP_W1_NUMEL, 0.11, 0.25);
  fill(b1, KILN_MLP_MLP_B1_NUMEL, 0.53, 0.1);
  fill(w2, KILN_MLP_MLP_W2_NUMEL, 0.29, 0.5);
  fill(b2, KILN_MLP_MLP_B2_NUMEL, 0.71, 0.1);

  int32_t status = mlp(NULL, x, w1, b1, w2, b2, probs);
  if (status != 0) {
    fprintf(stderr, "mlp failed with status %d\n", (int)status);
    return 1;
  }
  const int64_t shape[] = KILN_MLP_MLP_RESULT0_SHAPE;
  for (int64_t row = 0; row < shape[0]; ++row) {
    for (int64_t col = 0; col < shape[1]; ++col)
      printf("%s%.7f", col ? " " : "", probs[row * shape[1] + col]);
    printf("\n");
  }
  return 0;
}
