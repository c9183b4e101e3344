//===- Model.cpp - Parse, check, convert and shape-infer an ONNX model ----===//
//
// Every step here is ONNX's own library (checker, version converter, shape inference); the
// importer only turns their exceptions into problem lines.
//
//===----------------------------------------------------------------------===//
#include "Model.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <set>

namespace kiln::onnx_importer {

int64_t defaultDomainOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (isDefaultDomain(opset.domain()))
      return opset.version();
  return 0;
}

namespace {

bool parseModel(llvm::StringRef bytes, onnx::ModelProto &model,
                std::vector<std::string> &problems) {
  // protobuf refuses messages over 2 GiB; ONNX keeps larger weights in external files.
  if (bytes.size() > INT32_MAX || !model.ParseFromArray(bytes.data(), int(bytes.size()))) {
    problems.push_back("not an ONNX model: the file does not parse as an ONNX ModelProto "
                       "(truncated or corrupt?)");
    return false;
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    problems.push_back("not an ONNX model: no graph with nodes (truncated or corrupt?)");
    return false;
  }
  return true;
}

bool checkOpset(const onnx::ModelProto &model, std::vector<std::string> &problems) {
  int64_t opset = defaultDomainOpset(model);
  if (opset == 0) {
    problems.push_back("the model imports no opset of the default ONNX domain");
    return false;
  }
  if (opset > kNewestOpset) {
    problems.push_back("the model uses opset " + std::to_string(opset) +
                       " of the default ONNX domain; Kiln imports opsets " +
                       std::to_string(kOldestOpset) + " to " + std::to_string(kNewestOpset) +
                       " (and older ones that ONNX's version converter raises to " +
                       std::to_string(kNewestOpset) + ")");
    return false;
  }
  for (const onnx::TensorProto &tensor : model.graph().initializer())
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
      problems.push_back("initializer '" + tensor.name() +
                         "' is stored in an external file, which the importer does not read");
      return false;
    }
  return true;
}

template <typename Step>
bool runONNXStep(const char *what, std::vector<std::string> &problems, Step step) {
  try {
    step();
    return true;
  } catch (const std::exception &e) {
    std::string message = e.what();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    problems.push_back(std::string(what) + ": " + message);
  }
  return false;
}

/// Replaces each symbolic or unknown dimension of the graph's inputs (and outputs) with its
/// value from --dim; names the ones that have none.
bool fixInputDims(onnx::ModelProto &model, const ImportOptions &options,
                  std::vector<std::string> &problems) {
  std::map<std::string, int64_t> values(options.dims.begin(), options.dims.end());
  std::set<std::string> initializers, used;
  for (const onnx::TensorProto &tensor : model.graph().initializer())
    initializers.insert(tensor.name());
  bool ok = true;
  auto fix = [&](onnx::ValueInfoProto &value, bool isInput) {
    if (!value.type().has_tensor_type() || !value.type().tensor_type().has_shape())
      return;
    onnx::TensorShapeProto *shape = value.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < shape->dim_size(); ++i) {
      onnx::TensorShapeProto::Dimension *dim = shape->mutable_dim(i);
      if (dim->has_dim_value() && dim->dim_value() >= 0)
        continue;
      std::string param = dim->has_dim_param() ? dim->dim_param() : "";
      auto it = values.find(param);
      if (!param.empty() && it != values.end()) {
        used.insert(param);
        dim->set_dim_value(it->second);
        continue;
      }
      if (!isInput) {
        dim->clear_dim_param();
        dim->clear_dim_value();
        continue;
      }
      ok = false;
      problems.push_back(
          "input '" + value.name() + "' dimension " + std::to_string(i) +
          (param.empty() ? " has no static size and no name"
                         : " is symbolic ('" + param + "'): fix it with --dim " + param + "=N"));
    }
  };
  for (onnx::ValueInfoProto &input : *model.mutable_graph()->mutable_input())
    if (!initializers.count(input.name()))
      fix(input, true);
  for (onnx::ValueInfoProto &output : *model.mutable_graph()->mutable_output())
    fix(output, false);
  for (const auto &[name, value] : options.dims) {
    if (value < 0) {
      problems.push_back("--dim " + name + "=" + std::to_string(value) + ": sizes are >= 0");
      ok = false;
    } else if (!used.count(name)) {
      problems.push_back("--dim " + name + ": no input dimension of the model is named '" + name +
                         "'");
      ok = false;
    }
  }
  return ok;
}

/// Moves each input given a value at build time from the graph's inputs to its initializers.
bool bindInputValues(onnx::ModelProto &model, const ImportOptions &options,
                     std::vector<std::string> &problems) {
  bool ok = true;
  onnx::GraphProto *graph = model.mutable_graph();
  for (const auto &[name, bytes] : options.inputValues) {
    auto *inputs = graph->mutable_input();
    auto it = std::find_if(inputs->begin(), inputs->end(),
                           [&](const onnx::ValueInfoProto &input) { return input.name() == name; });
    onnx::TensorProto tensor;
    if (it == inputs->end()) {
      problems.push_back("--input-value " + name + ": the graph has no input named '" + name + "'");
      ok = false;
    } else if (bytes.size() > INT32_MAX ||
               !tensor.ParseFromArray(bytes.data(), int(bytes.size()))) {
      problems.push_back("--input-value " + name + ": the file is not an ONNX TensorProto");
      ok = false;
    } else {
      tensor.set_name(name);
      *graph->add_initializer() = std::move(tensor);
      inputs->erase(it);
    }
  }
  return ok;
}

