// TestSupport.h - fixture artifact paths, owning handles and scratch directories for the tests.
#ifndef KILN_TEST_UNIT_TESTSUPPORT_H
#define KILN_TEST_UNIT_TESTSUPPORT_H

#include "kiln/runtime.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <string>

namespace kiln::test {

// A variant of fixtures/module.c, built by test/unit/CMakeLists.txt.
inline std::string fixture(const std::string &name) {
  return std::string(KILN_FIXTURE_DIR) + "/" + name + ".so";
}

struct ModuleUnloader {
  void operator()(kiln_module *module) const { EXPECT_EQ(kiln_module_unload(module), KILN_OK); }
};
using ModulePtr = std::unique_ptr<kiln_module, ModuleUnloader>;

// Loads a fixture that must load; fails the test otherwise.
inline ModulePtr loadFixture(const std::string &name) {
  kiln_module *module = nullptr;
  kiln_status status = kiln_module_load(fixture(name).c_str(), &module);
  EXPECT_EQ(status, KILN_OK) << kiln_last_error();
  return ModulePtr(module);
}

inline kiln_graph *findGraph(kiln_module *module, const char *name) {
  kiln_graph *graph = nullptr;
  EXPECT_EQ(kiln_module_find_graph(module, name, &graph), KILN_OK) << kiln_last_error();
  return graph;
}

// A fresh directory, removed with its contents at the end of the test.
class ScratchDir {
public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kiln-test-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
      ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string &name) const { return (path_ / name).string(); }
  const std::filesystem::path &path() const { return path_; }

  // Writes `bytes` to a file in this directory and returns its path.
  std::string write(const std::string &name, const std::string &bytes) const {
    std::ofstream(file(name), std::ios::binary) << bytes;
    return file(name);
  }

private:
  std::filesystem::path path_;
};

} // namespace kiln::test

#endif // KILN_TEST_UNIT_TESTSUPPORT_H
