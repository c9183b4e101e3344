// KilnRunTest.cpp - the kiln-run command line, run as a child process on the fixture artifacts.
#include "Npy.h"
#include "TestSupport.h"

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>

extern char **environ;

namespace kiln::test {
namespace {

struct Result {
  int exitCode = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class KilnRunTest : public ::testing::Test {
protected:
  // Runs kiln-run with `args`, capturing its stdout and stderr.
  Result run(std::vector<std::string> args) {
    args.insert(args.begin(), KILN_RUN_PATH);
    std::vector<char *> argv;
    for (std::string &arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::string out = dir_.file("stdout.txt"), err = dir_.file("stderr.txt");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    Result result;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
      int status = 0;
      waitpid(pid, &status, 0);
      result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    result.out = slurp(out);
    result.err = slurp(err);
    return result;
  }

  // Writes an .npy file into the scratch directory and returns its path.
  template <typename T>
  std::string npyFile(const std::string &name, uint32_t dtype, std::vector<int64_t> shape,
                      const std::vector<T> &values) {
    npy::Array array;
    std::string error;
    EXPECT_TRUE(array.allocate(dtype, std::move(shape), error)) << error;
    EXPECT_EQ(array.numBytes(), values.size() * sizeof(T));
    std::memcpy(array.data(), values.data(), array.numBytes());
    EXPECT_TRUE(npy::write(dir_.file(name), array, error)) << error;
    return dir_.file(name);
  }

  std::string a() { return npyFile<float>("a.npy", KILN_DTYPE_F32, {2, 3}, {0, 1, 2, 3, 4, 5}); }
  std::string b() {
    return npyFile<float>("b.npy", KILN_DTYPE_F32, {2, 3}, {0, 10, 20, 30, 40, 50});
  }

  // Expects a failure whose whole stderr is "kiln-run: error: <message>".
  void expectError(const Result &result, const std::string &message) {
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(result.err, "kiln-run: error: " + message + "\n");
    EXPECT_EQ(result.out, "");
  }

  ScratchDir dir_;
};

TEST_F(KilnRunTest, Help) {
  for (const char *flag : {"--help", "-h"}) {
    Result result = run({flag});
    EXPECT_EQ(result.exitCode, 0);
    EXPECT_EQ(result.out.rfind("usage: kiln-run ARTIFACT.so", 0), 0u) << result.out;
    EXPECT_EQ(result.err, "");
  }
}

TEST_F(KilnRunTest, CommandLineMistakes) {
  expectError(run({}), "no artifact given (usage: kiln-run ARTIFACT.so [options]; see --help)");
  expectError(run({"x.so", "--frobnicate"}), "unknown option '--frobnicate' (see --help)");
  expectError(run({"x.so", "--graph"}), "--graph needs a value");
  expectError(run({"x.so", "--graph="}), "--graph needs a value");
  expectError(run({"x.so", "--graph=a", "--graph", "b"}), "--graph is given twice");
  expectError(run({"x.so", "--print=yes"}), "--print takes no value");
  expectError(run({"x.so", "y.so"}), "unexpected argument 'y.so' (the artifact is 'x.so')");
  expectError(run({"x.so", "--device", "gpu"}), "--device expects cpu, cuda or auto, got 'gpu'");
  for (const char *count : {"0", "-3", "abc", "1e3", "10000000000"}) {
    expectError(run({"x.so", "--threads", count}),
                std::string("--threads expects a positive integer (below 10^9), got '") + count +
                    "'");
    expectError(run({"x.so", std::string("--bench=") + count}),
                std::string("--bench expects a positive integer (below 10^9), got '") + count +
                    "'");
  }
}

TEST_F(KilnRunTest, List) {
  Result result = run({fixture("good"), "--list"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out,
            fixture("good") +
                ": target cpu 'x86-64', cpu features 'sse2', cuda 'none'\n"
                "  add(a: f32[2x3], b: f32[2x3]) -> (sum: f32[2x3])\n"
                "  fails(x: i32[4]) -> (y: i32[4])\n"
                "  total(x: i64[4]) -> (s: i64[])\n"
                "  wide(x0: f32[], x1: f32[], x2: f32[], x3: f32[], x4: f32[], x5: f32[], "
                "x6: f32[], x7: f32[], x8: f32[], x9: f32[], x10: f32[], x11: f32[], "
                "x12: f32[], x13: f32[], x14: f32[], x15: f32[], x16: f32[]) -> (s: "
                "f32[])\n");
}

TEST_F(KilnRunTest, RunsAndWritesTheResult) {
  std::string out = dir_.file("sum.npy");
  Result result =
      run({fixture("good"), "--graph", "add", "--input", a(), "--input=" + b(), "--output=" + out});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "");
  npy::Array sum;
  std::string error;
  ASSERT_TRUE(npy::read(out, sum, error)) << error;
  EXPECT_EQ(sum.dtype(), KILN_DTYPE_F32);
  EXPECT_EQ(sum.shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(static_cast<const float *>(sum.data())[4], 44.0f);
}

TEST_F(KilnRunTest, PrintsResults) {
  Result result = run({fixture("good"), "--graph=add", "--input", a(), "--input", b(), "--print"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, "sum: f32[2x3]\n[[ 0. 11. 22.]\n [33. 44. 55.]]\n");
}

TEST_F(KilnRunTest, PrintsAScalarResult) {
  std::string x = npyFile<int64_t>("x.npy", KILN_DTYPE_I64, {4}, {1, 2, 3, 4});
  Result result = run({fixture("good"), "--graph", "total", "--input", x, "--print"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, "s: i64[]\n10\n");
}

TEST_F(KilnRunTest, ProfilesTheKernels) {
  std::string x = npyFile<int64_t>("x.npy", KILN_DTYPE_I64, {4}, {1, 2, 3, 4});
  Result result =
      run({fixture("good"), "--graph", "total", "--input", x, "--bench", "3", "--profile"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  // The fixture's 'total' starts "first half" twice per call and "second quarter" once.
  std::string out = result.out;
  size_t head = out.find("profile of graph 'total': 2 of 2 kernels ran, ");
  ASSERT_NE(head, std::string::npos) << out;
  EXPECT_NE(out.find(" over 3 calls\n", head), std::string::npos) << out;
  EXPECT_NE(out.find("  share     per call  starts  kernel\n"), std::string::npos) << out;
  EXPECT_NE(out.find("       2  first half\n"), std::string::npos) << out;
  EXPECT_NE(out.find("       1  second quarter\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  (before the first kernel)\n"), std::string::npos) << out;
}

TEST_F(KilnRunTest, ProfileOfAGraphWithoutKernels) {
  Result result =
      run({fixture("good"), "--graph=add", "--input", a(), "--input", b(), "--profile"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_NE(result.out.find("profile of graph 'add': 0 of 0 kernels ran, "), std::string::npos)
      << result.out;
}

TEST_F(KilnRunTest, TheOnlyGraphNeedsNoName) {
  Result result = run({fixture("single"), "--input", a(), "--input", b(), "--print"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out.rfind("sum: f32[2x3]\n", 0), 0u) << result.out;
}

TEST_F(KilnRunTest, SeveralGraphsNeedAName) {
  expectError(run({fixture("good"), "--input", a(), "--input", b()}),
              "'" + fixture("good") +
                  "' has 4 graphs (add, fails, total, wide); choose one with --graph");
}

TEST_F(KilnRunTest, UnknownGraph) {
  expectError(run({fixture("good"), "--graph", "mul"}),
              "'" + fixture("good") + "' has no graph 'mul' (it has: add, fails, total, wide)");
}

TEST_F(KilnRunTest, NotAnArtifact) {
  std::string path = dir_.write("model.so", "text");
  expectError(run({path, "--list"}),
              "cannot load '" + path +
                  "': not a Kiln artifact: not an ELF shared object (build one with `kilnc "
                  "--emit=shared`)");
}

TEST_F(KilnRunTest, WrongInputCount) {
  expectError(run({fixture("good"), "--graph", "add", "--input", a()}),
              "graph 'add' takes 2 inputs (a: f32[2x3], b: f32[2x3]), but 1 --input file was "
              "given");
}

TEST_F(KilnRunTest, WrongInputDtype) {
  std::string wide = npyFile<double>("wide.npy", KILN_DTYPE_F64, {2, 3}, {0, 1, 2, 3, 4, 5});
  expectError(run({fixture("good"), "--graph", "add", "--input", a(), "--input", wide}),
              "input 1 'b' ('" + wide + "'): expected f32[2x3], got f64[2x3]");
}

TEST_F(KilnRunTest, WrongInputShape) {
  std::string tall = npyFile<float>("tall.npy", KILN_DTYPE_F32, {3, 2}, {0, 1, 2, 3, 4, 5});
  expectError(run({fixture("good"), "--graph", "add", "--input", tall, "--input", b()}),
              "input 0 'a' ('" + tall + "'): expected f32[2x3], got f32[3x2]");
}

TEST_F(KilnRunTest, CorruptInputNamesTheFile) {
  std::string bad = dir_.write("bad.npy", "\x93NUMPY\x01");
  expectError(run({fixture("good"), "--graph", "add", "--input", bad, "--input", b()}),
              "'" + bad + "': not an .npy file (no \\x93NUMPY magic)");
}

TEST_F(KilnRunTest, MoreOutputsThanResults) {
  expectError(run({fixture("good"), "--graph", "add", "--input", a(), "--input", b(), "--output",
                   dir_.file("1.npy"), "--output", dir_.file("2.npy")}),
              "2 --output files were given, but graph 'add' has 1 result (sum: f32[2x3])");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("1.npy")));
}

TEST_F(KilnRunTest, FailingGraphWritesNothing) {
  std::string x = npyFile<int32_t>("x.npy", KILN_DTYPE_I32, {4}, {1, 2, 3, 4});
  expectError(
      run({fixture("good"), "--graph", "fails", "--input", x, "--output", dir_.file("y.npy")}),
      "graph 'fails' returned error code 7");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("y.npy")));
}

TEST_F(KilnRunTest, UnwritableOutput) {
  std::string out = dir_.file("missing/sum.npy");
  expectError(
      run({fixture("good"), "--graph", "add", "--input", a(), "--input", b(), "--output", out}),
      "cannot write '" + out + "': No such file or directory");
}

TEST_F(KilnRunTest, Devices) {
  for (const char *device : {"cpu", "auto"}) {
    Result result = run(
        {fixture("good"), "--graph", "add", "--input", a(), "--input", b(), "--device", device});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.out, "") << "no device line without --bench";
  }
  expectError(run({fixture("good"), "--graph", "add", "--device=cuda"}),
              "--device cuda: this artifact has no CUDA code (it holds CPU code for target "
              "'x86-64'; compile with --target=...,cuda:sm_NN)");
}

TEST_F(KilnRunTest, Threads) {
  Result result = run({fixture("good"), "--graph", "add", "--input", a(), "--input", b(),
                       "--threads", "2", "--print"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out.rfind("sum: f32[2x3]\n", 0), 0u) << result.out;
}

TEST_F(KilnRunTest, Bench) {
  Result result = run({fixture("good"), "--graph", "add", "--input", a(), "--input", b(), "--bench",
                       "5", "--device", "auto"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out.rfind("device: cpu\ngraph 'add': 5 runs after 1 warm-up: min ", 0), 0u)
      << result.out;
  EXPECT_NE(result.out.find(" GB/s (72 bytes in and out per run)\n"), std::string::npos)
      << result.out;
}

TEST_F(KilnRunTest, LeavesNoTemporaryFiles) {
  Result result = run({fixture("good"), "--graph", "add", "--input", a(), "--input", b(),
                       "--output", dir_.file("sum.npy")});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  for (const auto &entry : std::filesystem::directory_iterator(dir_.path()))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

} // namespace
} // namespace kiln::test
