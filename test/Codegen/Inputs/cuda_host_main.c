/* Calls the host-pointer CUDA entry of graph @scale (test/tools/kiln-run/Inputs/cuda.mlir) and
 * compares its output with the CPU entry's. Prints the status, the runtime's message on
 * failure, and whether the outputs agree (only a real GPU computes them). With the argument
 * "misaligned", calls the device-pointer entry with an input 4 bytes off 16-byte alignment
 * instead (which the entry must refuse before launching anything). */
#include "kiln/runtime.h"
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  static float x[1004] __attribute__((aligned(16))), cpu[1000], gpu[1000];
  if (argc > 1 && strcmp(argv[1], "misaligned") == 0) {
    int32_t status = scale_cuda(NULL, NULL, x + 1, gpu);
    printf("status %s\nerror: %s\n", kiln_status_string((kiln_status)status), kiln_last_error());
    return 0;
  }
  for (int i = 0; i < 1000; ++i)
    x[i] = (float)i;
  if (scale(NULL, x, cpu) != 0)
    return 2;
  int32_t status = scale_cuda_host(NULL, x, gpu);
  printf("status %s\n", kiln_status_string((kiln_status)status));
  if (status != 0)
    printf("error: %s\n", kiln_last_error());
  float worst = 0;
  for (int i = 0; i < 1000; ++i)
    worst = fmaxf(worst, fabsf(gpu[i] - cpu[i]) / fabsf(cpu[i]));
  printf("matches the CPU entry: %s\n", worst <= 1e-6f ? "yes" : "no");
  return 0;
}
