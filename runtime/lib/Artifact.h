// Artifact.h - checks of an artifact before and after the dynamic loader maps it: the file (its
// digest and ELF structure, runtime/lib/Artifact.cpp) and the metadata in the mapped image
// (runtime/lib/Metadata.cpp). Private to the runtime; the fuzz targets and unit tests reach it.
#ifndef KILN_RUNTIME_ARTIFACT_H
#define KILN_RUNTIME_ARTIFACT_H

#include "kiln/runtime.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

// A failed check: its status and a message; the caller prefixes the path.
struct Problem {
  kiln_status status = KILN_OK;
  std::string message;
  explicit operator bool() const { return status != KILN_OK; }
};

inline Problem problem(kiln_status status, std::string message) {
  return {status, std::move(message)};
}

// Where the bytes of an artifact come from: the file, or memory (tests, fuzzers).
class ByteSource {
public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly `bytes` bytes at `offset`; false when they are not all there or cannot be read.
  virtual bool read(uint64_t offset, void *out, size_t bytes) = 0;
};

class MemorySource final : public ByteSource {
public:
  MemorySource(const void *data, size_t size)
      : data(static_cast<const uint8_t *>(data)), bytes(size) {}
  uint64_t size() const override { return bytes; }
  bool read(uint64_t offset, void *out, size_t count) override;

private:
  const uint8_t *data;
  size_t bytes;
};

// One PT_LOAD segment, at its link-time address.
struct Segment {
  uint64_t vaddr = 0;
  uint64_t memsz = 0;
  uint64_t offset = 0; // in the file
  uint64_t filesz = 0;
  uint32_t flags = 0; // PF_R, PF_W, PF_X
};

// What the file checks learn about the image the loader will map.
struct Layout {
  std::array<uint8_t, 32> digest{}; // the file's SHA-256, from its trailer
  std::vector<Segment> loads;
  uint64_t dynamicVaddr = 0; // of PT_DYNAMIC, to recognize the mapping as this file's
};

// Checks an artifact's bytes without loading it: the integrity trailer and its SHA-256 digest
// (kiln/abi.h), then the ELF header (class, byte order, type, machine) and every program
// header against the file's length. Fills `layout` when it succeeds.
Problem checkArtifact(ByteSource &source, Layout &layout);

// The trailer kilnc writes after `size` bytes of content (kiln/abi.h), for the tests and fuzzers
// that make artifacts themselves; kilnc computes it with LLVM's SHA-256.
kiln_artifact_trailer makeTrailer(const void *content, uint64_t size);

// The mapped image of a loaded artifact: its segments at `base` (the loader's l_addr).
class Image {
public:
  Image(uintptr_t base, const Layout &layout) : base(base), layout(layout) {}
  // Whether [pointer, pointer + bytes) lies in one readable segment.
  bool holds(const void *pointer, uint64_t bytes) const;
  // Whether a NUL-terminated string starts at `text` and ends in the same readable segment.
  bool holdsString(const char *text) const;
  // Whether `function` points into an executable segment.
  bool holdsCode(const void *function) const;

private:
  const Segment *segmentOf(uintptr_t address) const;

  uintptr_t base;
  const Layout &layout;
};

// Checks the metadata of a mapped artifact, bounding every pointer and count against `image`
// before following it; the baseline's CPU features are checked against this CPU last.
Problem checkMetadata(const kiln_module_metadata *meta, const Image &image);

} // namespace kiln

#endif // KILN_RUNTIME_ARTIFACT_H
