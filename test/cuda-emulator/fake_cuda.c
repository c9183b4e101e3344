/* fake_cuda.c - a stand-in for libcuda.so.1 that checks what the runtime asks of the driver,
 * so that the host side of CUDA entries can be tested on machines without a GPU
 * (KILN_CUDA_DRIVER names this library).
 *
 * It runs no kernels unless FAKE_CUDA_KERNELS names their host build
 * (test/cuda-emulator/simt.py), whose simt.c runs each launch on the CPU; otherwise outputs hold
 * what the copies left there: "device" memory is host memory. It refuses, with
 * "fake-cuda: error: ..." on stderr and an error code, what a real driver would refuse or what
 * would make a kernel read or write outside device memory:
 * - a cubin that is not a CUDA ELF image for an architecture the device runs;
 * - a kernel name that is not a function of the loaded image;
 * - a launch whose block or grid exceeds CUDA's limits, whose registers or shared memory do not
 *   fit one multiprocessor, or whose pointer parameters (the cubin's parameter table in
 *   .nv.info.<kernel>) do not point into live device allocations;
 * - copies outside live allocations, and frees of anything but a live allocation.
 * Launches are logged ("fake-cuda: launch NAME grid X Y Z block X Y Z").
 * FAKE_CUDA_DEVICES=0 makes cuInit report no device; FAKE_CUDA_SM=NN picks the architecture
 * (default 90). */
#include <dlfcn.h>
#include <elf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
enum {
  OK = 0,
  INVALID_VALUE = 1,
  NO_DEVICE = 100,
  INVALID_IMAGE = 200,
  NO_BINARY_FOR_GPU = 209,
  NOT_FOUND = 500,
  ILLEGAL_ADDRESS = 700,
  LAUNCH_OUT_OF_RESOURCES = 701,
  LAUNCH_FAILED = 719,
};

__attribute__((format(printf, 2, 3))) static CUresult fail(CUresult code, const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("fake-cuda: error: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  return code;
}

static int sm(void) {
  const char *value = getenv("FAKE_CUDA_SM");
  return value ? atoi(value) : 90;
}

/* Device memory: every allocation ever made, so that a pointer into freed memory is told apart
 * from one into no allocation at all. */
typedef struct Allocation {
  uintptr_t base;
  size_t bytes;
  int live;
} Allocation;
static Allocation *allocations;
static size_t numAllocations;

static Allocation *liveAllocationHolding(uintptr_t pointer, size_t bytes) {
  for (size_t i = numAllocations; i-- > 0;) {
    Allocation *a = &allocations[i];
    if (a->live && pointer >= a->base && pointer - a->base <= a->bytes &&
        bytes <= a->bytes - (pointer - a->base))
      return a;
  }
  return NULL;
}

static const char *describeAddress(uintptr_t pointer) {
  for (size_t i = numAllocations; i-- > 0;) {
    const Allocation *a = &allocations[i];
    if (pointer >= a->base && pointer - a->base < a->bytes)
      return a->live ? "runs past the end of its allocation" : "is freed memory";
    if (a->live && pointer == a->base + a->bytes)
      return "is the end of an allocation";
  }
  return "is not device memory";
}

/* A loaded image and the parts of its cubin (a CUDA ELF file) that a launch needs. */
typedef struct Module {
  const unsigned char *elf; /* NULL for PTX */
  const char *ptx;
} Module;

typedef struct Function {
  char name[256];
  uint32_t symbol; /* its index in the cubin's .symtab, by which .nv.info names it */
  int registers;
  uint64_t staticShared;
  int numParams;
  struct {
    uint16_t offset, bytes;
    int pointer;
  } params[64];
  void (*hostBuild)(void **params); /* with FAKE_CUDA_KERNELS */
} Function;

/* FAKE_CUDA_KERNELS: the kernels built for the host, and simt.c's launcher in that library. */
typedef int (*Launcher)(void (*)(void **), const unsigned[3], const unsigned[3], void **,
                        const char *(*)(const void *, size_t), char *, size_t);
static void *hostKernels;
static Launcher hostLaunch;

static CUresult findHostBuild(Function *f) {
  const char *library = getenv("FAKE_CUDA_KERNELS");
  if (!library)
    return OK;
  if (!hostKernels) {
    hostKernels = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!hostKernels)
      return fail(INVALID_IMAGE, "FAKE_CUDA_KERNELS: %s", dlerror());
    hostLaunch = (Launcher)dlsym(hostKernels, "kiln_simt_launch");
    if (!hostLaunch)
      return fail(INVALID_IMAGE, "FAKE_CUDA_KERNELS: %s has no kiln_simt_launch", library);
  }
  char symbol[300];
  snprintf(symbol, sizeof symbol, "kiln_simt_kernel_%s", f->name);
  f->hostBuild = (void (*)(void **))dlsym(hostKernels, symbol);
  if (!f->hostBuild)
    return fail(NOT_FOUND, "FAKE_CUDA_KERNELS: %s has no host build of kernel '%s'", library,
                f->name);
  return OK;
}

