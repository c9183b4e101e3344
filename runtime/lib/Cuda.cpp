// Cuda.cpp - the CUDA backend: the driver loaded with dlopen, cubins loaded per device, the
// functions that the host code of CUDA entries calls (kiln/abi.h), and graph calls with host
// buffers (copies in, the CUDA entry, copies out).
#include "CudaDriver.h"
#include "Internal.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kiln::cuda {
namespace {

struct Device {
  kiln_status status = KILN_OK; // of the initialization; the rest is valid only when KILN_OK
  std::string error;
  DriverApi api{};
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  uint32_t sm = 0;
  std::string name;
  std::mutex mutex; // guards the two caches
  std::map<const kiln_cuda_module *, CUmodule> modules;
  std::map<std::pair<CUmodule, std::string>, CUfunction> functions;
};

const char *errorString(const Device &d, CUresult result) {
  const char *text = nullptr;
  if (d.api.cuGetErrorString && d.api.cuGetErrorString(result, &text) == CUDA_SUCCESS && text)
    return text;
  return "unknown CUDA error";
}

template <typename Fn> bool resolve(void *library, const char *symbol, Fn &fn) {
  fn = reinterpret_cast<Fn>(dlsym(library, symbol));
  return fn != nullptr;
}

bool resolveAll(void *library, DriverApi &api, const char *&missing) {
  struct Entry {
    const char *symbol;
    bool ok;
  };
  const Entry entries[] = {
      {"cuInit", resolve(library, "cuInit", api.cuInit)},
      {"cuDeviceGetCount", resolve(library, "cuDeviceGetCount", api.cuDeviceGetCount)},
      {"cuDeviceGet", resolve(library, "cuDeviceGet", api.cuDeviceGet)},
      {"cuDeviceGetAttribute", resolve(library, "cuDeviceGetAttribute", api.cuDeviceGetAttribute)},
      {"cuDeviceGetName", resolve(library, "cuDeviceGetName", api.cuDeviceGetName)},
      {"cuDevicePrimaryCtxRetain",
       resolve(library, "cuDevicePrimaryCtxRetain", api.cuDevicePrimaryCtxRetain)},
      {"cuCtxSetCurrent", resolve(library, "cuCtxSetCurrent", api.cuCtxSetCurrent)},
      {"cuModuleLoadData", resolve(library, "cuModuleLoadData", api.cuModuleLoadData)},
      {"cuModuleGetFunction", resolve(library, "cuModuleGetFunction", api.cuModuleGetFunction)},
      {"cuLaunchKernel", resolve(library, "cuLaunchKernel", api.cuLaunchKernel)},
      {"cuMemAllocAsync", resolve(library, "cuMemAllocAsync", api.cuMemAllocAsync)},
      {"cuMemFreeAsync", resolve(library, "cuMemFreeAsync", api.cuMemFreeAsync)},
      {"cuDeviceGetDefaultMemPool",
       resolve(library, "cuDeviceGetDefaultMemPool", api.cuDeviceGetDefaultMemPool)},
      {"cuMemPoolSetAttribute",
       resolve(library, "cuMemPoolSetAttribute", api.cuMemPoolSetAttribute)},
      {"cuMemcpyHtoDAsync_v2", resolve(library, "cuMemcpyHtoDAsync_v2", api.cuMemcpyHtoDAsync)},
      {"cuMemcpyDtoHAsync_v2", resolve(library, "cuMemcpyDtoHAsync_v2", api.cuMemcpyDtoHAsync)},
      {"cuStreamCreate", resolve(library, "cuStreamCreate", api.cuStreamCreate)},
      {"cuStreamSynchronize", resolve(library, "cuStreamSynchronize", api.cuStreamSynchronize)},
      {"cuEventCreate", resolve(library, "cuEventCreate", api.cuEventCreate)},
      {"cuEventRecord", resolve(library, "cuEventRecord", api.cuEventRecord)},
      {"cuEventElapsedTime", resolve(library, "cuEventElapsedTime", api.cuEventElapsedTime)},
      {"cuEventDestroy_v2", resolve(library, "cuEventDestroy_v2", api.cuEventDestroy)},
      {"cuGetErrorString", resolve(library, "cuGetErrorString", api.cuGetErrorString)},
  };
  for (const Entry &entry : entries)
    if (!entry.ok) {
      missing = entry.symbol;
      return false;
    }
  return true;
}

void initialize(Device &d) {
  // KILN_CUDA_DRIVER names another driver library: for tests of the no-driver path.
  const char *library = std::getenv("KILN_CUDA_DRIVER");
  if (!library || !*library)
    library = "libcuda.so.1";
  auto unavailable = [&](std::string message) {
    d.status = KILN_ERROR_DEVICE_UNAVAILABLE;
    d.error = std::move(message);
  };
  void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return unavailable(std::string("no CUDA driver: cannot load ") + library + " (" + dlerror() +
                       ")");
  const char *missing = nullptr;
  if (!resolveAll(handle, d.api, missing))
    return unavailable(std::string("the CUDA driver ") + library + " lacks " + missing +
                       " (CUDA 11.2 or newer is needed)");
  if (CUresult r = d.api.cuInit(0))
    return unavailable(r == CUDA_ERROR_NO_DEVICE
                           ? std::string("no CUDA device: the driver found no GPU")
                           : std::string("the CUDA driver failed to initialize: ") +
                                 errorString(d, r));
  int count = 0;
  if (d.api.cuDeviceGetCount(&count) != CUDA_SUCCESS || count == 0)
    return unavailable("no CUDA device: the driver found no GPU");
  int major = 0, minor = 0;
  char name[256] = {0};
  CUresult r = d.api.cuDeviceGet(&d.device, 0);
  if (!r)
    r = d.api.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d.device);
  if (!r)
    r = d.api.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d.device);
  if (!r)
    r = d.api.cuDeviceGetName(name, sizeof name - 1, d.device);
  if (!r)
    r = d.api.cuDevicePrimaryCtxRetain(&d.context, d.device);
  if (!r)
    r = d.api.cuCtxSetCurrent(d.context);
  if (!r)
    r = d.api.cuStreamCreate(&d.stream, CU_STREAM_NON_BLOCKING);
  // Each call's intermediates come from the device's default pool (cuMemAllocAsync); with its
  // default release threshold (0) the pool hands its memory back at every synchronization and
  // the next call maps it again, which cost softmax 4096 x 1024 ~80 us per call on an H100
  // (a 20 us kernel). The pool keeps what it has instead.
  CUmemoryPool pool = nullptr;
  if (!r)
    r = d.api.cuDeviceGetDefaultMemPool(&pool, d.device);
  uint64_t keepAll = UINT64_MAX;
  if (!r)
    r = d.api.cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &keepAll);
  if (r)
    return unavailable(std::string("cannot set up CUDA device 0: ") + errorString(d, r));
  d.sm = static_cast<uint32_t>(major * 10 + minor);
  d.name = name;
}

