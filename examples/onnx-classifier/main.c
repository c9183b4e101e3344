/* Classifies an image with the ONNX model that kilnc compiled into classifier.o.
 *
 *   classify IMAGE.npy [LOGITS.npy]
 *
 * IMAGE.npy holds the model's input exactly: float32, C order, shape 1x3x224x224 (NCHW, the
 * model's own layout; normalize it as the model was trained). The program prints the five
 * classes with the highest scores and their softmax probabilities, and writes all logits to
 * LOGITS.npy when given. */
#include "classifier.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMAGE_NUMEL KILN_CLASSIFIER_CLASSIFY_IMAGE_NUMEL
#define IMAGE_RANK KILN_CLASSIFIER_CLASSIFY_IMAGE_RANK
#define LOGITS_NUMEL KILN_CLASSIFIER_CLASSIFY_LOGITS_NUMEL
#define TOP 5

static const char kMagic[] = "\x93NUMPY";

/* The value after `key` in a .npy header dictionary, or NULL. */
static const char *header_value(const char *header, const char *key) {
  const char *at = strstr(header, key);
  if (!at)
    return NULL;
  at += strlen(key);
  while (*at == ' ' || *at == ':')
    ++at;
  return at;
}

/* Reads a float32 C-order .npy file of exactly `rank` dims `shape` into `data`; prints why not
 * and returns 0 when it cannot. */
static int read_npy(const char *path, float *data, int rank, const int64_t *shape,
                    unsigned long long numel) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    perror(path);
    return 0;
  }
  int ok = 0;
  unsigned char prefix[10];
  char *header = NULL;
  if (fread(prefix, 1, sizeof prefix, file) != sizeof prefix || memcmp(prefix, kMagic, 6) != 0) {
    fprintf(stderr, "%s: not a .npy file\n", path);
    goto done;
  }
  size_t length = prefix[8] | (size_t)prefix[9] << 8;
  if (prefix[6] != 1) { /* versions 2 and 3 have a 4-byte length */
    unsigned char more[2];
    if (fread(more, 1, 2, file) != 2) {
      fprintf(stderr, "%s: truncated header\n", path);
      goto done;
    }
    length |= (size_t)more[0] << 16 | (size_t)more[1] << 24;
  }
  header = calloc(length + 1, 1);
  if (!header || fread(header, 1, length, file) != length) {
    fprintf(stderr, "%s: truncated header\n", path);
    goto done;
  }
  const char *descr = header_value(header, "'descr'");
  const char *order = header_value(header, "'fortran_order'");
  const char *dims = header_value(header, "'shape'");
  if (!descr || strncmp(descr, "'<f4'", 5) != 0 || !order || strncmp(order, "False", 5) != 0) {
    fprintf(stderr, "%s: expected float32 in C order (%s)\n", path, header);
    goto done;
  }
  int found = 0;
  const char *p = dims ? dims + 1 : NULL; /* after '(' */
  while (p && *p && *p != ')') {
    char *end;
    long long dim = strtoll(p, &end, 10);
    if (end == p)
      break;
    if (found >= rank || dim != shape[found]) {
      found = -1;
      break;
    }
    ++found;
    p = end;
    while (*p == ',' || *p == ' ')
      ++p;
  }
  if (found != rank) {
    fprintf(stderr, "%s: expected shape (", path);
    for (int i = 0; i < rank; ++i)
      fprintf(stderr, "%s%lld", i ? ", " : "", (long long)shape[i]);
    fprintf(stderr, "), got %s\n", dims ? dims : "no shape");
    goto done;
  }
  if (fread(data, sizeof(float), numel, file) != numel) {
    fprintf(stderr, "%s: fewer than %llu elements\n", path, numel);
    goto done;
  }
  ok = 1;
done:
  free(header);
  fclose(file);
  return ok;
}

/* Writes `data` as a float32 .npy file of shape (rows, cols); returns 0 after printing why
 * not. */
static int write_npy(const char *path, const float *data, int64_t rows, int64_t cols) {
  char header[128];
  int length = snprintf(header, sizeof header,
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (%lld, %lld), }",
                        (long long)rows, (long long)cols);
  /* Magic, version and length take 10 bytes; the header is space-padded and ends in '\n' so
   * that the data starts at a multiple of 64. */
  int padded = ((10 + length + 1 + 63) / 64) * 64 - 10;
  memset(header + length, ' ', padded - length - 1);
  header[padded - 1] = '\n';
  FILE *file = fopen(path, "wb");
  if (!file) {
    perror(path);
    return 0;
  }
  unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, padded & 0xff, padded >> 8};
  size_t n = (size_t)(rows * cols);
  int ok = fwrite(prefix, 1, 10, file) == 10 && fwrite(header, 1, padded, file) == (size_t)padded &&
           fwrite(data, sizeof(float), n, file) == n;
  ok = (fclose(file) == 0) && ok;
  if (!ok)
    fprintf(stderr, "%s: write failed\n", path);
  return ok;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s IMAGE.npy [LOGITS.npy]\n", argv[0]);
    return 1;
  }
  static float image[IMAGE_NUMEL], logits[LOGITS_NUMEL];
  const int64_t image_shape[] = KILN_CLASSIFIER_CLASSIFY_IMAGE_SHAPE;
  if (!read_npy(argv[1], image, IMAGE_RANK, image_shape, IMAGE_NUMEL))
    return 1;

  /* A NULL context runs the graph on the runtime's thread pool (kiln/abi.h). */
  int32_t status = classify(NULL, image, logits);
  if (status != 0) {
    fprintf(stderr, "classify failed with status %d\n", (int)status);
    return 1;
  }

  double largest = logits[0], sum = 0.0;
  for (unsigned long long i = 1; i < LOGITS_NUMEL; ++i)
    largest = logits[i] > largest ? logits[i] : largest;
  for (unsigned long long i = 0; i < LOGITS_NUMEL; ++i)
    sum += exp(logits[i] - largest);
  int top[TOP];
  for (int k = 0; k < TOP; ++k) {
    top[k] = -1;
    for (unsigned long long i = 0; i < LOGITS_NUMEL; ++i) {
      int taken = 0;
      for (int j = 0; j < k; ++j)
        taken |= top[j] == (int)i;
      if (!taken && (top[k] < 0 || logits[i] > logits[top[k]]))
        top[k] = (int)i;
    }
    printf("class %4d  logit %9.4f  probability %.4f\n", top[k], logits[top[k]],
           exp(logits[top[k]] - largest) / sum);
  }
  if (argc == 3 && !write_npy(argv[2], logits, 1, LOGITS_NUMEL))
    return 1;
  return 0;
}
