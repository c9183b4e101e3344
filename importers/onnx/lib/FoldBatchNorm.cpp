//===- FoldBatchNorm.cpp - BatchNormalization into the convolution before it ----===//
//
// In inference a BatchNormalization is y = x * a + c per channel, a = scale / sqrt(var + eps),
// c = bias - mean * a. When x is a convolution's output that nothing else reads and every
// parameter is an initializer, the convolution computes y itself with weights W * a (per output
// channel) and bias b * a + c: the normalization costs nothing at run time. Rewritten on the
// ONNX graph, before import; values keep their names and types, so shape inference's results
// stay valid.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"
#include "Model.h"

#include <cmath>
#include <map>
#include <set>

namespace kiln::onnx_importer {
namespace {

/// The ONNX data type of a HostTensor's floating-point element type, or 0.
int32_t onnxFloatType(mlir::Type type) {
  if (type.isF32())
    return onnx::TensorProto::FLOAT;
  if (type.isF64())
    return onnx::TensorProto::DOUBLE;
  if (type.isF16())
    return onnx::TensorProto::FLOAT16;
  if (type.isBF16())
    return onnx::TensorProto::BFLOAT16;
  return 0;
}

onnx::TensorProto toTensorProto(const HostTensor &tensor, const std::string &name) {
  onnx::TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(onnxFloatType(tensor.elementType));
  for (int64_t d : tensor.shape)
    proto.add_dims(d);
  proto.set_raw_data(std::string(tensor.bytes.begin(), tensor.bytes.end()));
  return proto;
}

class Folder {
public:
  Folder(onnx::GraphProto &graph, mlir::MLIRContext *context) : graph(graph), context(context) {
    for (int i = 0; i < graph.initializer_size(); ++i)
      initializers[graph.initializer(i).name()] = i;
    for (const onnx::NodeProto &node : graph.node())
      for (const std::string &input : node.input())
        ++uses[input];
    for (const onnx::ValueInfoProto &output : graph.output())
      ++uses[output.name()];
    for (const onnx::NodeProto &node : graph.node())
      names.insert(node.output().begin(), node.output().end());
    for (const onnx::ValueInfoProto &input : graph.input())
      names.insert(input.name());
    for (const auto &[name, index] : initializers)
      names.insert(name);
  }

  void run() {
    std::map<std::string, int> producers;
    for (int i = 0; i < graph.node_size(); ++i)
      for (const std::string &output : graph.node(i).output())
        producers[output] = i;
    std::vector<int> folded;
    for (int i = 0; i < graph.node_size(); ++i) {
      const onnx::NodeProto &norm = graph.node(i);
      if (norm.op_type() != "BatchNormalization" || !isDefaultDomain(norm.domain()))
        continue;
      auto producer = producers.find(norm.input(0));
      if (producer != producers.end() && fold(graph.mutable_node(producer->second), norm))
        folded.push_back(i);
    }
    for (auto it = folded.rbegin(); it != folded.rend(); ++it)
      graph.mutable_node()->DeleteSubrange(*it, 1);
  }

private:
  std::optional<HostTensor> initializer(const std::string &name) {
    auto it = initializers.find(name);
    if (name.empty() || it == initializers.end())
      return std::nullopt;
    std::string problem;
    std::optional<HostTensor> tensor = readTensor(graph.initializer(it->second), context, problem);
    if (!tensor || !onnxFloatType(tensor->elementType))
      return std::nullopt;
    return tensor;
  }

  std::string addInitializer(const HostTensor &tensor, const std::string &base) {
    std::string name = base;
    while (names.count(name))
      name += "_";
    names.insert(name);
    initializers[name] = graph.initializer_size();
    *graph.add_initializer() = toTensorProto(tensor, name);
    return name;
  }

  /// Folds `norm` into `conv` when the rewrite is exact in meaning; returns whether it did.
  bool fold(onnx::NodeProto *conv, const onnx::NodeProto &norm) {
    if (conv->op_type() != "Conv" || !isDefaultDomain(conv->domain()) || uses[norm.input(0)] != 1 ||
        norm.input_size() != 5 || norm.output_size() < 1)
      return false;
    for (int i = 1; i < norm.output_size(); ++i)
      if (!norm.output(i).empty() && uses.count(norm.output(i)))
        return false;
    float epsilon = 1e-5f;
    for (const onnx::AttributeProto &attr : norm.attribute()) {
      if (attr.name() == "epsilon")
        epsilon = attr.f();
      else if (attr.name() == "training_mode" && attr.i() != 0)
        return false;
      else if (attr.name() != "momentum" && attr.name() != "training_mode")
        return false; // An attribute the import would refuse: leave the node to report it.
    }
    std::optional<HostTensor> weights = initializer(conv->input(1));
    std::optional<HostTensor> scale = initializer(norm.input(1)),
                              shift = initializer(norm.input(2)), mean = initializer(norm.input(3)),
                              var = initializer(norm.input(4));
    std::optional<HostTensor> bias;
    if (conv->input_size() > 2 && !conv->input(2).empty() && !(bias = initializer(conv->input(2))))
      return false;
    if (!weights || !scale || !shift || !mean || !var || weights->shape.empty())
      return false;
    int64_t channels = weights->shape[0];
    for (const HostTensor *t : {&*scale, &*shift, &*mean, &*var})
      if (t->numElements() != channels)
        return false;
    if (bias && bias->numElements() != channels)
      return false;
    int64_t perChannel = weights->numElements() / std::max<int64_t>(channels, 1);
    std::vector<double> newWeights(weights->numElements()), newBias(channels);
    for (int64_t m = 0; m < channels; ++m) {
      double a = scale->doubleAt(m) / std::sqrt(var->doubleAt(m) + double(epsilon));
      for (int64_t j = 0; j < perChannel; ++j)
        newWeights[m * perChannel + j] = weights->doubleAt(m * perChannel + j) * a;
      newBias[m] = ((bias ? bias->doubleAt(m) : 0.0) - mean->doubleAt(m)) * a + shift->doubleAt(m);
    }
    std::string weightName =
        addInitializer(HostTensor::fromDoubles(weights->elementType, weights->shape, newWeights),
                       conv->input(1) + "_bn");
    std::string biasName =
        addInitializer(HostTensor::fromDoubles(weights->elementType, {channels}, newBias),
                       conv->input(1) + "_bn_bias");
    conv->set_input(1, weightName);
    if (conv->input_size() > 2)
      conv->set_input(2, biasName);
    else
      conv->add_input(biasName);
    conv->set_output(0, norm.output(0));
    return true;
  }

  onnx::GraphProto &graph;
  mlir::MLIRContext *context;
  std::map<std::string, int> initializers;
  std::map<std::string, int> uses;
  /// Every value name of the graph, which a new initializer's must differ from.
  std::set<std::string> names;
};

} // namespace

void foldBatchNormIntoConv(onnx::GraphProto &graph, mlir::MLIRContext *context) {
  Folder(graph, context).run();
}

} // namespace kiln::onnx_importer