Device &device() {
  static Device *d = [] {
    auto *created = new Device; // never destroyed: generated code may run at exit
    initialize(*created);
    return created;
  }();
  return *d;
}

// The state of the CUDA entry running on this thread: its first failure, and the launches.
struct CallState {
  kiln_status status = KILN_OK;
  std::string message;
  uint64_t launches = 0;
};
thread_local CallState call;

void record(kiln_status status, const char *format, ...) __attribute__((format(printf, 2, 3)));
void record(kiln_status status, const char *format, ...) {
  if (call.status != KILN_OK)
    return;
  char text[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  call.status = status;
  call.message = text;
}

// The device, current on this thread; NULL (and the reason recorded) when there is none.
Device *readyDevice() {
  if (call.status != KILN_OK)
    return nullptr;
  Device &d = device();
  if (d.status != KILN_OK) {
    record(d.status, "%s", d.error.c_str());
    return nullptr;
  }
  if (CUresult r = d.api.cuCtxSetCurrent(d.context)) {
    record(KILN_ERROR_DEVICE_FAILED, "cannot make the CUDA context current: %s", errorString(d, r));
    return nullptr;
  }
  return &d;
}

std::string architectures(const kiln_cuda_module *module, uint32_t format) {
  std::string list;
  for (uint32_t i = 0; i < module->num_images; ++i)
    if (module->images[i].format == format)
      list += (list.empty() ? "sm_" : ",sm_") + std::to_string(module->images[i].sm);
  return list.empty() ? "none" : list;
}

// A cubin runs on GPUs of its major architecture with an equal or higher minor version.
const kiln_cuda_image *selectImage(const kiln_cuda_module *module, uint32_t sm) {
  const kiln_cuda_image *best = nullptr;
  for (uint32_t i = 0; i < module->num_images; ++i) {
    const kiln_cuda_image &image = module->images[i];
    if (image.format == KILN_CUDA_CUBIN && image.sm / 10 == sm / 10 && image.sm <= sm &&
        (!best || image.sm > best->sm))
      best = &image;
  }
  if (best)
    return best;
  const char *jit = std::getenv("KILN_ALLOW_PTX_JIT");
  if (!jit || std::strcmp(jit, "1") != 0)
    return nullptr;
  for (uint32_t i = 0; i < module->num_images; ++i) {
    const kiln_cuda_image &image = module->images[i];
    if (image.format == KILN_CUDA_PTX && image.sm <= sm && (!best || image.sm > best->sm))
      best = &image;
  }
  return best;
}

CUmodule loadModule(Device &d, const kiln_cuda_module *module) {
  auto found = d.modules.find(module);
  if (found != d.modules.end())
    return found->second;
  const kiln_cuda_image *image = selectImage(module, d.sm);
  if (!image) {
    record(KILN_ERROR_NO_MATCHING_BINARY,
           "no cubin for this GPU (%s, sm_%u) in the artifact: it has cubins for %s and PTX "
           "for %s; recompile with --target=cuda:sm_%u, or set KILN_ALLOW_PTX_JIT=1 to let the "
           "driver compile embedded PTX",
           d.name.c_str(), d.sm, architectures(module, KILN_CUDA_CUBIN).c_str(),
           architectures(module, KILN_CUDA_PTX).c_str(), d.sm);
    return nullptr;
  }
  CUmodule loaded = nullptr;
  if (CUresult r = d.api.cuModuleLoadData(&loaded, image->data)) {
    record(KILN_ERROR_DEVICE_FAILED, "cannot load the %s for sm_%u: %s",
           image->format == KILN_CUDA_CUBIN ? "cubin" : "PTX", image->sm, errorString(d, r));
    return nullptr;
  }
  d.modules.emplace(module, loaded);
  return loaded;
}

CUfunction findKernel(Device &d, const kiln_cuda_module *module, const char *name) {
  std::lock_guard<std::mutex> lock(d.mutex);
  CUmodule loaded = loadModule(d, module);
  if (!loaded)
    return nullptr;
  auto key = std::make_pair(loaded, std::string(name));
  auto found = d.functions.find(key);
  if (found != d.functions.end())
    return found->second;
  CUfunction function = nullptr;
  if (CUresult r = d.api.cuModuleGetFunction(&function, loaded, name)) {
    record(KILN_ERROR_DEVICE_FAILED, "kernel '%s' is not in the loaded cubin: %s", name,
           errorString(d, r));
    return nullptr;
  }
  d.functions.emplace(key, function);
  return function;
}

CUstream streamOf(Device &d, void *stream) {
  return stream ? static_cast<CUstream>(stream) : d.stream;
}

uint64_t bytesOf(const kiln_arg_info &arg) {
  uint64_t n = kiln_dtype_size(arg.dtype);
  for (uint32_t i = 0; i < arg.rank; ++i)
    n *= static_cast<uint64_t>(arg.shape[i]);
  return n;
}

} // namespace

