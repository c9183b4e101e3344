// ArtifactFuzzer.cpp - the runtime's checks of an artifact's bytes (digest, ELF header, program
// headers) on arbitrary input, without dlopen: they must accept or refuse, never crash or read
// outside the input. Seeded with real artifacts; the first byte chooses whether the fuzzer's
// bytes get a matching trailer, so that the ELF checks behind the digest are reached too.
#include "Artifact.h"

#include <cstdlib>
#include <cstring>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  bool seal = data[0] & 1;
  std::string bytes(reinterpret_cast<const char *>(data) + 1, size - 1);
  if (seal) {
    kiln_artifact_trailer trailer = kiln::makeTrailer(bytes.data(), bytes.size());
    bytes.append(reinterpret_cast<const char *>(&trailer), sizeof trailer);
  }
  kiln::MemorySource source(bytes.data(), bytes.size());
  kiln::Layout layout;
  kiln::Problem p = kiln::checkArtifact(source, layout);
  if (p && p.message.empty())
    std::abort(); // every refusal says why
  if (!p && layout.loads.empty())
    std::abort(); // an accepted file has something to map
  return 0;
}