static const char *describeAccess(const void *address, size_t bytes) {
  uintptr_t pointer = (uintptr_t)address;
  return liveAllocationHolding(pointer, bytes) ? NULL : describeAddress(pointer);
}

static CUresult runOnHost(const Function *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                          unsigned by, unsigned bz, void **args) {
  const unsigned grid[3] = {gx, gy, gz}, block[3] = {bx, by, bz};
  char error[512];
  if (hostLaunch(f->hostBuild, grid, block, args, describeAccess, error, sizeof error))
    return fail(LAUNCH_FAILED, "launch %s: %s", f->name, error);
  return OK;
}

static const Elf64_Shdr *sectionAt(const unsigned char *elf, unsigned index) {
  const Elf64_Ehdr *header = (const Elf64_Ehdr *)elf;
  return (const Elf64_Shdr *)(elf + header->e_shoff + (size_t)index * header->e_shentsize);
}

static const Elf64_Shdr *findSection(const unsigned char *elf, const char *name) {
  const Elf64_Ehdr *header = (const Elf64_Ehdr *)elf;
  const char *names = (const char *)elf + sectionAt(elf, header->e_shstrndx)->sh_offset;
  for (unsigned i = 0; i < header->e_shnum; ++i)
    if (strcmp(names + sectionAt(elf, i)->sh_name, name) == 0)
      return sectionAt(elf, i);
  return NULL;
}

/* The index of the global function `name` in .symtab, or -1. */
static long findFunctionSymbol(const unsigned char *elf, const char *name) {
  const Elf64_Shdr *symtab = findSection(elf, ".symtab");
  if (!symtab)
    return -1;
  const char *strings = (const char *)elf + sectionAt(elf, symtab->sh_link)->sh_offset;
  const Elf64_Sym *symbols = (const Elf64_Sym *)(elf + symtab->sh_offset);
  for (size_t i = 0; i < symtab->sh_size / sizeof(Elf64_Sym); ++i)
    if (ELF64_ST_TYPE(symbols[i].st_info) == STT_FUNC &&
        ELF64_ST_BIND(symbols[i].st_info) == STB_GLOBAL &&
        strcmp(strings + symbols[i].st_name, name) == 0)
      return (long)i;
  return -1;
}

/* .nv.info sections are lists of attributes: a format byte, an attribute byte, then two bytes
 * that are the value (formats 1-3: none, a byte, a half word) or (format 4) the size of the
 * value that follows. */
enum { EIFMT_SVAL = 4, EIATTR_KPARAM_INFO = 0x17, EIATTR_REGCOUNT = 0x2f };
typedef void (*AttributeFn)(Function *, int attribute, const unsigned char *value, size_t size);

static CUresult forEachAttribute(const unsigned char *elf, const char *section, Function *f,
                                 AttributeFn fn) {
  const Elf64_Shdr *info = findSection(elf, section);
  if (!info)
    return OK;
  const unsigned char *p = elf + info->sh_offset, *end = p + info->sh_size;
  while (p + 4 <= end) {
    if (p[0] == EIFMT_SVAL) {
      size_t size = (size_t)p[2] | (size_t)p[3] << 8;
      if (p + 4 + size > end)
        break;
      fn(f, p[1], p + 4, size);
      p += 4 + size;
    } else if (p[0] >= 1 && p[0] <= 3) {
      p += 4;
    } else {
      break;
    }
  }
  return p == end ? OK : fail(INVALID_IMAGE, "cannot read %s of the cubin", section);
}