bool available() { return device().status == KILN_OK; }

namespace {

// A call with host buffers: device buffers are allocated for its arguments, the inputs copied
// in, the entry run, the outputs copied back.
struct HostCall {
  const char *name; // the graph's, for messages
  kiln_cuda_entry_argv_fn entry;
  uint32_t numInputs;
  std::vector<uint64_t> bytes; // per argument: inputs, then outputs
  std::vector<void *> host;    // per argument
};

// Allocates a device buffer per argument and queues the copies of the inputs; failures are
// recorded in the call state.
std::vector<void *> copyInputs(Device &d, kiln_context *ctx, const HostCall &c,
                               CallReceipt &receipt) {
  std::vector<void *> buffers(c.bytes.size(), nullptr);
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    uint64_t bytes = c.bytes[i];
    // Zero-size buffers still get a distinct valid pointer.
    buffers[i] = kiln_cuda_alloc(ctx, nullptr, bytes ? bytes : 1);
    if (i >= c.numInputs || !buffers[i])
      continue;
    if (CUresult r = d.api.cuMemcpyHtoDAsync(reinterpret_cast<CUdeviceptr>(buffers[i]), c.host[i],
                                             bytes, d.stream))
      record(KILN_ERROR_DEVICE_FAILED, "copying input %u to the GPU failed: %s", i,
             errorString(d, r));
    receipt.bytes_copied += bytes;
  }
  return buffers;
}

