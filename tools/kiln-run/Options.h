// Options.h - kiln-run's command line.
#ifndef KILN_TOOLS_KILN_RUN_OPTIONS_H
#define KILN_TOOLS_KILN_RUN_OPTIONS_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::run {

struct Options {
  std::string artifact;
  std::string graph; // empty: the module's only graph
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string device = "auto";
  uint32_t threads = 0; // 0: not given
  uint32_t bench = 0;   // 0: a single untimed run
  bool print = false;
  bool profile = false;
  bool list = false;
  bool help = false;
  bool version = false;
};

// Parses argv; options take "--opt=value" or "--opt value". On a mistake returns false with a
// message in `error`. With -h/--help anywhere, sets `help` and checks nothing else.
bool parseOptions(int argc, char **argv, Options &options, std::string &error);

// The --help text.
extern const char *const helpText;

} // namespace kiln::run

#endif // KILN_TOOLS_KILN_RUN_OPTIONS_H
