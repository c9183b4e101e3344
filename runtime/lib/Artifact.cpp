// Artifact.cpp - an artifact's bytes checked before the dynamic loader sees them: the integrity
// digest kilnc appends, then the ELF header and program headers against the file's length.
//
// ld.so trusts the file it maps: a truncated artifact faults (SIGBUS) when a segment past the end
// is touched, and a flipped byte in the dynamic section can make it assert or run other code. The
// digest turns every such accident into a refusal; the structural checks after it catch a file
// kilnc did not write correctly (they are what a sealed but malformed file meets).
#include "Artifact.h"
#include "Sha256.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <elf.h>
#include <memory>

namespace kiln {
namespace {

static_assert(sizeof(kiln_artifact_trailer) == 48, "the trailer's layout is part of the format");

// Far beyond what a linker writes for an artifact (cc writes about a dozen), small enough that a
// corrupt count costs nothing.
constexpr uint16_t maxProgramHeaders = 256;

#if defined(__x86_64__)
constexpr uint16_t hostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t hostMachine = EM_AARCH64;
#else
#error "the runtime knows the ELF machine of x86-64 and AArch64 only"
#endif

Problem invalid(std::string message) {
  return problem(KILN_ERROR_INVALID_ARTIFACT, std::move(message));
}

Problem malformed(const std::string &message) { return invalid("malformed ELF file: " + message); }

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

// Whether [offset, offset + bytes) lies within the first `limit` bytes.
bool within(uint64_t offset, uint64_t bytes, uint64_t limit) {
  return offset <= limit && bytes <= limit - offset;
}

Problem checkDigest(ByteSource &source, uint64_t &contentSize, std::array<uint8_t, 32> &digest) {
  kiln_artifact_trailer trailer;
  uint64_t size = source.size();
  if (size < sizeof(Elf64_Ehdr) + sizeof trailer ||
      !source.read(size - sizeof trailer, &trailer, sizeof trailer) ||
      std::memcmp(trailer.magic, KILN_TRAILER_MAGIC, sizeof trailer.magic) != 0)
    return invalid("not a Kiln artifact, or a truncated one: it does not end with the digest "
                   "`kilnc --emit=shared` writes (an ELF file from another tool, or one changed "
                   "after kilnc, e.g. by strip)");
  contentSize = size - sizeof trailer;
  if (trailer.content_size != contentSize)
    return invalid("damaged: its digest covers " + std::to_string(trailer.content_size) +
                   " bytes, but " + std::to_string(contentSize) + " precede it");
  Sha256 hash;
  constexpr size_t chunk = 1 << 20;
  std::unique_ptr<uint8_t[]> buffer(new uint8_t[chunk]);
  for (uint64_t offset = 0; offset < contentSize; offset += chunk) {
    size_t bytes = static_cast<size_t>(std::min<uint64_t>(chunk, contentSize - offset));
    if (!source.read(offset, buffer.get(), bytes))
      return problem(KILN_ERROR_LOAD_FAILED, "cannot read it at offset " + std::to_string(offset));
    hash.update(buffer.get(), bytes);
  }
  digest = hash.finish();
  if (std::memcmp(digest.data(), trailer.sha256, digest.size()) != 0)
    return invalid("damaged: digest mismatch (its bytes changed after kilnc wrote it)");
  return {};
}

Problem checkHeader(const Elf64_Ehdr &header, uint64_t contentSize) {
  const unsigned char *ident = header.e_ident;
  if (ident[EI_CLASS] != ELFCLASS64 || ident[EI_DATA] != ELFDATA2LSB ||
      ident[EI_VERSION] != EV_CURRENT || header.e_version != EV_CURRENT)
    return malformed("not a 64-bit little-endian ELF file of version 1");
  if (header.e_type != ET_DYN)
    return malformed("ELF type " + std::to_string(header.e_type) + ", not a shared object");
  if (header.e_machine != hostMachine)
    return problem(KILN_ERROR_UNSUPPORTED_CPU,
                   "it is code for ELF machine " + std::to_string(header.e_machine) +
                       ", and this runtime runs on machine " + std::to_string(hostMachine));
  if (header.e_ehsize != sizeof(Elf64_Ehdr) || header.e_phentsize != sizeof(Elf64_Phdr))
    return malformed("unexpected header sizes");
  if (header.e_phnum == 0 || header.e_phnum > maxProgramHeaders)
    return malformed(std::to_string(header.e_phnum) + " program headers");
  if (!within(header.e_phoff, uint64_t(header.e_phnum) * sizeof(Elf64_Phdr), contentSize))
    return malformed("the program headers lie past the end of the file");
  if (header.e_shoff != 0 &&
      (header.e_shentsize != sizeof(Elf64_Shdr) ||
       !within(header.e_shoff, uint64_t(header.e_shnum) * sizeof(Elf64_Shdr), contentSize)))
    return malformed("the section headers lie past the end of the file");
  return {};
}

Problem checkLoad(const Elf64_Phdr &load, uint64_t contentSize, size_t index) {
  std::string where = "segment " + std::to_string(index);
  if (!within(load.p_offset, load.p_filesz, contentSize))
    return malformed(where + " (" + hex(load.p_offset) + "+" + hex(load.p_filesz) +
                     ") lies past the end of the file (" + hex(contentSize) + " bytes)");
  if (load.p_filesz > load.p_memsz || load.p_vaddr + load.p_memsz < load.p_vaddr)
    return malformed(where + " has impossible sizes");
  return {};
}

Problem checkProgramHeaders(ByteSource &source, const Elf64_Ehdr &header, uint64_t contentSize,
                            Layout &layout) {
  std::vector<Elf64_Phdr> headers(header.e_phnum);
  if (!source.read(header.e_phoff, headers.data(), headers.size() * sizeof(Elf64_Phdr)))
    return problem(KILN_ERROR_LOAD_FAILED, "cannot read its program headers");
  const Elf64_Phdr *dynamic = nullptr;
  for (size_t i = 0; i < headers.size(); ++i) {
    const Elf64_Phdr &segment = headers[i];
    if (segment.p_type == PT_DYNAMIC)
      dynamic = &segment;
    if (segment.p_type != PT_LOAD)
      continue;
    if (Problem p = checkLoad(segment, contentSize, i))
      return p;
    layout.loads.push_back(
        {segment.p_vaddr, segment.p_memsz, segment.p_offset, segment.p_filesz, segment.p_flags});
  }
  if (layout.loads.empty())
    return malformed("no loadable segment");
  if (!dynamic)
    return malformed("no dynamic section");
  if (!within(dynamic->p_offset, dynamic->p_filesz, contentSize))
    return malformed("the dynamic section lies past the end of the file");
  layout.dynamicVaddr = dynamic->p_vaddr;
  return {};
}

} // namespace

bool MemorySource::read(uint64_t offset, void *out, size_t count) {
  if (!within(offset, count, bytes))
    return false;
  std::memcpy(out, data + offset, count);
  return true;
}

kiln_artifact_trailer makeTrailer(const void *content, uint64_t size) {
  kiln_artifact_trailer trailer;
  std::memcpy(trailer.magic, KILN_TRAILER_MAGIC, sizeof trailer.magic);
  trailer.content_size = size;
  Sha256 hash;
  hash.update(content, size);
  std::array<uint8_t, 32> digest = hash.finish();
  std::memcpy(trailer.sha256, digest.data(), digest.size());
  return trailer;
}

Problem checkArtifact(ByteSource &source, Layout &layout) {
  layout = {};
  unsigned char magic[SELFMAG];
  if (!source.read(0, magic, sizeof magic) || std::memcmp(magic, ELFMAG, SELFMAG) != 0)
    return invalid("not a Kiln artifact: not an ELF shared object (build one with "
                   "`kilnc --emit=shared`)");
  uint64_t contentSize = 0;
  if (Problem p = checkDigest(source, contentSize, layout.digest))
    return p;
  Elf64_Ehdr header;
  if (!source.read(0, &header, sizeof header))
    return problem(KILN_ERROR_LOAD_FAILED, "cannot read its ELF header");
  if (Problem p = checkHeader(header, contentSize))
    return p;
  return checkProgramHeaders(source, header, contentSize, layout);
}

} // namespace kiln