// Queues the copies of the outputs back to the host; returns the failure, if any.
std::string copyOutputs(Device &d, const HostCall &c, const std::vector<void *> &buffers,
                        CallReceipt &receipt) {
  for (uint32_t i = c.numInputs; i < c.bytes.size(); ++i) {
    auto source = reinterpret_cast<CUdeviceptr>(buffers[i]);
    if (CUresult r = d.api.cuMemcpyDtoHAsync(c.host[i], source, c.bytes[i], d.stream))
      return "copying output " + std::to_string(i - c.numInputs) +
             " from the GPU failed: " + errorString(d, r);
    receipt.bytes_copied += c.bytes[i];
  }
  return "";
}

// Two events around the kernels of a call, destroyed with it.
struct KernelTimer {
  Device &d;
  CUevent start = nullptr, stop = nullptr;
  explicit KernelTimer(Device &d) : d(d) {
    d.api.cuEventCreate(&start, CU_EVENT_DEFAULT);
    d.api.cuEventCreate(&stop, CU_EVENT_DEFAULT);
  }
  ~KernelTimer() {
    if (start)
      d.api.cuEventDestroy(start);
    if (stop)
      d.api.cuEventDestroy(stop);
  }
  void record(CUevent event) {
    if (event)
      d.api.cuEventRecord(event, d.stream);
  }
  // Valid once the stream has been synchronized.
  uint64_t elapsedNs() {
    float ms = 0;
    if (!start || !stop || d.api.cuEventElapsedTime(&ms, start, stop) != CUDA_SUCCESS)
      return 0;
    return static_cast<uint64_t>(ms * 1e6);
  }
};

// Runs the graph's CUDA entry; returns its code (0, or the first failure's status).
int32_t runEntry(kiln_context *ctx, kiln_cuda_entry_argv_fn entry, std::vector<void *> &buffers,
                 KernelTimer &timer, CallReceipt &receipt) {
  timer.record(timer.start);
  // The entry ends with kiln_cuda_finish, which reports and clears this thread's failure.
  int32_t code =
      call.status == KILN_OK ? entry(ctx, nullptr, buffers.data()) : kiln_cuda_finish(ctx, nullptr);
  receipt.launches = call.launches;
  timer.record(timer.stop);
  return code;
}

kiln_status callOnDevice(kiln_context *ctx, const HostCall &c, CallReceipt &receipt) {
  call = CallState();
  Device *d = readyDevice();
  if (!d)
    return fail(call.status, "graph '%s' on CUDA: %s", c.name, call.message.c_str());
  std::vector<void *> buffers = copyInputs(*d, ctx, c, receipt);
  KernelTimer timer(*d);
  int32_t code = runEntry(ctx, c.entry, buffers, timer, receipt);
  std::string failure = code ? kiln_last_error() : copyOutputs(*d, c, buffers, receipt);
  for (void *buffer : buffers)
    if (buffer)
      d->api.cuMemFreeAsync(reinterpret_cast<CUdeviceptr>(buffer), d->stream);
  CUresult synced = d->api.cuStreamSynchronize(d->stream);
  if (synced && failure.empty())
    failure = std::string("the GPU failed while running the graph: ") + errorString(*d, synced);
  receipt.device_ns = timer.elapsedNs();
  call = CallState();
  if (!failure.empty())
    return fail(KILN_ERROR_ENTRY_FAILED, "graph '%s' on CUDA: %s", c.name, failure.c_str());
  return KILN_OK;
}

} // namespace

kiln_status callGraph(kiln_graph *graph, kiln_context *ctx, const kiln_buffer *inputs,
                      kiln_buffer *outputs, CallReceipt &receipt) {
  const kiln_graph_info &info = *graph->info;
  HostCall c{info.name, info.cuda_entry_argv, info.num_inputs, {}, {}};
  for (uint32_t i = 0; i < info.num_inputs + info.num_outputs; ++i) {
    c.bytes.push_back(bytesOf(info.args[i]));
    c.host.push_back(i < info.num_inputs ? inputs[i].data : outputs[i - info.num_inputs].data);
  }
  return callOnDevice(ctx, c, receipt);
}

} // namespace kiln::cuda

using namespace kiln::cuda;