/* EIATTR_REGCOUNT: the function's symbol index, then its register count. */
static void readRegisterCount(Function *f, int attribute, const unsigned char *value, size_t size) {
  uint32_t words[2];
  if (attribute != EIATTR_REGCOUNT || size != sizeof words)
    return;
  memcpy(words, value, sizeof words);
  if (words[0] == f->symbol)
    f->registers = (int)words[1];
}

/* EIATTR_KPARAM_INFO: index, ordinal, offset, then flags whose top 14 bits are the size and whose
 * bits 8-11 are 5 for a pointer (`.ptr` in PTX). */
static void readParameter(Function *f, int attribute, const unsigned char *value, size_t size) {
  uint16_t ordinal, offset;
  uint32_t flags;
  if (attribute != EIATTR_KPARAM_INFO || size != 12)
    return;
  memcpy(&ordinal, value + 4, 2);
  memcpy(&offset, value + 6, 2);
  memcpy(&flags, value + 8, 4);
  if (ordinal >= 64) {
    f->numParams = -1; /* more than this fake keeps: describeKernel refuses the kernel */
    return;
  }
  f->params[ordinal].offset = offset;
  f->params[ordinal].bytes = (uint16_t)(flags >> 18);
  f->params[ordinal].pointer = ((flags >> 8) & 0xf) == 5;
  if (f->numParams >= 0 && ordinal + 1 > f->numParams)
    f->numParams = ordinal + 1;
}

static CUresult describeKernel(const unsigned char *elf, Function *f) {
  long symbol = findFunctionSymbol(elf, f->name);
  f->symbol = (uint32_t)symbol;
  if (symbol < 0)
    return fail(NOT_FOUND, "the cubin has no kernel '%s'", f->name);
  char section[300];
  snprintf(section, sizeof section, ".nv.info.%s", f->name);
  CUresult r = forEachAttribute(elf, ".nv.info", f, readRegisterCount);
  if (!r)
    r = forEachAttribute(elf, section, f, readParameter);
  snprintf(section, sizeof section, ".nv.shared.%s", f->name);
  const Elf64_Shdr *shared = findSection(elf, section);
  f->staticShared = shared ? shared->sh_size : 0;
  if (!r && f->numParams < 0)
    r = fail(INVALID_IMAGE, "kernel '%s' has more than the 64 parameters this fake checks",
             f->name);
  return r;
}

/* A PTX image's kernel: its parameters, `.param .u64` (or `.ptr` for pointers), are listed
 * in parentheses after `.entry NAME`. */
static CUresult describePtxKernel(const char *ptx, Function *f) {
  char entry[300];
  snprintf(entry, sizeof entry, ".entry %s(", f->name);
  const char *p = strstr(ptx, entry);
  if (!p)
    return fail(NOT_FOUND, "the PTX has no kernel '%s'", f->name);
  const char *end = strchr(p, ')');
  for (p = strstr(p, ".param"); p && p < end; p = strstr(p + 1, ".param")) {
    if (f->numParams == 64)
      return fail(INVALID_IMAGE, "kernel '%s' has more than the 64 parameters this fake checks",
                  f->name);
    const char *next = strstr(p + 1, ".param");
    const char *ptr = strstr(p, ".ptr");
    f->params[f->numParams].offset = (uint16_t)(8 * f->numParams);
    f->params[f->numParams].bytes = 8;
    f->params[f->numParams].pointer = ptr && ptr < end && (!next || ptr < next);
    ++f->numParams;
  }
  return OK;
}

CUresult cuInit(unsigned flags) {
  const char *devices = getenv("FAKE_CUDA_DEVICES");
  (void)flags;
  return devices && atoi(devices) == 0 ? NO_DEVICE : OK;
}
CUresult cuDeviceGetCount(int *count) {
  *count = 1;
  return OK;
}
CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return OK;
}
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
CUresult cuCtxSetCurrent(void *ctx) {
  (void)ctx;
  return OK;
}

/* A cubin runs on the architecture it was built for and on later minor versions of it. The
 * architecture is in e_flags: bits 8-15 since ELF ABI version 8 (CUDA 13), bits 0-7 before. */
