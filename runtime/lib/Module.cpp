// Module.cpp - loading an artifact: file checks, dlopen, metadata validation, graph lookup, unload.
#include "Internal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <limits>
#include <mutex>
#include <new>
#include <string_view>
#include <sys/stat.h>
#include <unordered_set>

using kiln::fail;

namespace {

// Bounds on counts in metadata: far beyond any real module, small enough that a corrupt count
// cannot make the runtime allocate or loop without end.
constexpr uint32_t maxGraphs = 1u << 16;
constexpr uint32_t maxArgsPerGraph = 1u << 16;

// Loaded modules, so that a second unload of the same pointer is detected instead of freeing
// twice. An intrusive list allocates nothing and has no destructor, so it stays usable from
// static destructors that unload modules at exit.
std::mutex registryMutex;
kiln_module *liveModules = nullptr;

void registerModule(kiln_module *module) {
  std::lock_guard<std::mutex> lock(registryMutex);
  module->nextLive = liveModules;
  liveModules = module;
}

bool unregisterModule(kiln_module *module) {
  std::lock_guard<std::mutex> lock(registryMutex);
  for (kiln_module **link = &liveModules; *link; link = &(*link)->nextLive) {
    if (*link == module) {
      *link = module->nextLive;
      return true;
    }
  }
  return false;
}

const char *orEmpty(const char *text) { return text ? text : ""; }

// Validation failures carry their status and a message; the caller prefixes the path.
struct Problem {
  kiln_status status = KILN_OK;
  std::string message;
  explicit operator bool() const { return status != KILN_OK; }
};

Problem problem(kiln_status status, std::string message) { return {status, std::move(message)}; }

Problem corrupt(const std::string &message) {
  return problem(KILN_ERROR_INVALID_ARTIFACT, "corrupt metadata: " + message);
}

Problem checkArg(const kiln_arg_info &arg, const std::string &where) {
  if (!arg.name)
    return corrupt(where + " has no name");
  std::string label = where + " '" + arg.name + "'";
  size_t elementSize = kiln_dtype_size(arg.dtype);
  if (elementSize == 0)
    return corrupt(label + " has unknown dtype " + std::to_string(arg.dtype));
  if (arg.rank > KILN_MAX_RANK)
    return corrupt(label + " has rank " + std::to_string(arg.rank) + ", above the limit of " +
                   std::to_string(KILN_MAX_RANK));
  if (arg.rank > 0 && !arg.shape)
    return corrupt(label + " has rank " + std::to_string(arg.rank) + " but no shape");
  // Callers allocate these buffers from the shape, so their byte size must be representable.
  uint64_t bytes = elementSize;
  for (uint32_t i = 0; i < arg.rank; ++i) {
    if (arg.shape[i] < 0)
      return corrupt(label + " has negative dimension " + std::to_string(arg.shape[i]));
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(arg.shape[i]), &bytes) ||
        bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return corrupt(label + " of type " + kiln::formatType(arg.dtype, arg.rank, arg.shape) +
                     " is too large to address");
  }
  return {};
}

Problem checkGraph(const kiln_graph_info &graph, uint32_t index) {
  if (!graph.name || !*graph.name)
    return corrupt("graph " + std::to_string(index) + " has no name");
  std::string label = std::string("graph '") + graph.name + "'";
  if (!graph.entry_argv)
    return corrupt(label + " has no entry function");
  if (graph.num_inputs > maxArgsPerGraph || graph.num_outputs > maxArgsPerGraph)
    return corrupt(label + " claims " + kiln::countOf(graph.num_inputs, "input") + " and " +
                   kiln::countOf(graph.num_outputs, "output"));
  if (graph.num_inputs + graph.num_outputs > 0 && !graph.args)
    return corrupt(label + " has no argument table");
  for (uint32_t i = 0; i < graph.num_inputs + graph.num_outputs; ++i) {
    bool isInput = i < graph.num_inputs;
    std::string where = label + (isInput ? " input " : " output ") +
                        std::to_string(isInput ? i : i - graph.num_inputs);
    if (Problem p = checkArg(graph.args[i], where))
      return p;
  }
  return {};
}

