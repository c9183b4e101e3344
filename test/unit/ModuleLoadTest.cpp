// ModuleLoadTest.cpp - loading artifacts: every way a file or its metadata can be wrong, graph
// lookup, and unloading.
#include "TestSupport.h"

#include <atomic>
#include <cstdio>
#include <dlfcn.h>
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>
#include <vector>

namespace kiln::test {
namespace {

// Loads `path`, expects it to fail with `status`, and returns the error message.
std::string loadFailure(const std::string &path, kiln_status status) {
  kiln_module *module = reinterpret_cast<kiln_module *>(0x1);
  EXPECT_EQ(kiln_module_load(path.c_str(), &module), status) << kiln_last_error();
  EXPECT_EQ(module, nullptr) << "a failed load must clear out_module";
  return kiln_last_error();
}

TEST(ModuleLoadTest, LoadsTheGoodFixture) {
  ModulePtr module = loadFixture("good");
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(kiln_module_num_graphs(module.get()), 4u);
  EXPECT_EQ(kiln_module_path(module.get()), fixture("good"));
  EXPECT_STREQ(kiln_module_target_cpu(module.get()), "x86-64");
  EXPECT_STREQ(kiln_module_cpu_features(module.get()), "sse2");
  EXPECT_STREQ(kiln_module_cpu_variants(module.get()), "x86-64");
  EXPECT_STREQ(kiln_module_cpu_variant(module.get()), "x86-64");
}

TEST(ModuleLoadTest, NullArguments) {
  kiln_module *module = nullptr;
  EXPECT_EQ(kiln_module_load(nullptr, &module), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_module_load: path is NULL");
  EXPECT_EQ(kiln_module_load("", &module), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_module_load: path is empty");
  EXPECT_EQ(kiln_module_load(fixture("good").c_str(), nullptr), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_module_load: out_module is NULL");
}

TEST(ModuleLoadTest, MissingFile) {
  std::string message = loadFailure("/nonexistent/kiln/model.so", KILN_ERROR_NOT_FOUND);
  EXPECT_EQ(message, "cannot load '/nonexistent/kiln/model.so': No such file or directory");
}

TEST(ModuleLoadTest, NotAnElf) {
  ScratchDir dir;
  std::string path = dir.write("model.so", "this is text, not code\n");
  EXPECT_EQ(loadFailure(path, KILN_ERROR_INVALID_ARTIFACT),
            "cannot load '" + path +
                "': not a Kiln artifact: not an ELF shared object (build one with `kilnc "
                "--emit=shared`)");
}

TEST(ModuleLoadTest, EmptyFile) {
  ScratchDir dir;
  std::string message = loadFailure(dir.write("empty.so", ""), KILN_ERROR_INVALID_ARTIFACT);
  EXPECT_NE(message.find("not an ELF"), std::string::npos) << message;
}

TEST(ModuleLoadTest, Directory) {
  ScratchDir dir;
  std::string message = loadFailure(dir.path().string(), KILN_ERROR_INVALID_ARTIFACT);
  EXPECT_NE(message.find("not a regular file"), std::string::npos) << message;
}

TEST(ModuleLoadTest, ElfWithoutDigestIsRefusedBeforeTheLoader) {
  ScratchDir dir;
  std::string path = dir.write("broken.so", std::string("\x7f"
                                                        "ELF\x02\x01\x01",
                                                        7) +
                                                std::string(200, '\0'));
  std::string message = loadFailure(path, KILN_ERROR_INVALID_ARTIFACT);
  EXPECT_NE(message.find("does not end with the digest"), std::string::npos) << message;
  message = loadFailure(fixture("unsealed"), KILN_ERROR_INVALID_ARTIFACT);
  EXPECT_NE(message.find("does not end with the digest"), std::string::npos) << message;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Copies the good fixture into `dir` with `edit` applied to its bytes.
std::string editedFixture(const ScratchDir &dir, void (*edit)(std::string &bytes)) {
  std::string bytes = readFile(fixture("good"));
  edit(bytes);
  return dir.write("edited.so", bytes);
}

// The loader hands out the object it has for a path it loaded before: a second load of a
// rewritten file would run the old code under the new file's name.
TEST(ModuleLoadTest, RewrittenFileIsRefusedWhileTheOldOneIsLoaded) {
  ScratchDir dir;
  std::string path = dir.write("model.so", readFile(fixture("good")));
  kiln_module *first = nullptr;
  ASSERT_EQ(kiln_module_load(path.c_str(), &first), KILN_OK) << kiln_last_error();
  std::string replacement = dir.write("replacement.so", readFile(fixture("single")));
  ASSERT_EQ(std::rename(replacement.c_str(), path.c_str()), 0);
  std::string message = loadFailure(path, KILN_ERROR_LOAD_FAILED);
  EXPECT_EQ(message, "cannot load '" + path +
                         "': the file changed since this process loaded it, and the loader still "
                         "holds the old one (unload every module loaded from it, or load the new "
                         "file under another path)");
  EXPECT_EQ(kiln_module_unload(first), KILN_OK);
  kiln_module *second = nullptr;
  ASSERT_EQ(kiln_module_load(path.c_str(), &second), KILN_OK) << kiln_last_error();
  EXPECT_EQ(kiln_module_num_graphs(second), 1u);
  EXPECT_EQ(kiln_module_unload(second), KILN_OK);
}

// The same, when the old object stays mapped because the application holds it too: the mapped
// image is compared with the file.
TEST(ModuleLoadTest, RewrittenFileIsRefusedWhileTheApplicationHoldsTheOldOne) {
  ScratchDir dir;
  std::string path = dir.write("model.so", readFile(fixture("good")));
  void *held = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(held, nullptr) << dlerror();
  std::string replacement = dir.write("replacement.so", readFile(fixture("single")));
  ASSERT_EQ(std::rename(replacement.c_str(), path.c_str()), 0);
  std::string message = loadFailure(path, KILN_ERROR_LOAD_FAILED);
  EXPECT_NE(message.find("the file changed since this process loaded it"), std::string::npos)
      << message;
  dlclose(held);
}

TEST(ModuleLoadTest, FlippedBitIsADigestMismatch) {
  ScratchDir dir;
  std::string path = editedFixture(dir, [](std::string &bytes) { bytes[bytes.size() / 2] ^= 4; });
  EXPECT_EQ(loadFailure(path, KILN_ERROR_INVALID_ARTIFACT),
            "cannot load '" + path +
                "': damaged: digest mismatch (its bytes changed after kilnc wrote it)");
}

TEST(ModuleLoadTest, TruncatedFileIsRefused) {
  ScratchDir dir;
  std::string path = editedFixture(dir, [](std::string &bytes) { bytes.resize(bytes.size() / 3); });
  std::string message = loadFailure(path, KILN_ERROR_INVALID_ARTIFACT);
  EXPECT_NE(message.find("or a truncated one"), std::string::npos) << message;
}

TEST(ModuleLoadTest, ExtendedFileIsRefused) {
  ScratchDir dir;
  std::string path = editedFixture(dir, [](std::string &bytes) {
    std::string trailer = bytes.substr(bytes.size() - 48);
    bytes.resize(bytes.size() - 48);
    bytes += std::string(16, 'x') + trailer;
  });
  std::string message = loadFailure(path, KILN_ERROR_INVALID_ARTIFACT);
  EXPECT_NE(message.find("damaged: its digest covers"), std::string::npos) << message;
}

TEST(ModuleLoadTest, ElfWithoutMetadata) {
  EXPECT_EQ(loadFailure(fixture("no_metadata"), KILN_ERROR_INVALID_ARTIFACT),
            "cannot load '" + fixture("no_metadata") +
                "': not a Kiln artifact: it does not export 'kiln_module_metadata' (build it "
                "with `kilnc --emit=shared`)");
}

TEST(ModuleLoadTest, BadMagic) {
  std::string message = loadFailure(fixture("bad_magic"), KILN_ERROR_INVALID_ARTIFACT);
  EXPECT_NE(message.find("bad magic"), std::string::npos) << message;
}

TEST(ModuleLoadTest, WrongAbiVersion) {
  EXPECT_EQ(loadFailure(fixture("bad_abi"), KILN_ERROR_ABI_MISMATCH),
            "cannot load '" + fixture("bad_abi") + "': written for Kiln ABI version " +
                std::to_string(KILN_ABI_VERSION + 1) + ", but this runtime reads version " +
                std::to_string(KILN_ABI_VERSION) + " (rebuild it with a matching kilnc)");
}

TEST(ModuleLoadTest, UnknownCpuFeature) {
  std::string message = loadFailure(fixture("unknown_feature"), KILN_ERROR_UNSUPPORTED_CPU);
  EXPECT_NE(message.find("unknown CPU feature 'kiln-imaginary'"), std::string::npos) << message;
}

TEST(ModuleLoadTest, MissingCpuFeature) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx5124fmaps"))
    GTEST_SKIP() << "this CPU has avx5124fmaps";
#endif
  std::string message = loadFailure(fixture("missing_feature"), KILN_ERROR_UNSUPPORTED_CPU);
  EXPECT_NE(message.find("this CPU lacks avx5124fmaps"), std::string::npos) << message;
}

struct CorruptCase {
  const char *fixture;
  const char *message; // expected after "cannot load '<path>': corrupt metadata: "
};

void PrintTo(const CorruptCase &c, std::ostream *os) { *os << c.fixture; }

class CorruptMetadataTest : public ::testing::TestWithParam<CorruptCase> {};

TEST_P(CorruptMetadataTest, IsRefusedWithAPreciseMessage) {
  const CorruptCase &c = GetParam();
  EXPECT_EQ(loadFailure(fixture(c.fixture), KILN_ERROR_INVALID_ARTIFACT),
            "cannot load '" + fixture(c.fixture) + "': corrupt metadata: " + c.message);
}

INSTANTIATE_TEST_SUITE_P(
    ModuleLoadTest, CorruptMetadataTest,
    ::testing::Values(
        CorruptCase{"nonzero_reserved", "the reserved field is 3, not 0"},
        CorruptCase{"no_graph_table", "no graph table"},
        CorruptCase{"null_arg_name", "graph 'add' input 0 has no name"},
        CorruptCase{"unknown_dtype", "graph 'add' input 0 'a' has unknown dtype 77"},
        CorruptCase{"huge_rank", "graph 'add' input 0 'a' has rank 33, above the limit of 32"},
        CorruptCase{"negative_dim", "graph 'add' input 0 'a' has negative dimension -2"},
        CorruptCase{"overflowing_size",
                    "graph 'add' input 0 'a' of type f32[4611686018427387904x3] is too large "
                    "to address"},
        CorruptCase{"null_entry", "graph 'add' has no entry function"},
        CorruptCase{"duplicate_graph", "two graphs are named 'add'"},
        CorruptCase{"no_cpu_variant", "no CPU variant function"},
        CorruptCase{"graphs_outside", "the table of 4 graphs points outside the artifact"},
        CorruptCase{"table_past_segment", "the table of 4000 graphs points outside the artifact"},
        CorruptCase{"name_outside", "the name of graph 'add' input 0 points outside the artifact"},
        CorruptCase{"shape_outside",
                    "the shape of graph 'add' input 0 'a' points outside the artifact"},
        CorruptCase{"entry_outside",
                    "the entry function of graph 'add' points outside the artifact"},
        CorruptCase{"entry_in_data",
                    "the entry function of graph 'add' points outside the artifact"},
        CorruptCase{"no_kernel_table", "graph 'total' has no kernel name table"},
        CorruptCase{"kernel_table_outside",
                    "the kernel name table of graph 'total' points outside the artifact"},
        CorruptCase{"huge_kernel_count", "graph 'total' claims 2147483647 kernels"},
        CorruptCase{"null_kernel_name", "kernel 1 of graph 'total' has no name"}),
    [](const ::testing::TestParamInfo<CorruptCase> &info) { return info.param.fixture; });

TEST(ModuleLoadTest, RelativePathWithoutSlashMeansTheCurrentDirectory) {
  std::string saved = std::filesystem::current_path().string();
  std::filesystem::current_path(KILN_FIXTURE_DIR);
  kiln_module *module = nullptr;
  kiln_status status = kiln_module_load("good.so", &module);
  std::filesystem::current_path(saved);
  ASSERT_EQ(status, KILN_OK) << kiln_last_error();
  EXPECT_STREQ(kiln_module_path(module), "good.so");
  EXPECT_EQ(kiln_module_unload(module), KILN_OK);
}

TEST(ModuleLoadTest, SameFileTwiceGivesIndependentModules) {
  ModulePtr first = loadFixture("good");
  ModulePtr second = loadFixture("good");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first.get(), second.get());
  first.reset();
  EXPECT_NE(findGraph(second.get(), "add"), nullptr) << "unloading one must not close the other";
}

TEST(ModuleLoadTest, UnloadNullIsANoOp) { EXPECT_EQ(kiln_module_unload(nullptr), KILN_OK); }

TEST(ModuleLoadTest, DoubleUnloadIsDetected) {
  kiln_module *module = nullptr;
  ASSERT_EQ(kiln_module_load(fixture("good").c_str(), &module), KILN_OK) << kiln_last_error();
  EXPECT_EQ(kiln_module_unload(module), KILN_OK);
  EXPECT_EQ(kiln_module_unload(module), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_module_unload: not a loaded module (already unloaded?)");
}

TEST(ModuleLoadTest, UnloadOfAForeignPointerIsDetected) {
  int notAModule = 0;
  EXPECT_EQ(kiln_module_unload(reinterpret_cast<kiln_module *>(&notAModule)),
            KILN_ERROR_INVALID_ARGUMENT);
}

TEST(ModuleLoadTest, ConcurrentLoadsAndUnloads) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&failures] {
      for (int i = 0; i < 20; ++i) {
        kiln_module *module = nullptr;
        if (kiln_module_load(fixture("good").c_str(), &module) != KILN_OK ||
            kiln_module_unload(module) != KILN_OK)
          ++failures;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ModuleLoadTest, NullModuleAccessors) {
  EXPECT_EQ(kiln_module_path(nullptr), nullptr);
  EXPECT_EQ(kiln_module_target_cpu(nullptr), nullptr);
  EXPECT_EQ(kiln_module_cpu_features(nullptr), nullptr);
  EXPECT_STREQ(kiln_module_cpu_variants(nullptr), "");
  EXPECT_STREQ(kiln_module_cpu_variant(nullptr), "");
  EXPECT_EQ(kiln_module_num_graphs(nullptr), 0u);
}

TEST(GraphLookupTest, ByIndexAndName) {
  ModulePtr module = loadFixture("good");
  const char *names[] = {"add", "fails", "total", "wide"};
  for (size_t i = 0; i < 4; ++i) {
    kiln_graph *graph = nullptr;
    ASSERT_EQ(kiln_module_graph_at(module.get(), i, &graph), KILN_OK);
    EXPECT_STREQ(kiln_graph_name(graph), names[i]);
    EXPECT_EQ(findGraph(module.get(), names[i]), graph);
  }
}

TEST(GraphLookupTest, UnknownName) {
  ModulePtr module = loadFixture("good");
  kiln_graph *graph = reinterpret_cast<kiln_graph *>(0x1);
  EXPECT_EQ(kiln_module_find_graph(module.get(), "mul", &graph), KILN_ERROR_NOT_FOUND);
  EXPECT_EQ(graph, nullptr);
  EXPECT_EQ(kiln_last_error(),
            "'" + fixture("good") + "' has no graph 'mul' (it has: add, fails, total, wide)");
}

TEST(GraphLookupTest, BadArguments) {
  ModulePtr module = loadFixture("good");
  kiln_graph *graph = nullptr;
  EXPECT_EQ(kiln_module_find_graph(nullptr, "add", &graph), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_module_find_graph(module.get(), nullptr, &graph), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "kiln_module_find_graph: name is NULL");
  EXPECT_EQ(kiln_module_find_graph(module.get(), "add", nullptr), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_module_graph_at(nullptr, 0, &graph), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_module_graph_at(module.get(), 0, nullptr), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_module_graph_at(module.get(), 4, &graph), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_last_error(), "'" + fixture("good") + "' has 4 graphs; there is no graph 4");
}

TEST(GraphLookupTest, Signature) {
  ModulePtr module = loadFixture("good");
  kiln_graph *add = findGraph(module.get(), "add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(kiln_graph_num_inputs(add), 2u);
  EXPECT_EQ(kiln_graph_num_outputs(add), 1u);
  const kiln_arg_info *info = nullptr;
  ASSERT_EQ(kiln_graph_input_info(add, 1, &info), KILN_OK);
  EXPECT_STREQ(info->name, "b");
  EXPECT_EQ(info->dtype, KILN_DTYPE_F32);
  ASSERT_EQ(info->rank, 2u);
  EXPECT_EQ(info->shape[0], 2);
  EXPECT_EQ(info->shape[1], 3);
  ASSERT_EQ(kiln_graph_output_info(add, 0, &info), KILN_OK);
  EXPECT_STREQ(info->name, "sum");
  kiln_graph *total = findGraph(module.get(), "total");
  ASSERT_EQ(kiln_graph_output_info(total, 0, &info), KILN_OK);
  EXPECT_EQ(info->rank, 0u);
}

TEST(GraphLookupTest, SignatureBadArguments) {
  ModulePtr module = loadFixture("good");
  kiln_graph *add = findGraph(module.get(), "add");
  const kiln_arg_info *info = nullptr;
  EXPECT_EQ(kiln_graph_input_info(add, 2, &info), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "graph 'add' has 2 inputs; there is no input 2");
  EXPECT_EQ(info, nullptr);
  EXPECT_EQ(kiln_graph_output_info(add, 1, &info), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "graph 'add' has 1 output; there is no output 1");
  EXPECT_EQ(kiln_graph_input_info(nullptr, 0, &info), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_graph_input_info(add, 0, nullptr), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_graph_name(nullptr), nullptr);
  EXPECT_EQ(kiln_graph_num_inputs(nullptr), 0u);
  EXPECT_EQ(kiln_graph_num_outputs(nullptr), 0u);
}

} // namespace
} // namespace kiln::test
