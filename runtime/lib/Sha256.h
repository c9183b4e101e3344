// Sha256.h - SHA-256 (FIPS 180-4) for the artifact digest.
//
// The runtime depends on nothing beyond the C and C++ standard libraries, libdl and pthreads, and
// none of those has a digest, so it carries this one (about a hundred lines). kilnc writes the
// digest with LLVM's llvm::SHA256; every artifact a test loads checks the two against each other.
#ifndef KILN_RUNTIME_SHA256_H
#define KILN_RUNTIME_SHA256_H

#include <array>
#include <cstddef>
#include <cstdint>

namespace kiln {

class Sha256 {
public:
  Sha256();
  void update(const void *data, size_t size);
  std::array<uint8_t, 32> finish();

private:
  void compress(const uint8_t *block);

  uint32_t state[8];
  uint8_t buffer[64];
  size_t buffered = 0;
  uint64_t length = 0; // bytes hashed so far
};

} // namespace kiln

#endif // KILN_RUNTIME_SHA256_H
