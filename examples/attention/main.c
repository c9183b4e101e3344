/* Runs the transformer block that kilnc compiled into attention.o on deterministic inputs and
 * writes every input and output as a NumPy .npy file into the directory given as argument, for
 * check.py to compare against a float64 NumPy reference (and to feed kiln-run).
 *
 * usage: attention_demo OUT_DIR */
#include "attention.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ARG(name) KILN_ATTENTION_ATTENTION_BLOCK_##name
/* One tensor: name, storage, shape, and its fill: offset + scale * LCG value in [-1, 1). */
struct tensor {
  const char *name;
  float *data;
  int64_t capacity; /* elements in data, checked against the shape */
  int rank;
  int64_t shape[3];
  uint32_t seed;
  double offset, scale;
};

static float x[ARG(X_NUMEL)], ln1_gamma[ARG(LN1_GAMMA_NUMEL)], ln1_beta[ARG(LN1_BETA_NUMEL)];
static float wq[ARG(WQ_NUMEL)], wk[ARG(WK_NUMEL)], wv[ARG(WV_NUMEL)], wo[ARG(WO_NUMEL)];
static float bo[ARG(BO_NUMEL)], ln2_gamma[ARG(LN2_GAMMA_NUMEL)], ln2_beta[ARG(LN2_BETA_NUMEL)];
static float w1[ARG(W1_NUMEL)], b1[ARG(B1_NUMEL)], w2[ARG(W2_NUMEL)], b2[ARG(B2_NUMEL)];
static float out[ARG(RESULT0_NUMEL)], probs[ARG(RESULT1_NUMEL)];

/* Keep in sync with INPUTS in check.py. */
static struct tensor tensors[] = {
    {"x", x, sizeof x / sizeof(float), 2, {32, 64}, 1, 0.0, 1.0},
    {"ln1_gamma", ln1_gamma, sizeof ln1_gamma / sizeof(float), 1, {64}, 2, 1.0, 0.1},
    {"ln1_beta", ln1_beta, sizeof ln1_beta / sizeof(float), 1, {64}, 3, 0.0, 0.05},
    {"wq", wq, sizeof wq / sizeof(float), 2, {64, 64}, 4, 0.0, 0.2},
    {"wk", wk, sizeof wk / sizeof(float), 2, {64, 64}, 5, 0.0, 0.2},
    {"wv", wv, sizeof wv / sizeof(float), 2, {64, 64}, 6, 0.0, 0.2},
    {"wo", wo, sizeof wo / sizeof(float), 2, {64, 64}, 7, 0.0, 0.2},
    {"bo", bo, sizeof bo / sizeof(float), 1, {64}, 8, 0.0, 0.05},
    {"ln2_gamma", ln2_gamma, sizeof ln2_gamma / sizeof(float), 1, {64}, 9, 1.0, 0.1},
    {"ln2_beta", ln2_beta, sizeof ln2_beta / sizeof(float), 1, {64}, 10, 0.0, 0.05},
    {"w1", w1, sizeof w1 / sizeof(float), 2, {64, 256}, 11, 0.0, 0.2},
    {"b1", b1, sizeof b1 / sizeof(float), 1, {256}, 12, 0.0, 0.05},
    {"w2", w2, sizeof w2 / sizeof(float), 2, {256, 64}, 13, 0.0, 0.1},
    {"b2", b2, sizeof b2 / sizeof(float), 1, {64}, 14, 0.0, 0.05},
    {"out", out, sizeof out / sizeof(float), 2, {32, 64}, 0, 0.0, 0.0},
    {"probs", probs, sizeof probs / sizeof(float), 3, {4, 32, 32}, 0, 0.0, 0.0},
};
enum { NUM_INPUTS = 14, NUM_TENSORS = sizeof tensors / sizeof tensors[0] };

static int64_t numel(const struct tensor *t) {
  int64_t n = 1;
  for (int d = 0; d < t->rank; ++d)
    n *= t->shape[d];
  return n;
}

/* A 32-bit LCG (Numerical Recipes constants) seeded per tensor. */
static void fill(const struct tensor *t) {
  uint32_t state = t->seed;
  for (int64_t i = 0; i < numel(t); ++i) {
    state = state * 1664525u + 1013904223u;
    double u = (double)(state >> 8) * (2.0 / 16777216.0) - 1.0;
    t->data[i] = (float)(t->offset + t->scale * u);
  }
}

/* Writes a little-endian float32 .npy file (format version 1.0). */
static int write_npy(const char *dir, const struct tensor *t) {
  char path[4096], dict[128], shape[64] = "";
  for (int d = 0; d < t->rank; ++d) {
    size_t len = strlen(shape);
    snprintf(shape + len, sizeof shape - len, "%lld,%s", (long long)t->shape[d],
             d + 1 < t->rank ? " " : "");
  }
  int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }",
                   shape);
  int total = 10 + n + 1; /* magic + version + header length, the dict, '\n' */
  int pad = (64 - total % 64) % 64;
  snprintf(path, sizeof path, "%s/%s.npy", dir, t->name);
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return 0;
  }
  unsigned header_len = (unsigned)(n + pad + 1);
  unsigned char preamble[10] = {0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                (unsigned char)(header_len & 0xff),
                                (unsigned char)(header_len >> 8)};
  fwrite(preamble, 1, sizeof preamble, f);
  fwrite(dict, 1, (size_t)n, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  fwrite(t->data, sizeof(float), (size_t)numel(t), f); /* x86-64 and AArch64: little-endian */
  return fclose(f) == 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  for (int i = 0; i < NUM_TENSORS; ++i)
    if (numel(&tensors[i]) != tensors[i].capacity) {
      fprintf(stderr, "%s: shape does not match the header\n", tensors[i].name);
      return 1;
    }
  for (int i = 0; i < NUM_INPUTS; ++i)
    fill(&tensors[i]);

  int32_t status = attention_block(NULL, x, ln1_gamma, ln1_beta, wq, wk, wv, wo, bo, ln2_gamma,
                                   ln2_beta, w1, b1, w2, b2, out, probs);
  if (status != 0) {
    fprintf(stderr, "attention_block failed with status %d\n", (int)status);
    return 1;
  }
  for (int i = 0; i < NUM_TENSORS; ++i)
    if (!write_npy(argv[1], &tensors[i]))
      return 1;
  printf("out[0][0:4] = %.6f %.6f %.6f %.6f\n", out[0], out[1], out[2], out[3]);
  return 0;
}
