/* fake_cuda.c - a stand-in for libcuda.so.1, so that the runtime's CUDA paths can be tested on
 * machines without a GPU (KILN_CUDA_DRIVER names this library). It runs no kernels: "device"
 * memory is host memory, launches are logged to stderr ("fake-cuda: launch NAME grid X Y Z
 * block X Y Z args N") and do nothing, so outputs hold what the copies left there.
 * FAKE_CUDA_DEVICES=0 makes cuInit report no device; FAKE_CUDA_SM=NN picks the architecture
 * (default 90). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
enum { OK = 0, INVALID_VALUE = 1, NO_DEVICE = 100 };

static int sm(void) {
  const char *value = getenv("FAKE_CUDA_SM");
  return value ? atoi(value) : 90;
}

CUresult cuInit(unsigned flags) {
  const char *devices = getenv("FAKE_CUDA_DEVICES");
  (void)flags;
  return devices && atoi(devices) == 0 ? NO_DEVICE : OK;
}
CUresult cuDeviceGetCount(int *count) { *count = 1; return OK; }
CUresult cuDeviceGet(int *device, int ordinal) { *device = ordinal; return OK; }
CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  *value = attribute == 75 ? sm() / 10 : sm() % 10;
  return OK;
}
CUresult cuDeviceGetName(char *name, int size, int device) {
  (void)device;
  snprintf(name, (size_t)size, "Kiln fake GPU");
  return OK;
}
CUresult cuDevicePrimaryCtxRetain(void **ctx, int device) {
  (void)device;
  *ctx = (void *)0x1;
  return OK;
}
CUresult cuCtxSetCurrent(void *ctx) { (void)ctx; return OK; }
CUresult cuModuleLoadData(void **module, const void *image) {
  int cubin = memcmp(image, "\x7f" "ELF", 4) == 0;
  fprintf(stderr, "fake-cuda: load %s\n", cubin ? "cubin" : "PTX");
  *module = (void *)0x2;
  return OK;
}
CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  (void)module;
  *function = strdup(name);
  return OK;
}
CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                        unsigned by, unsigned bz, unsigned shared, void *stream, void **args,
                        void **extra) {
  (void)shared, (void)stream, (void)args, (void)extra;
  fprintf(stderr, "fake-cuda: launch %s grid %u %u %u block %u %u %u\n", (const char *)function,
          gx, gy, gz, bx, by, bz);
  return OK;
}
CUresult cuMemAllocAsync(unsigned long long *pointer, size_t bytes, void *stream) {
  (void)stream;
  void *memory = calloc(1, bytes);
  *pointer = (unsigned long long)memory;
  return memory ? OK : 2;
}
CUresult cuMemFreeAsync(unsigned long long pointer, void *stream) {
  (void)stream;
  free((void *)pointer);
  return OK;
}
CUresult cuDeviceGetDefaultMemPool(void **pool, int device) {
  (void)device;
  *pool = (void *)0x5;
  return OK;
}
CUresult cuMemPoolSetAttribute(void *pool, int attribute, void *value) {
  (void)pool;
  if (attribute == 4 && *(unsigned long long *)value == ~0ull)
    fprintf(stderr, "fake-cuda: the pool keeps its memory\n");
  return OK;
}
CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void *src, size_t bytes, void *s) {
  (void)s;
  memcpy((void *)dst, src, bytes);
  return OK;
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, unsigned long long src, size_t bytes, void *s) {
  (void)s;
  memcpy(dst, (const void *)src, bytes);
  return OK;
}
CUresult cuStreamCreate(void **stream, unsigned flags) {
  (void)flags;
  *stream = (void *)0x3;
  return OK;
}
CUresult cuStreamSynchronize(void *stream) { (void)stream; return OK; }
CUresult cuEventCreate(void **event, unsigned flags) {
  (void)flags;
  *event = (void *)0x4;
  return OK;
}
CUresult cuEventRecord(void *event, void *stream) { (void)event, (void)stream; return OK; }
CUresult cuEventElapsedTime(float *ms, void *start, void *stop) {
  (void)start, (void)stop;
  *ms = 0.001f;
  return OK;
}
CUresult cuEventDestroy_v2(void *event) { (void)event; return OK; }
CUresult cuGetErrorString(CUresult error, const char **text) {
  *text = error == NO_DEVICE ? "no CUDA-capable device is detected" : "fake error";
  return OK;
}