static CUresult checkCubin(const unsigned char *elf) {
  const Elf64_Ehdr *header = (const Elf64_Ehdr *)elf;
  if (header->e_ident[EI_CLASS] != ELFCLASS64 || header->e_machine != EM_CUDA)
    return fail(INVALID_IMAGE, "the image is an ELF file but not a 64-bit CUDA one");
  int arch =
      header->e_ident[EI_ABIVERSION] >= 8 ? (header->e_flags >> 8) & 0xff : header->e_flags & 0xff;
  if (arch / 10 != sm() / 10 || arch % 10 > sm() % 10)
    return fail(NO_BINARY_FOR_GPU, "the cubin is for sm_%d, the device is sm_%d", arch, sm());
  return OK;
}

CUresult cuModuleLoadData(void **module, const void *image) {
  int cubin = memcmp(image,
                     "\x7f"
                     "ELF",
                     4) == 0;
  fprintf(stderr, "fake-cuda: load %s\n", cubin ? "cubin" : "PTX");
  if (cubin) {
    CUresult r = checkCubin(image);
    if (r)
      return r;
  } else if (!strstr((const char *)image, ".version") || !strstr((const char *)image, ".target")) {
    return fail(INVALID_IMAGE, "the image is neither a cubin nor PTX");
  }
  Module *m = calloc(1, sizeof *m);
  if (!m)
    return 2;
  if (cubin)
    m->elf = image;
  else
    m->ptx = image;
  *module = m;
  return OK;
}

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  const Module *m = module;
  Function *f = calloc(1, sizeof *f);
  if (!f)
    return 2;
  snprintf(f->name, sizeof f->name, "%s", name);
  CUresult r = m->elf ? describeKernel(m->elf, f) : describePtxKernel(m->ptx, f);
  if (!r)
    r = findHostBuild(f);
  if (r) {
    free(f);
    return r;
  }
  *function = f;
  return OK;
}

/* Registers are given out per warp, 256 at a time, from a multiprocessor's 64K (sm_80 and
 * sm_90); a block gets 48 KB of shared memory unless the kernel opts in to more, which needs
 * cuFuncSetAttribute (the runtime does not call it). */
static CUresult checkLaunchShape(const Function *f, unsigned gx, unsigned gy, unsigned gz,
                                 unsigned bx, unsigned by, unsigned bz, unsigned shared) {
  unsigned long long threads = (unsigned long long)bx * by * bz;
  if (!gx || !gy || !gz || !threads || gx > 0x7fffffffu || gy > 65535 || gz > 65535 || bx > 1024 ||
      by > 1024 || bz > 64 || threads > 1024)
    return fail(INVALID_VALUE, "launch %s: grid %u %u %u of blocks %u %u %u is out of CUDA's range",
                f->name, gx, gy, gz, bx, by, bz);
  unsigned long long warps = (threads + 31) / 32;
  unsigned long long perWarp = ((unsigned long long)f->registers * 32 + 255) / 256 * 256;
  if (warps * perWarp > 65536)
    return fail(LAUNCH_OUT_OF_RESOURCES,
                "launch %s: %llu threads of %d registers need more than 64K registers", f->name,
                threads, f->registers);
  if (f->staticShared + shared > 48 * 1024)
    return fail(LAUNCH_OUT_OF_RESOURCES,
                "launch %s: %llu bytes of static and %u of dynamic shared memory exceed 48 KB",
                f->name, (unsigned long long)f->staticShared, shared);
  return OK;
}

static CUresult checkPointerParameters(const Function *f, void **args) {
  if (f->numParams && !args)
    return fail(INVALID_VALUE, "launch %s: no parameters for its %d", f->name, f->numParams);
  for (int i = 0; i < f->numParams; ++i) {
    if (!f->params[i].pointer)
      continue;
    if (!args[i])
      return fail(INVALID_VALUE, "launch %s: parameter %d has no value", f->name, i);
    uintptr_t pointer;
    memcpy(&pointer, args[i], sizeof pointer);
    if (!liveAllocationHolding(pointer, 1))
      return fail(ILLEGAL_ADDRESS, "launch %s: pointer parameter %d (0x%llx) %s", f->name, i,
                  (unsigned long long)pointer, describeAddress(pointer));
  }
  return OK;
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                        unsigned by, unsigned bz, unsigned shared, void *stream, void **args,
                        void **extra) {
  const Function *f = function;
  (void)stream, (void)extra;
  fprintf(stderr, "fake-cuda: launch %s grid %u %u %u block %u %u %u\n", f->name, gx, gy, gz, bx,
          by, bz);
  CUresult r = checkLaunchShape(f, gx, gy, gz, bx, by, bz, shared);
  if (!r)
    r = checkPointerParameters(f, args);
  if (!r && f->hostBuild)
    r = runOnHost(f, gx, gy, gz, bx, by, bz, args);
  return r;
}

