/* Makes the mistakes that the fake CUDA driver (fake_cuda.c, linked in) must refuse, each once,
 * and prints the driver's result for each: test/tools/kiln-run/fake-cuda.test checks the
 * messages. Usage: fake_cuda_mistakes CUBIN KERNEL, where KERNEL takes (i64, pointer, pointer),
 * as the CUDA kernel of tools/kiln-run/Inputs/cuda.mlir's @scale does; or
 * fake_cuda_mistakes CUBIN KERNEL THREADS, which launches KERNEL once in blocks of THREADS
 * (the shape is checked before the parameters, so none are passed). */
#include <stdio.h>
#include <stdlib.h>

typedef unsigned long long Pointer;
int cuModuleLoadData(void **module, const void *image);
int cuModuleGetFunction(void **function, void *module, const char *name);
int cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                   unsigned by, unsigned bz, unsigned shared, void *stream, void **args,
                   void **extra);
int cuMemAllocAsync(Pointer *pointer, size_t bytes, void *stream);
int cuMemFreeAsync(Pointer pointer, void *stream);
int cuMemcpyHtoDAsync_v2(Pointer dst, const void *src, size_t bytes, void *stream);

/* On stderr, where the driver's messages go, so that the two keep their order. */
static void report(const char *what, int result) { fprintf(stderr, "%s: %d\n", what, result); }

static void *readFile(const char *path) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return NULL;
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  rewind(file);
  void *data = malloc((size_t)size);
  if (data && fread(data, 1, (size_t)size, file) != (size_t)size) {
    free(data);
    data = NULL;
  }
  fclose(file);
  return data;
}

int main(int argc, char **argv) {
  void *image = argc == 3 || argc == 4 ? readFile(argv[1]) : NULL;
  if (!image) {
    fprintf(stderr, "usage: fake_cuda_mistakes CUBIN KERNEL [THREADS]\n");
    return 2;
  }
  void *module = NULL, *kernel = NULL, *missing = NULL;
  int loaded = cuModuleLoadData(&module, image);
  report("load", loaded);
  if (loaded)
    return 0;
  report("missing kernel", cuModuleGetFunction(&missing, module, "no_such_kernel"));
  report("kernel", cuModuleGetFunction(&kernel, module, argv[2]));
  if (argc == 4) {
    unsigned threads = (unsigned)atoi(argv[3]);
    report("launch", cuLaunchKernel(kernel, 1, 1, 1, threads, 1, 1, 0, NULL, NULL, NULL));
    return 0;
  }

  Pointer in, out, past;
  report("alloc", cuMemAllocAsync(&in, 4000, NULL) | cuMemAllocAsync(&out, 4000, NULL));
  long long n = 1000;
  void *args[] = {&n, &in, &out};
  report("launch", cuLaunchKernel(kernel, 1, 1, 1, 256, 1, 1, 0, NULL, args, NULL));
  report("2048 threads", cuLaunchKernel(kernel, 1, 1, 1, 2048, 1, 1, 0, NULL, args, NULL));
  report("grid y 65536", cuLaunchKernel(kernel, 1, 65536, 1, 256, 1, 1, 0, NULL, args, NULL));
  report("64 KB shared", cuLaunchKernel(kernel, 1, 1, 1, 256, 1, 1, 65536, NULL, args, NULL));
  past = out + 4000;
  void *pastArgs[] = {&n, &in, &past};
  report("pointer past the end", cuLaunchKernel(kernel, 1, 1, 1, 256, 1, 1, 0, NULL, pastArgs,
                                                NULL));
  static char host[4000];
  report("copy past the end", cuMemcpyHtoDAsync_v2(in + 3000, host, 2000, NULL));
  report("free inside", cuMemFreeAsync(in + 16, NULL));
  report("free", cuMemFreeAsync(out, NULL));
  report("freed pointer", cuLaunchKernel(kernel, 1, 1, 1, 256, 1, 1, 0, NULL, args, NULL));
  report("double free", cuMemFreeAsync(out, NULL));
  return 0;
}