Problem checkMetadata(const kiln_module_metadata &meta) {
  if (meta.magic != KILN_MODULE_MAGIC)
    return problem(KILN_ERROR_INVALID_ARTIFACT,
                   "not a Kiln artifact: bad magic in '" KILN_METADATA_SYMBOL "'");
  if (meta.abi_version != KILN_ABI_VERSION)
    return problem(KILN_ERROR_ABI_MISMATCH,
                   "written for Kiln ABI version " + std::to_string(meta.abi_version) +
                       ", but this runtime reads version " + std::to_string(KILN_ABI_VERSION) +
                       " (rebuild it with a matching kilnc)");
  if (meta.reserved != 0)
    return corrupt("the reserved field is " + std::to_string(meta.reserved) + ", not 0");
  if (meta.num_graphs > maxGraphs)
    return corrupt("claims " + kiln::countOf(meta.num_graphs, "graph"));
  if (meta.num_graphs > 0 && !meta.graphs)
    return corrupt("no graph table");
  // Lookup is by name, so a duplicate would make one of the graphs unreachable.
  std::unordered_set<std::string_view> names;
  for (uint32_t i = 0; i < meta.num_graphs; ++i) {
    if (Problem p = checkGraph(meta.graphs[i], i))
      return p;
    if (!names.insert(meta.graphs[i].name).second)
      return corrupt(std::string("two graphs are named '") + meta.graphs[i].name + "'");
  }
  if (!meta.cpu_variant || !meta.cpu_variants)
    return corrupt("no CPU variant function");
  if (meta.cuda && (meta.cuda->num_images == 0 || !meta.cuda->images || meta.cuda->reserved))
    return corrupt("a CUDA module without images");
  for (uint32_t i = 0; meta.cuda && i < meta.cuda->num_images; ++i) {
    const kiln_cuda_image &image = meta.cuda->images[i];
    if (!image.data || image.size == 0 ||
        (image.format != KILN_CUDA_CUBIN && image.format != KILN_CUDA_PTX))
      return corrupt("CUDA image " + std::to_string(i) + " is malformed");
  }
  std::string cpuError;
  if (kiln_status status = kiln::checkCpuFeatures(meta.cpu_features, cpuError))
    return problem(status, cpuError);
  return {};
}

// Checks what dlopen would only describe vaguely: that the file exists and is an ELF at all.
Problem checkFile(const char *path) {
  struct stat info;
  if (stat(path, &info) != 0)
    return problem(errno == ENOENT ? KILN_ERROR_NOT_FOUND : KILN_ERROR_LOAD_FAILED,
                   std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return problem(KILN_ERROR_INVALID_ARTIFACT, "not a regular file");
  FILE *file = std::fopen(path, "rb");
  if (!file)
    return problem(KILN_ERROR_LOAD_FAILED, std::strerror(errno));
  unsigned char magic[4] = {0, 0, 0, 0};
  size_t got = std::fread(magic, 1, sizeof magic, file);
  std::fclose(file);
  if (got != sizeof magic || std::memcmp(magic,
                                         "\x7f"
                                         "ELF",
                                         4) != 0)
    return problem(KILN_ERROR_INVALID_ARTIFACT,
                   "not a Kiln artifact: not an ELF shared object (build one with "
                   "`kilnc --emit=shared`)");
  return {};
}

Problem openArtifact(const char *path, void **out_handle, const kiln_module_metadata **out_meta) {
  // dlopen searches the library path for a name without a slash; we mean the file itself.
  std::string file = std::strchr(path, '/') ? path : std::string("./") + path;
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return problem(KILN_ERROR_LOAD_FAILED, orEmpty(dlerror()));
  dlerror();
  auto *meta = static_cast<const kiln_module_metadata *>(dlsym(handle, KILN_METADATA_SYMBOL));
  if (!meta) {
    dlclose(handle);
    return problem(KILN_ERROR_INVALID_ARTIFACT,
                   "not a Kiln artifact: it does not export '" KILN_METADATA_SYMBOL
                   "' (build it with `kilnc --emit=shared`)");
  }
  if (Problem p = checkMetadata(*meta)) {
    dlclose(handle);
    return p;
  }
  *out_handle = handle;
  *out_meta = meta;
  return {};
}

void logLoad(const kiln_module &module) {
  const kiln_module_metadata &meta = *module.metadata;
  std::string names;
  for (uint32_t i = 0; i < meta.num_graphs; ++i)
    names += (i ? ", " : "") + std::string(meta.graphs[i].name);
  kiln::logLine("loaded '%s': %s (%s), target cpu '%s', cpu features '%s', cpu variant '%s' "
                "(of '%s')",
                module.path.c_str(), kiln::countOf(meta.num_graphs, "graph").c_str(), names.c_str(),
                orEmpty(meta.target_cpu), orEmpty(meta.cpu_features), module.cpuVariant,
                orEmpty(meta.cpu_variants));
}

kiln_status loadModule(const char *path, kiln_module **out_module) {
  kiln::LogLevel log = kiln::logLevelFromEnv();
  void *handle = nullptr;
  const kiln_module_metadata *meta = nullptr;
  Problem p = checkFile(path);
  if (!p)
    p = openArtifact(path, &handle, &meta);
  if (p) {
    if (log >= kiln::LogLevel::Info)
      kiln::logLine("cannot load '%s': %s", path, p.message.c_str());
    return fail(p.status, "cannot load '%s': %s", path, p.message.c_str());
  }
  auto *module = new (std::nothrow) kiln_module;
  auto *graphs = module ? new (std::nothrow) kiln_graph[meta->num_graphs] : nullptr;
  if (!graphs) {
    delete module;
    dlclose(handle);
    return fail(KILN_ERROR_OUT_OF_MEMORY, "cannot load '%s': out of memory", path);
  }
  module->handle = handle;
  module->path = path;
  module->metadata = meta;
  module->graphs.reset(graphs);
  module->log = log;
  // Safe to call: checkMetadata found the baseline's CPU features on this CPU.
  module->cpuVariant = orEmpty(meta->cpu_variant());
  for (uint32_t i = 0; meta->cuda && i < meta->cuda->num_images; ++i)
    if (meta->cuda->images[i].format == KILN_CUDA_CUBIN)
      module->cudaArchitectures += (module->cudaArchitectures.empty() ? "sm_" : ",sm_") +
                                   std::to_string(meta->cuda->images[i].sm);
  for (uint32_t i = 0; i < meta->num_graphs; ++i) {
    graphs[i].module = module;
    graphs[i].info = &meta->graphs[i];
  }
  if (log >= kiln::LogLevel::Info)
    logLoad(*module);
  registerModule(module);
  *out_module = module;
  return KILN_OK;
}

} // namespace