CUresult cuMemAllocAsync(unsigned long long *pointer, size_t bytes, void *stream) {
  (void)stream;
  if (!bytes)
    return fail(INVALID_VALUE, "cuMemAllocAsync of 0 bytes");
  Allocation *grown = realloc(allocations, (numAllocations + 1) * sizeof *allocations);
  if (!grown)
    return 2;
  allocations = grown;
  /* 256-byte aligned, as cuMemAlloc's, and 256 bytes apart at least, so that a pointer past
   * the end of one allocation is never inside the next. */
  size_t padded = (bytes + 255) / 256 * 256 + 256;
  void *memory = aligned_alloc(256, padded);
  if (!memory)
    return 2;
  memset(memory, 0, padded);
  allocations[numAllocations++] = (Allocation){(uintptr_t)memory, bytes, 1};
  *pointer = (unsigned long long)(uintptr_t)memory;
  return OK;
}

CUresult cuMemFreeAsync(unsigned long long pointer, void *stream) {
  (void)stream;
  Allocation *a = liveAllocationHolding((uintptr_t)pointer, 0);
  if (!a || a->base != pointer)
    return fail(INVALID_VALUE, "cuMemFreeAsync of 0x%llx, which %s", pointer,
                a ? "is inside an allocation, not its start" : describeAddress(pointer));
  a->live = 0;
  free((void *)a->base);
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

static CUresult checkCopy(const char *direction, unsigned long long device, size_t bytes) {
  if (liveAllocationHolding((uintptr_t)device, bytes))
    return OK;
  return fail(INVALID_VALUE, "%s copy of %zu bytes at 0x%llx, which %s", direction, bytes, device,
              describeAddress((uintptr_t)device));
}

CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void *src, size_t bytes, void *s) {
  (void)s;
  CUresult r = checkCopy("host-to-device", dst, bytes);
  if (!r)
    memcpy((void *)(uintptr_t)dst, src, bytes);
  return r;
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, unsigned long long src, size_t bytes, void *s) {
  (void)s;
  CUresult r = checkCopy("device-to-host", src, bytes);
  if (!r)
    memcpy(dst, (const void *)(uintptr_t)src, bytes);
  return r;
}
CUresult cuStreamCreate(void **stream, unsigned flags) {
  (void)flags;
  *stream = (void *)0x3;
  return OK;
}
CUresult cuStreamSynchronize(void *stream) {
  (void)stream;
  return OK;
}
CUresult cuEventCreate(void **event, unsigned flags) {
  (void)flags;
  *event = (void *)0x4;
  return OK;
}
CUresult cuEventRecord(void *event, void *stream) {
  (void)event, (void)stream;
  return OK;
}
CUresult cuEventElapsedTime(float *ms, void *start, void *stop) {
  (void)start, (void)stop;
  *ms = 0.001f;
  return OK;
}
CUresult cuEventDestroy_v2(void *event) {
  (void)event;
  return OK;
}
CUresult cuGetErrorString(CUresult error, const char **text) {
  switch (error) {
  case NO_DEVICE:
    *text = "no CUDA-capable device is detected";
    break;
  case INVALID_IMAGE:
    *text = "device kernel image is invalid";
    break;
  case NO_BINARY_FOR_GPU:
    *text = "no kernel image is available for execution on the device";
    break;
  case NOT_FOUND:
    *text = "named symbol not found";
    break;
  case ILLEGAL_ADDRESS:
    *text = "an illegal memory access was encountered";
    break;
  case LAUNCH_OUT_OF_RESOURCES:
    *text = "too many resources requested for launch";
    break;
  case INVALID_VALUE:
    *text = "invalid argument";
    break;
  default:
    *text = "fake error";
    break;
  }
  return OK;
}
