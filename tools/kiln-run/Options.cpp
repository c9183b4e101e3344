// Options.cpp - parsing and checking kiln-run's command line.
#include "Options.h"

#include <cstring>

namespace kiln::run {

const char *const helpText =
    R"(usage: kiln-run ARTIFACT.so [--graph NAME] [--input FILE.npy]... [--output FILE.npy]...
                [--device cpu|cuda|auto] [--threads N] [--bench N] [--profile] [--print]
       kiln-run ARTIFACT.so --list

Runs a graph of a Kiln shared artifact (kilnc --emit=shared) on NumPy .npy files.

  --graph NAME      the graph to run; may be left out when the artifact has exactly one
  --input FILE      an input, once per graph input, in the graph's argument order
                    (.npy format 1.0-3.0, little-endian, C order; dtypes <f4 <f8 <f2 |b1 |i1
                    <i2 <i4 <i8 |u1 <u2 <u4). Its dtype and shape must match the graph's
                    signature exactly.
  --output FILE     where to write a result, in result order; results without an --output are
                    not written. Files are replaced atomically, never left half-written.
  --print           print every result: name, dtype, shape and values (big arrays abridged)
  --bench N         one warm-up run, then N timed runs; prints the device, the min and median
                    time and the bandwidth (bytes of inputs and outputs / median time), in GB/s;
                    on CUDA also the kernels' own time (CUDA events, without the copies)
  --profile         time each kernel of the graph's CPU code (the loops and calls that run one
                    source op, with what was fused into it) and print those that ran, longest
                    first: share of the call, time per call, starts per call, and the kernel's
                    name, which is its op's location (the ONNX node name for an imported
                    model). With --bench, only the timed runs are profiled
  --device D        cpu, cuda (the graph's CUDA entry on GPU 0; an error without one), or auto
                    (default: cuda when the artifact has CUDA code and a GPU is there, else
                    cpu). With CUDA code in the artifact, the device that ran is printed on
                    stderr, e.g. `device: cuda (NVIDIA H100 80GB HBM3, sm_90)`, or the CPU and why.
                    With several CPU variants in the artifact (kilnc --target=x86-64-v3,
                    x86-64-v4), a CPU run prints the one that ran, e.g.
                    `cpu variant: x86-64-v4 (of x86-64-v4,x86-64-v3)`
  --threads N       threads a call may use, the calling thread included (default: one per
                    online CPU); 1 runs everything on the calling thread
  --list            print the artifact's target, CPU features, CPU variants (with several
                    CPU targets: the one this CPU runs) and graph signatures, then exit
  --version         print Kiln's version (and the LLVM its compiler was built with)
  -h, --help        print this help

Options take their value as --opt=value or --opt value. Set KILN_LOG=info or debug to see
what the runtime does. Exit status: 0 on success, 1 on any error.
)";

namespace {

enum class Kind { Flag, Value, List };

struct Spec {
  const char *name;
  Kind kind;
};

constexpr Spec specs[] = {
    {"--graph", Kind::Value},  {"--input", Kind::List},    {"--output", Kind::List},
    {"--device", Kind::Value}, {"--threads", Kind::Value}, {"--bench", Kind::Value},
    {"--print", Kind::Flag},   {"--list", Kind::Flag},     {"--version", Kind::Flag},
    {"--profile", Kind::Flag},
};

bool parseCount(const std::string &option, const std::string &text, uint32_t &out,
                std::string &error) {
  uint64_t value = 0;
  bool digits = !text.empty() && text.size() <= 9;
  for (char c : text)
    digits = digits && c >= '0' && c <= '9';
  if (digits)
    value = std::stoull(text);
  if (!digits || value == 0) {
    error = option + " expects a positive integer (below 10^9), got '" + text + "'";
    return false;
  }
  out = static_cast<uint32_t>(value);
  return true;
}

// Stores one option's value; `name` is the spec's spelling.
bool apply(const std::string &name, const std::string &value, Options &options,
           std::string &error) {
  if (name == "--input")
    options.inputs.push_back(value);
  else if (name == "--output")
    options.outputs.push_back(value);
  else if (name == "--graph")
    options.graph = value;
  else if (name == "--threads")
    return parseCount(name, value, options.threads, error);
  else if (name == "--bench")
    return parseCount(name, value, options.bench, error);
  else if (name == "--print")
    options.print = true;
  else if (name == "--profile")
    options.profile = true;
  else if (name == "--list")
    options.list = true;
  else if (name == "--version")
    options.version = true;
  else if (name == "--device") {
    if (value != "cpu" && value != "cuda" && value != "auto") {
      error = "--device expects cpu, cuda or auto, got '" + value + "'";
      return false;
    }
    options.device = value;
  }
  return true;
}

const Spec *findSpec(const std::string &name) {
  for (const Spec &spec : specs)
    if (name == spec.name)
      return &spec;
  return nullptr;
}

} // namespace

namespace {

// Parses the option at argv[i] (advancing i past a separate value) and applies it.
bool parseOption(int argc, char **argv, int &i, std::vector<std::string> &seen, Options &options,
                 std::string &error) {
  std::string arg = argv[i];
  size_t equals = arg.find('=');
  std::string name = arg.substr(0, equals);
  const Spec *spec = findSpec(name);
  if (!spec) {
    error = "unknown option '" + name + "' (see --help)";
    return false;
  }
  if (spec->kind != Kind::List) {
    for (const std::string &earlier : seen)
      if (earlier == name) {
        error = name + " is given twice";
        return false;
      }
    seen.push_back(name);
  }
  if (spec->kind == Kind::Flag) {
    if (equals == std::string::npos)
      return apply(name, "", options, error);
    error = name + " takes no value";
    return false;
  }
  std::string value;
  if (equals != std::string::npos)
    value = arg.substr(equals + 1);
  else if (i + 1 < argc)
    value = argv[++i];
  if (value.empty()) {
    error = name + " needs a value";
    return false;
  }
  return apply(name, value, options, error);
}

} // namespace

bool parseOptions(int argc, char **argv, Options &options, std::string &error) {
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--help")) {
      options.help = true;
      return true;
    }
  }
  std::vector<std::string> seen;
  bool optionsEnded = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!optionsEnded && arg == "--") {
      optionsEnded = true;
    } else if (!optionsEnded && arg.size() > 1 && arg[0] == '-') {
      if (!parseOption(argc, argv, i, seen, options, error))
        return false;
    } else if (options.artifact.empty()) {
      options.artifact = arg;
    } else {
      error = "unexpected argument '" + arg + "' (the artifact is '" + options.artifact + "')";
      return false;
    }
  }
  if (options.artifact.empty() && !options.version) {
    error = "no artifact given (usage: kiln-run ARTIFACT.so [options]; see --help)";
    return false;
  }
  return true;
}

} // namespace kiln::run