extern "C" int32_t kiln_cuda_call_host(void *ctx, const char *name, kiln_cuda_entry_argv_fn entry,
                                       uint32_t num_inputs, uint32_t num_outputs,
                                       const uint64_t *bytes, void **args) {
  uint32_t count = num_inputs + num_outputs;
  HostCall c{name, entry, num_inputs, std::vector<uint64_t>(bytes, bytes + count),
             std::vector<void *>(args, args + count)};
  CallReceipt receipt;
  return callOnDevice(static_cast<kiln_context *>(ctx), c, receipt);
}

extern "C" void kiln_cuda_check_alignment(void *, void *, const void *pointer, uint32_t index) {
  if (reinterpret_cast<uintptr_t>(pointer) % 16 != 0)
    record(KILN_ERROR_INVALID_ARGUMENT,
           "buffer argument %u (%p) is not 16-byte aligned; the kernels read and write 16 bytes "
           "at a time (cudaMalloc and cuMemAlloc return 256-byte aligned memory)",
           index, pointer);
}

extern "C" void *kiln_cuda_alloc(void *, void *stream, uint64_t bytes) {
  Device *d = readyDevice();
  if (!d)
    return nullptr;
  CUdeviceptr pointer = 0;
  if (CUresult r = d->api.cuMemAllocAsync(&pointer, bytes, streamOf(*d, stream))) {
    record(r == CUDA_ERROR_OUT_OF_MEMORY ? KILN_ERROR_OUT_OF_MEMORY : KILN_ERROR_DEVICE_FAILED,
           "cannot allocate %llu bytes of GPU memory: %s", static_cast<unsigned long long>(bytes),
           errorString(*d, r));
    return nullptr;
  }
  return reinterpret_cast<void *>(pointer);
}

extern "C" void kiln_cuda_free(void *, void *stream, void *pointer) {
  // Freed even after a failure: the call must not leak what it allocated.
  Device &d = device();
  if (d.status == KILN_OK && pointer)
    d.api.cuMemFreeAsync(reinterpret_cast<CUdeviceptr>(pointer), streamOf(d, stream));
}

extern "C" void kiln_cuda_launch(void *, void *stream, const kiln_cuda_module *module,
                                 const char *name, int64_t grid_x, int64_t grid_y, int64_t grid_z,
                                 int64_t block_x, int64_t block_y, int64_t block_z,
                                 uint32_t shared_bytes, void **args) {
  Device *d = readyDevice();
  if (!d)
    return;
  const int64_t dims[] = {grid_x, grid_y, grid_z, block_x, block_y, block_z};
  for (int64_t dim : dims)
    if (dim < 1 || dim > INT32_MAX) {
      record(KILN_ERROR_DEVICE_FAILED,
             "kernel '%s': grid %lld x %lld x %lld of blocks %lld x %lld x %lld is out of range",
             name, (long long)grid_x, (long long)grid_y, (long long)grid_z, (long long)block_x,
             (long long)block_y, (long long)block_z);
      return;
    }
  CUfunction function = findKernel(*d, module, name);
  if (!function)
    return;
  if (CUresult r =
          d->api.cuLaunchKernel(function, unsigned(grid_x), unsigned(grid_y), unsigned(grid_z),
                                unsigned(block_x), unsigned(block_y), unsigned(block_z),
                                shared_bytes, streamOf(*d, stream), args, nullptr)) {
    record(KILN_ERROR_DEVICE_FAILED, "launch of kernel '%s' failed: %s", name, errorString(*d, r));
    return;
  }
  ++call.launches;
}

extern "C" int32_t kiln_cuda_finish(void *, void *) {
  // The launch count stays for the runtime's receipt (callGraph resets the whole state).
  kiln_status status = call.status;
  std::string message = std::move(call.message);
  call.status = KILN_OK;
  call.message.clear();
  if (status == KILN_OK)
    return 0;
  kiln::fail(status, "%s", message.c_str());
  return static_cast<int32_t>(status);
}

extern "C" kiln_status kiln_cuda_device(uint32_t *out_sm, const char **out_name) {
  Device &d = device();
  if (out_sm)
    *out_sm = d.status == KILN_OK ? d.sm : 0;
  if (out_name)
    *out_name = d.status == KILN_OK ? d.name.c_str() : "";
  if (d.status != KILN_OK)
    return kiln::fail(d.status, "%s", d.error.c_str());
  return KILN_OK;
}
