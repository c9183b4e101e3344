// Metadata.cpp - the metadata of a mapped artifact, checked before the runtime relies on it.
//
// The digest (Artifact.cpp) guarantees that the file is the one kilnc wrote; these checks guard
// against a kilnc that wrote it wrong, or a hand-made file. Every pointer is bounded against the
// mapped image before it is followed and every count before it is used, so a bad value becomes a
// message instead of a read of unmapped memory or a huge allocation.
#include "Artifact.h"
#include "Internal.h"

#include <cstring>
#include <elf.h>
#include <limits>
#include <string_view>
#include <unordered_set>

namespace kiln {

const Segment *Image::segmentOf(uintptr_t address) const {
  for (const Segment &segment : layout.loads) {
    uintptr_t start = base + segment.vaddr;
    if (address >= start && address - start < segment.memsz)
      return &segment;
  }
  return nullptr;
}

bool Image::holds(const void *pointer, uint64_t bytes) const {
  auto address = reinterpret_cast<uintptr_t>(pointer);
  const Segment *segment = segmentOf(address);
  if (!segment || !(segment->flags & PF_R))
    return false;
  uint64_t left = base + segment->vaddr + segment->memsz - address;
  return bytes <= left;
}

bool Image::holdsString(const char *text) const {
  auto address = reinterpret_cast<uintptr_t>(text);
  const Segment *segment = segmentOf(address);
  if (!segment || !(segment->flags & PF_R))
    return false;
  return std::memchr(text, 0, base + segment->vaddr + segment->memsz - address) != nullptr;
}

bool Image::holdsCode(const void *function) const {
  const Segment *segment = segmentOf(reinterpret_cast<uintptr_t>(function));
  return segment && (segment->flags & PF_X);
}

namespace {

// Bounds on counts in metadata: far beyond any real module, small enough that a corrupt count
// cannot make the runtime allocate or loop without end.
constexpr uint32_t maxGraphs = 1u << 16;
constexpr uint32_t maxArgsPerGraph = 1u << 16;
constexpr uint32_t maxKernelsPerGraph = 1u << 20;

Problem corrupt(const std::string &message) {
  return problem(KILN_ERROR_INVALID_ARTIFACT, "corrupt metadata: " + message);
}

Problem outside(const std::string &what) { return corrupt(what + " points outside the artifact"); }

Problem checkArg(const kiln_arg_info &arg, const std::string &where, const Image &image) {
  if (!arg.name)
    return corrupt(where + " has no name");
  if (!image.holdsString(arg.name))
    return outside("the name of " + where);
  std::string label = where + " '" + arg.name + "'";
  size_t elementSize = kiln_dtype_size(arg.dtype);
  if (elementSize == 0)
    return corrupt(label + " has unknown dtype " + std::to_string(arg.dtype));
  if (arg.rank > KILN_MAX_RANK)
    return corrupt(label + " has rank " + std::to_string(arg.rank) + ", above the limit of " +
                   std::to_string(KILN_MAX_RANK));
  if (arg.rank > 0 && !arg.shape)
    return corrupt(label + " has rank " + std::to_string(arg.rank) + " but no shape");
  if (arg.rank > 0 && !image.holds(arg.shape, arg.rank * sizeof(int64_t)))
    return outside("the shape of " + label);
  // Callers allocate these buffers from the shape, so their byte size must be representable.
  uint64_t bytes = elementSize;
  for (uint32_t i = 0; i < arg.rank; ++i) {
    if (arg.shape[i] < 0)
      return corrupt(label + " has negative dimension " + std::to_string(arg.shape[i]));
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(arg.shape[i]), &bytes) ||
        bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return corrupt(label + " of type " + formatType(arg.dtype, arg.rank, arg.shape) +
                     " is too large to address");
  }
  return {};
}

Problem checkKernelNames(const kiln_graph_info &graph, const std::string &label,
                         const Image &image) {
  if (graph.reserved != 0)
    return corrupt(label + " has a nonzero reserved field");
  if (graph.num_kernels > maxKernelsPerGraph)
    return corrupt(label + " claims " + countOf(graph.num_kernels, "kernel"));
  if (graph.num_kernels > 0 && !graph.kernel_names)
    return corrupt(label + " has no kernel name table");
  if (graph.num_kernels > 0 &&
      !image.holds(graph.kernel_names, uint64_t(graph.num_kernels) * sizeof(const char *)))
    return outside("the kernel name table of " + label);
  for (uint32_t i = 0; i < graph.num_kernels; ++i) {
    std::string kernel = "kernel " + std::to_string(i) + " of " + label;
    if (!graph.kernel_names[i])
      return corrupt(kernel + " has no name");
    if (!image.holdsString(graph.kernel_names[i]))
      return outside("the name of " + kernel);
  }
  return {};
}

Problem checkGraph(const kiln_graph_info &graph, uint32_t index, const Image &image) {
  std::string number = "graph " + std::to_string(index);
  if (!graph.name || !*graph.name)
    return corrupt(number + " has no name");
  if (!image.holdsString(graph.name))
    return outside("the name of " + number);
  std::string label = std::string("graph '") + graph.name + "'";
  if (!graph.entry_argv)
    return corrupt(label + " has no entry function");
  if (!image.holdsCode(reinterpret_cast<const void *>(graph.entry_argv)))
    return outside("the entry function of " + label);
  if (graph.cuda_entry_argv &&
      !image.holdsCode(reinterpret_cast<const void *>(graph.cuda_entry_argv)))
    return outside("the CUDA entry function of " + label);
  if (graph.num_inputs > maxArgsPerGraph || graph.num_outputs > maxArgsPerGraph)
    return corrupt(label + " claims " + countOf(graph.num_inputs, "input") + " and " +
                   countOf(graph.num_outputs, "output"));
  uint64_t numArgs = uint64_t(graph.num_inputs) + graph.num_outputs;
  if (numArgs > 0 && !graph.args)
    return corrupt(label + " has no argument table");
  if (numArgs > 0 && !image.holds(graph.args, numArgs * sizeof(kiln_arg_info)))
    return outside("the argument table of " + label);
  for (uint32_t i = 0; i < numArgs; ++i) {
    bool isInput = i < graph.num_inputs;
    std::string where = label + (isInput ? " input " : " output ") +
                        std::to_string(isInput ? i : i - graph.num_inputs);
    if (Problem p = checkArg(graph.args[i], where, image))
      return p;
  }
  return checkKernelNames(graph, label, image);
}

Problem checkGraphs(const kiln_module_metadata &meta, const Image &image) {
  if (meta.num_graphs > maxGraphs)
    return corrupt("claims " + countOf(meta.num_graphs, "graph"));
  if (meta.num_graphs > 0 && !meta.graphs)
    return corrupt("no graph table");
  if (meta.num_graphs > 0 &&
      !image.holds(meta.graphs, uint64_t(meta.num_graphs) * sizeof(kiln_graph_info)))
    return outside("the table of " + countOf(meta.num_graphs, "graph"));
  // Lookup is by name, so a duplicate would make one of the graphs unreachable.
  std::unordered_set<std::string_view> names;
  for (uint32_t i = 0; i < meta.num_graphs; ++i) {
    if (Problem p = checkGraph(meta.graphs[i], i, image))
      return p;
    if (!names.insert(meta.graphs[i].name).second)
      return corrupt(std::string("two graphs are named '") + meta.graphs[i].name + "'");
  }
  return {};
}

Problem checkCuda(const kiln_cuda_module *cuda, const Image &image) {
  if (!cuda)
    return {};
  if (!image.holds(cuda, sizeof *cuda))
    return outside("the CUDA module");
  if (cuda->num_images == 0 || !cuda->images || cuda->reserved)
    return corrupt("a CUDA module without images");
  if (!image.holds(cuda->images, uint64_t(cuda->num_images) * sizeof(kiln_cuda_image)))
    return outside("the CUDA image table");
  for (uint32_t i = 0; i < cuda->num_images; ++i) {
    const kiln_cuda_image &gpuImage = cuda->images[i];
    std::string label = "CUDA image " + std::to_string(i);
    if (!gpuImage.data || gpuImage.size == 0 ||
        (gpuImage.format != KILN_CUDA_CUBIN && gpuImage.format != KILN_CUDA_PTX))
      return corrupt(label + " is malformed");
    // PTX is read as a C string, so its terminating NUL must be there too.
    uint64_t bytes = gpuImage.size + (gpuImage.format == KILN_CUDA_PTX ? 1 : 0);
    if (bytes < gpuImage.size || !image.holds(gpuImage.data, bytes))
      return outside(label);
    if (gpuImage.format == KILN_CUDA_PTX &&
        static_cast<const char *>(gpuImage.data)[gpuImage.size] != '\0')
      return corrupt(label + " is PTX without its terminating NUL");
  }
  return {};
}

Problem checkStrings(const kiln_module_metadata &meta, const Image &image) {
  const std::pair<const char *, const char *> strings[] = {
      {meta.target_cpu, "the target CPU"},
      {meta.cpu_features, "the CPU feature list"},
      {meta.cpu_variants, "the CPU variant list"},
  };
  for (const auto &[text, what] : strings)
    if (text && !image.holdsString(text))
      return outside(what);
  return {};
}

} // namespace

