// NpyFuzzer.cpp - the .npy reader on arbitrary bytes: it must read them or refuse them with a
// message, never crash, read out of bounds, or accept a bool byte other than 0 and 1.
#include "Npy.h"
#include "kiln/abi.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

// The reader takes a path and refuses anything but a regular file; a memfd is one, in memory.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = memfd_create("kiln-fuzz.npy", MFD_CLOEXEC);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != ssize_t(size))
    std::abort();
  kiln::npy::Array array;
  std::string error;
  if (!kiln::npy::read(path, array, error)) {
    if (error.empty())
      std::abort(); // every refusal says why
    return 0;
  }
  if (array.dtype() == KILN_DTYPE_BOOL) {
    const auto *bytes = static_cast<const unsigned char *>(array.data());
    for (uint64_t i = 0; i < array.numBytes(); ++i)
      if (bytes[i] > 1)
        std::abort();
  }
  return 0;
}