extern "C" kiln_status kiln_module_load(const char *path, kiln_module **out_module) {
  if (!out_module)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_module_load: out_module is NULL");
  *out_module = nullptr;
  if (!path || !*path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_module_load: path is %s",
                path ? "empty" : "NULL");
  try {
    return loadModule(path, out_module);
  } catch (const std::bad_alloc &) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "cannot load '%s': out of memory", path);
  }
}

extern "C" kiln_status kiln_module_unload(kiln_module *module) {
  if (!module)
    return KILN_OK;
  if (!unregisterModule(module))
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "kiln_module_unload: not a loaded module (already unloaded?)");
  if (module->log >= kiln::LogLevel::Info)
    kiln::logLine("unloaded '%s'", module->path.c_str());
  dlclose(module->handle);
  delete module;
  return KILN_OK;
}

extern "C" const char *kiln_module_path(const kiln_module *module) {
  return module ? module->path.c_str() : nullptr;
}

extern "C" const char *kiln_module_target_cpu(const kiln_module *module) {
  return module ? orEmpty(module->metadata->target_cpu) : nullptr;
}

extern "C" const char *kiln_module_cpu_features(const kiln_module *module) {
  return module ? orEmpty(module->metadata->cpu_features) : nullptr;
}

extern "C" const char *kiln_module_cpu_variants(const kiln_module *module) {
  return module ? orEmpty(module->metadata->cpu_variants) : "";
}

extern "C" const char *kiln_module_cpu_variant(const kiln_module *module) {
  return module ? module->cpuVariant : "";
}

extern "C" const char *kiln_module_cuda_architectures(const kiln_module *module) {
  return module ? module->cudaArchitectures.c_str() : "";
}

extern "C" size_t kiln_module_num_graphs(const kiln_module *module) {
  return module ? module->metadata->num_graphs : 0;
}

extern "C" kiln_status kiln_module_graph_at(kiln_module *module, size_t index,
                                            kiln_graph **out_graph) {
  if (!out_graph)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_module_graph_at: out_graph is NULL");
  *out_graph = nullptr;
  if (!module)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_module_graph_at: module is NULL");
  if (index >= module->metadata->num_graphs)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "'%s' has %s; there is no graph %zu",
                module->path.c_str(), kiln::countOf(module->metadata->num_graphs, "graph").c_str(),
                index);
  *out_graph = &module->graphs[index];
  return KILN_OK;
}

extern "C" kiln_status kiln_module_find_graph(kiln_module *module, const char *name,
                                              kiln_graph **out_graph) {
  if (!out_graph)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_module_find_graph: out_graph is NULL");
  *out_graph = nullptr;
  if (!module || !name)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "kiln_module_find_graph: %s is NULL",
                module ? "name" : "module");
  const kiln_module_metadata &meta = *module->metadata;
  std::string names;
  for (uint32_t i = 0; i < meta.num_graphs; ++i) {
    if (!std::strcmp(meta.graphs[i].name, name)) {
      *out_graph = &module->graphs[i];
      return KILN_OK;
    }
    names += (i ? ", " : "") + std::string(meta.graphs[i].name);
  }
  return fail(KILN_ERROR_NOT_FOUND, "'%s' has no graph '%s' (it has: %s)", module->path.c_str(),
              name, names.empty() ? "none" : names.c_str());
}