Problem checkMetadata(const kiln_module_metadata *meta, const Image &image) {
  if (!image.holds(meta, sizeof *meta))
    return outside("'" KILN_METADATA_SYMBOL "'");
  if (meta->magic != KILN_MODULE_MAGIC)
    return problem(KILN_ERROR_INVALID_ARTIFACT,
                   "not a Kiln artifact: bad magic in '" KILN_METADATA_SYMBOL "'");
  if (meta->abi_version != KILN_ABI_VERSION)
    return problem(KILN_ERROR_ABI_MISMATCH,
                   "written for Kiln ABI version " + std::to_string(meta->abi_version) +
                       ", but this runtime reads version " + std::to_string(KILN_ABI_VERSION) +
                       " (rebuild it with a matching kilnc)");
  if (meta->reserved != 0)
    return corrupt("the reserved field is " + std::to_string(meta->reserved) + ", not 0");
  if (Problem p = checkGraphs(*meta, image))
    return p;
  if (!meta->cpu_variant || !meta->cpu_variants)
    return corrupt("no CPU variant function");
  if (!image.holdsCode(reinterpret_cast<const void *>(meta->cpu_variant)))
    return outside("the CPU variant function");
  if (Problem p = checkStrings(*meta, image))
    return p;
  if (Problem p = checkCuda(meta->cuda, image))
    return p;
  std::string cpuError;
  if (kiln_status status = checkCpuFeatures(meta->cpu_features, cpuError))
    return problem(status, cpuError);
  return {};
}

} // namespace kiln
