// Module.cpp - loading an artifact (file checks, dlopen, metadata checks), graph lookup, unload.
#include "Artifact.h"
#include "Internal.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <mutex>
#include <new>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using kiln::fail;

namespace {

using kiln::Problem;
using kiln::problem;

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

// Whether a live module came from `handle` with a digest other than `digest`.
bool loadedWithOtherDigest(void *handle, const std::array<uint8_t, 32> &digest) {
  std::lock_guard<std::mutex> lock(registryMutex);
  for (kiln_module *module = liveModules; module; module = module->nextLive)
    if (module->handle == handle && module->digest != digest)
      return true;
  return false;
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

// An open artifact file, read with pread.
class FileSource final : public kiln::ByteSource {
public:
  ~FileSource() override {
    if (fd >= 0)
      close(fd);
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused as not a regular file.
  Problem open(const char *path) {
    fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
      return problem(errno == ENOENT ? KILN_ERROR_NOT_FOUND : KILN_ERROR_LOAD_FAILED,
                     std::strerror(errno));
    struct stat info;
    if (fstat(fd, &info) != 0)
      return problem(KILN_ERROR_LOAD_FAILED, std::strerror(errno));
    if (!S_ISREG(info.st_mode))
      return problem(KILN_ERROR_INVALID_ARTIFACT, "not a regular file");
    bytes = static_cast<uint64_t>(info.st_size);
    return {};
  }
  uint64_t size() const override { return bytes; }
  bool read(uint64_t offset, void *out, size_t count) override {
    auto *cursor = static_cast<char *>(out);
    while (count > 0) {
      ssize_t got = pread(fd, cursor, count, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        return false;
      cursor += got;
      offset += static_cast<uint64_t>(got);
      count -= static_cast<size_t>(got);
    }
    return true;
  }

private:
  int fd = -1;
  uint64_t bytes = 0;
};

// Whether the read-only segments mapped at `base` hold the bytes of the checked file. They do
// unless the loader returned an object it already had for this path, mapped from an older file
// that someone (the application, or -z nodelete) still holds.
bool imageMatchesFile(uintptr_t base, const kiln::Layout &layout, kiln::ByteSource &file) {
  std::vector<char> buffer(1 << 16);
  for (const kiln::Segment &segment : layout.loads) {
    if (segment.flags & PF_W)
      continue; // relocated by the loader
    for (uint64_t done = 0; done < segment.filesz; done += buffer.size()) {
      size_t bytes = static_cast<size_t>(std::min<uint64_t>(buffer.size(), segment.filesz - done));
      if (!file.read(segment.offset + done, buffer.data(), bytes) ||
          std::memcmp(reinterpret_cast<const void *>(base + segment.vaddr + done), buffer.data(),
                      bytes) != 0)
        return false;
    }
  }
  return true;
}

// Maps the checked file and checks its metadata in the mapped image.
Problem openArtifact(const char *path, const kiln::Layout &layout, kiln::ByteSource &source,
                     void **out_handle, const kiln_module_metadata **out_meta,
                     const char **out_variant) {
  // dlopen searches the library path for a name without a slash; we mean the file itself.
  std::string file = std::strchr(path, '/') ? path : std::string("./") + path;
  // The loader returns the object it already has for a path it loaded before, even when the file
  // was rewritten since: then the image would not be the file that was just checked.
  Problem changed = problem(KILN_ERROR_LOAD_FAILED,
                            "the file changed since this process loaded it, and the loader still "
                            "holds the old one (unload every module loaded from it, or load the "
                            "new file under another path)");
  // Only then can the image differ from the file: otherwise dlopen maps the file just checked,
  // and reading it a second time to compare would double the cost of every load.
  bool alreadyMapped = false;
  if (void *loaded = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD)) {
    alreadyMapped = true;
    bool stale = loadedWithOtherDigest(loaded, layout.digest);
    dlclose(loaded);
    if (stale)
      return changed;
  }
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return problem(KILN_ERROR_LOAD_FAILED, orEmpty(dlerror()));
  auto refuse = [&](Problem p) {
    dlclose(handle);
    return p;
  };
  link_map *map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map)
    return refuse(problem(KILN_ERROR_LOAD_FAILED, orEmpty(dlerror())));
  if (reinterpret_cast<uintptr_t>(map->l_ld) != map->l_addr + layout.dynamicVaddr ||
      (alreadyMapped && !imageMatchesFile(map->l_addr, layout, source)))
    return refuse(changed);
  dlerror();
  auto *meta = static_cast<const kiln_module_metadata *>(dlsym(handle, KILN_METADATA_SYMBOL));
  if (!meta)
    return refuse(problem(KILN_ERROR_INVALID_ARTIFACT,
                          "not a Kiln artifact: it does not export '" KILN_METADATA_SYMBOL
                          "' (build it with `kilnc --emit=shared`)"));
  kiln::Image image(map->l_addr, layout);
  if (Problem p = kiln::checkMetadata(meta, image))
    return refuse(p);
  // Safe to call: checkMetadata found it in the image and the baseline's CPU features here.
  const char *variant = meta->cpu_variant();
  if (variant && !image.holdsString(variant))
    return refuse(problem(KILN_ERROR_INVALID_ARTIFACT,
                          "corrupt metadata: the CPU variant's name points outside the artifact"));
  *out_variant = orEmpty(variant);
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
  const char *variant = "";
  kiln::Layout layout;
  FileSource file;
  Problem p = file.open(path);
  if (!p)
    p = kiln::checkArtifact(file, layout);
  if (!p)
    p = openArtifact(path, layout, file, &handle, &meta, &variant);
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
  module->digest = layout.digest;
  module->metadata = meta;
  module->graphs.reset(graphs);
  module->log = log;
  module->cpuVariant = variant;
  for (uint32_t i = 0; meta->cuda && i < meta->cuda->num_images; ++i)
    if (meta->cuda->images[i].format == KILN_CUDA_CUBIN)
      module->cudaArchitectures += (module->cudaArchitectures.empty() ? "sm_" : ",sm_") +
                                   std::to_string(meta->cuda->images[i].sm);
  for (uint32_t i = 0; i < meta->num_graphs; ++i) {
    graphs[i].module = module;
    graphs[i].info = &meta->graphs[i];
    uint32_t kernels = meta->graphs[i].num_kernels;
    if (kernels > 0)
      graphs[i].kernels.reset(new (std::nothrow) kiln::KernelCounter[kernels]);
    if (kernels > 0 && !graphs[i].kernels) {
      delete module; // owns graphs
      dlclose(handle);
      return fail(KILN_ERROR_OUT_OF_MEMORY, "cannot load '%s': out of memory", path);
    }
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