/// ONNX's checker, version converter and shape inference on `model`, in place. `enterStep` is
/// told 'c', 'v' or 'i' before each.
bool runONNXLibrary(const ImportOptions &options, onnx::ModelProto &model,
                    std::vector<std::string> &problems, llvm::function_ref<void(char)> enterStep) {
  enterStep('c');
  if (!runONNXStep("the ONNX checker refuses the model", problems,
                   [&] { onnx::checker::check_model(model); }))
    return false;
  if (defaultDomainOpset(model) != kNewestOpset) {
    int64_t from = defaultDomainOpset(model);
    enterStep('v');
    // The converter's adapters read the types that shape inference records.
    // Its own errors are found again, and reported, by the inference after conversion.
    std::vector<std::string> ignored;
    runONNXStep("", ignored, [&] { onnx::shape_inference::InferShapes(model); });
    if (!runONNXStep(("ONNX's version converter cannot raise the model from opset " +
                      std::to_string(from) + " to " + std::to_string(kNewestOpset))
                         .c_str(),
                     problems, [&] {
                       model = onnx::version_conversion::ConvertVersion(model, kNewestOpset);
                     }))
      return false;
  }
  if (!fixInputDims(model, options, problems))
    return false;
  model.mutable_graph()->clear_value_info();
  enterStep('i');
  return runONNXStep("ONNX shape inference fails on the model", problems, [&] {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true,
                                                                   /*error_mode=*/1,
                                                                   /*data_prop=*/true));
  });
}

bool writeAll(int fd, const void *data, size_t size) {
  const char *p = static_cast<const char *>(data);
  while (size) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= size_t(n);
  }
  return true;
}

void writeRecord(int fd, char tag, const std::string &payload) {
  uint64_t size = payload.size();
  writeAll(fd, &tag, 1) && writeAll(fd, &size, sizeof size) &&
      writeAll(fd, payload.data(), payload.size());
}

/// The child's side: runs the library, then sends 'M' + the model or a 'P' record per problem.
[[noreturn]] void runInChild(int fd, const ImportOptions &options, onnx::ModelProto &model) {
  // A crash must end the child with its signal, not run the tool's crash guard.
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
    std::signal(sig, SIG_DFL);
  std::vector<std::string> problems;
  bool ok = runONNXLibrary(options, model, problems, [&](char step) { writeAll(fd, &step, 1); });
  if (ok) {
    writeRecord(fd, 'M', model.SerializeAsString());
  } else {
    for (const std::string &problem : problems)
      writeRecord(fd, 'P', problem);
  }
  ::close(fd);
  ::_exit(0);
}

const char *stepName(char step) {
  switch (step) {
  case 'c':
    return "checker";
  case 'v':
    return "version converter";
  default:
    return "shape inference";
  }
}

/// Runs runONNXLibrary in a child process. ONNX 1.12's converter and inference dereference
/// null on some malformed models (found by kiln-fuzz-onnx); in a child, such a crash becomes
/// a problem line instead of taking the tool down.
bool runONNXLibraryIsolated(const ImportOptions &options, onnx::ModelProto &model,
                            std::vector<std::string> &problems) {
  // Built once here rather than in every child: registering ONNX's schemas takes most of a
  // small model's import time.
  (void)onnx::OpSchemaRegistry::Schema("Add", kNewestOpset, "");
  int fds[2];
  if (::pipe(fds) != 0) {
    problems.push_back(std::string("cannot create a pipe: ") + std::strerror(errno));
    return false;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    problems.push_back(std::string("cannot fork: ") + std::strerror(errno));
    return false;
  }
  if (pid == 0) {
    ::close(fds[0]);
    runInChild(fds[1], options, model);
  }
  ::close(fds[1]);
  std::string received;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    received.append(buffer, size_t(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  char step = 'c';
  bool gotModel = false;
  size_t at = 0;
  while (at < received.size()) {
    char tag = received[at++];
    if (tag != 'M' && tag != 'P') {
      step = tag;
      continue;
    }
    uint64_t size = 0;
    if (received.size() - at < sizeof size)
      break;
    std::memcpy(&size, received.data() + at, sizeof size);
    at += sizeof size;
    if (received.size() - at < size)
      break;
    std::string payload = received.substr(at, size);
    at += size;
    if (tag == 'P')
      problems.push_back(std::move(payload));
    else
      gotModel = model.ParseFromString(payload);
  }
  if (WIFSIGNALED(status)) {
    problems.push_back(std::string("ONNX's ") + stepName(step) + " crashed (signal " +
                       std::to_string(WTERMSIG(status)) +
                       ") on the model: it is malformed in a way ONNX 1.12 does not check");
    return false;
  }
  if (gotModel)
    return true;
  if (problems.empty())
    problems.push_back(std::string("ONNX's ") + stepName(step) + " ended without a result");
  return false;
}

} // namespace

bool prepareModel(llvm::StringRef bytes, const ImportOptions &options, onnx::ModelProto &model,
                  std::vector<std::string> &problems, int64_t &originalOpset) {
  if (!parseModel(bytes, model, problems) || !checkOpset(model, problems))
    return false;
  originalOpset = defaultDomainOpset(model);
  if (!bindInputValues(model, options, problems))
    return false;
  return runONNXLibraryIsolated(options, model, problems);
}

} // namespace kiln::onnx_importer
