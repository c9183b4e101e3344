// CallFuzzer.cpp - kiln_graph_call with buffer descriptors built from the fuzzer's bytes: graph,
// counts, dtypes, ranks, shapes, NULL and misaligned data. The runtime must call the graph only
// when every descriptor matches its signature, and refuse everything else with a status.
//
// The buffers are allocated for the shape the descriptor claims, as a caller's would be, so a
// call that goes through never touches memory it was not given.
#include "kiln/runtime.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace {

kiln_module *loadFixture() {
  kiln_module *module = nullptr;
  if (kiln_module_load(KILN_FIXTURE, &module) != KILN_OK)
    std::abort();
  return module;
}

// Consumes the fuzzer's bytes front to back; zeros once they run out.
struct Bytes {
  const uint8_t *data;
  size_t size;
  uint8_t next() {
    if (size == 0)
      return 0;
    --size;
    return *data++;
  }
};

constexpr int64_t kMaxElements = 1 << 12;

struct Buffer {
  std::vector<int64_t> shape;
  std::unique_ptr<uint64_t[]> storage;
  kiln_buffer descriptor = {};
};

// A descriptor, mostly close to the graph's argument `arg` so that the fuzzer reaches the call.
void makeBuffer(Bytes &in, const kiln_arg_info &arg, Buffer &buffer) {
  uint8_t how = in.next();
  buffer.descriptor.dtype = how & 1 ? in.next() % 12 : arg.dtype;
  uint32_t rank = how & 2 ? in.next() % 5 : arg.rank;
  if (how & 4)
    rank = 40; // above KILN_MAX_RANK, with no shape behind it
  buffer.shape.resize(rank < 8 ? rank : 0);
  int64_t elements = 1;
  for (uint32_t i = 0; i < buffer.shape.size(); ++i) {
    int64_t dim = i < arg.rank ? arg.shape[i] : 1;
    if (how & 8)
      dim = static_cast<int8_t>(in.next());
    buffer.shape[i] = dim;
    if (dim > 0)
      elements = elements * dim > kMaxElements ? kMaxElements + 1 : elements * dim;
  }
  buffer.descriptor.rank = rank;
  buffer.descriptor.shape = rank == 40 || (how & 16) ? nullptr : buffer.shape.data();
  if (elements > kMaxElements)
    elements = 0; // no buffer: a call with it must be refused as mismatched anyway
  buffer.storage.reset(new uint64_t[static_cast<size_t>(elements) + 1]());
  auto *data = reinterpret_cast<char *>(buffer.storage.get());
  buffer.descriptor.data = how & 32 ? nullptr : how & 64 ? data + 1 : data;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static kiln_module *module = loadFixture();
  Bytes in{data, size};
  kiln_graph *graph = nullptr;
  size_t count = kiln_module_num_graphs(module);
  if (kiln_module_graph_at(module, in.next() % (count + 1), &graph) != KILN_OK)
    return 0;
  size_t numInputs = kiln_graph_num_inputs(graph), numOutputs = kiln_graph_num_outputs(graph);
  uint8_t counts = in.next();
  size_t passInputs = counts & 1 ? counts % 20 : numInputs;
  size_t passOutputs = counts & 2 ? (counts >> 2) % 3 : numOutputs;
  std::vector<Buffer> buffers(passInputs + passOutputs);
  std::vector<kiln_buffer> inputs, outputs;
  for (size_t i = 0; i < buffers.size(); ++i) {
    bool isInput = i < passInputs;
    size_t index = isInput ? i : i - passInputs;
    const kiln_arg_info *info = nullptr;
    kiln_status status = isInput ? kiln_graph_input_info(graph, index % numInputs, &info)
                                 : kiln_graph_output_info(graph, index % numOutputs, &info);
    if (status != KILN_OK)
      std::abort();
    makeBuffer(in, *info, buffers[i]);
    (isInput ? inputs : outputs).push_back(buffers[i].descriptor);
  }
  kiln_status status = kiln_graph_call(graph, nullptr, counts & 128 ? nullptr : inputs.data(),
                                       inputs.size(), outputs.data(), outputs.size());
  if (status != KILN_OK && kiln_last_error()[0] == '\0')
    std::abort(); // every refusal says why
  return 0;
}
