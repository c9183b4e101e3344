// ArtifactCheckTest.cpp - the checks on an artifact's bytes before the loader maps it: the
// runtime's SHA-256, the integrity trailer, and the ELF structure behind a matching digest.
#include "Artifact.h"
#include "Sha256.h"
#include "TestSupport.h"

#include <cstring>
#include <elf.h>
#include <fstream>
#include <iterator>

namespace kiln::test {
namespace {

std::string hexDigest(const std::array<uint8_t, 32> &digest) {
  std::string text;
  char byte[3];
  for (uint8_t b : digest) {
    std::snprintf(byte, sizeof byte, "%02x", b);
    text += byte;
  }
  return text;
}

std::string sha256(const std::string &message) {
  Sha256 hash;
  hash.update(message.data(), message.size());
  return hexDigest(hash.finish());
}

// The known answers of FIPS 180-4's examples and NIST's one-million-'a' message; they cover one
// block, a message whose padding needs a second block, and many blocks.
TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, PiecesHashLikeTheWhole) {
  std::string message;
  for (int i = 0; i < 1000; ++i)
    message += static_cast<char>(i * 7 + 3);
  for (size_t piece : {1u, 3u, 63u, 64u, 65u, 200u}) {
    Sha256 hash;
    for (size_t at = 0; at < message.size(); at += piece)
      hash.update(message.data() + at, std::min(piece, message.size() - at));
    EXPECT_EQ(hexDigest(hash.finish()), sha256(message)) << "pieces of " << piece;
  }
}

// The good fixture's ELF bytes, without its trailer.
std::string goodContent() {
  std::ifstream in(fixture("good"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_GT(bytes.size(), sizeof(kiln_artifact_trailer));
  bytes.resize(bytes.size() - sizeof(kiln_artifact_trailer));
  return bytes;
}

// `content` with a trailer that matches it, as kilnc writes it.
std::string seal(const std::string &content) {
  kiln_artifact_trailer trailer = makeTrailer(content.data(), content.size());
  return content + std::string(reinterpret_cast<const char *>(&trailer), sizeof trailer);
}

Problem check(const std::string &artifact, Layout *out = nullptr) {
  MemorySource source(artifact.data(), artifact.size());
  Layout layout;
  Problem p = checkArtifact(source, layout);
  if (out)
    *out = layout;
  return p;
}

Elf64_Ehdr &header(std::string &content) { return *reinterpret_cast<Elf64_Ehdr *>(content.data()); }

// The first program header of `type`; the test fails when there is none.
Elf64_Phdr *programHeader(std::string &content, uint32_t type) {
  auto *headers = reinterpret_cast<Elf64_Phdr *>(content.data() + header(content).e_phoff);
  for (int i = 0; i < header(content).e_phnum; ++i)
    if (headers[i].p_type == type)
      return &headers[i];
  ADD_FAILURE() << "no program header of type " << type;
  static Elf64_Phdr none;
  return &none;
}

TEST(ArtifactCheckTest, TheGoodFixturePasses) {
  Layout layout;
  Problem p = check(seal(goodContent()), &layout);
  EXPECT_FALSE(p) << p.message;
  EXPECT_GE(layout.loads.size(), 2u);
  EXPECT_NE(layout.dynamicVaddr, 0u);
}

TEST(ArtifactCheckTest, EveryTruncationIsRefused) {
  std::string artifact = seal(goodContent());
  for (size_t size = 0; size < artifact.size(); size += 97) {
    Problem p = check(artifact.substr(0, size));
    EXPECT_EQ(p.status, KILN_ERROR_INVALID_ARTIFACT) << "truncated to " << size;
  }
}

// Behind a matching digest: files that kilnc did not write right, or that someone re-sealed.
struct Malformation {
  const char *name;
  void (*edit)(std::string &content);
  kiln_status status;
  const char *message; // a part of the expected message
};

void PrintTo(const Malformation &m, std::ostream *os) { *os << m.name; }

class SealedMalformationTest : public ::testing::TestWithParam<Malformation> {};

TEST_P(SealedMalformationTest, IsRefusedWithAMessage) {
  const Malformation &m = GetParam();
  std::string content = goodContent();
  m.edit(content);
  Problem p = check(seal(content));
  EXPECT_EQ(p.status, m.status) << p.message;
  EXPECT_NE(p.message.find(m.message), std::string::npos) << p.message;
}

INSTANTIATE_TEST_SUITE_P(
    ArtifactCheckTest, SealedMalformationTest,
    ::testing::Values(
        // What made ld.so fault with SIGBUS before: a segment that ends past the end of the file.
        Malformation{"truncated",
                     [](std::string &c) { c.resize(programHeader(c, PT_DYNAMIC)->p_offset); },
                     KILN_ERROR_INVALID_ARTIFACT, "past the end of the file"},
        Malformation{"truncatedWithoutSectionHeaders",
                     [](std::string &c) {
                       header(c).e_shoff = 0;
                       c.resize(programHeader(c, PT_DYNAMIC)->p_offset);
                     },
                     KILN_ERROR_INVALID_ARTIFACT, "lies past the end of the file"},
        Malformation{"class32", [](std::string &c) { header(c).e_ident[EI_CLASS] = ELFCLASS32; },
                     KILN_ERROR_INVALID_ARTIFACT, "not a 64-bit little-endian ELF file"},
        Malformation{"bigEndian", [](std::string &c) { header(c).e_ident[EI_DATA] = ELFDATA2MSB; },
                     KILN_ERROR_INVALID_ARTIFACT, "not a 64-bit little-endian ELF file"},
        Malformation{"executable", [](std::string &c) { header(c).e_type = ET_EXEC; },
                     KILN_ERROR_INVALID_ARTIFACT, "ELF type 2, not a shared object"},
        Malformation{"foreignMachine", [](std::string &c) { header(c).e_machine = EM_RISCV; },
                     KILN_ERROR_UNSUPPORTED_CPU, "it is code for ELF machine 243"},
        Malformation{"noProgramHeaders", [](std::string &c) { header(c).e_phnum = 0; },
                     KILN_ERROR_INVALID_ARTIFACT, "0 program headers"},
        Malformation{"programHeadersPastTheEnd",
                     [](std::string &c) { header(c).e_phoff = c.size() - 8; },
                     KILN_ERROR_INVALID_ARTIFACT, "the program headers lie past the end"},
        Malformation{"sectionHeadersPastTheEnd",
                     [](std::string &c) { header(c).e_shoff = c.size(); },
                     KILN_ERROR_INVALID_ARTIFACT, "the section headers lie past the end"},
        Malformation{"segmentPastTheEnd",
                     [](std::string &c) { programHeader(c, PT_LOAD)->p_filesz = c.size() + 1; },
                     KILN_ERROR_INVALID_ARTIFACT, "lies past the end of the file"},
        Malformation{"segmentOffsetOverflow",
                     [](std::string &c) { programHeader(c, PT_LOAD)->p_offset = ~uint64_t(0); },
                     KILN_ERROR_INVALID_ARTIFACT, "lies past the end of the file"},
        Malformation{"fileSizeOverMemorySize",
                     [](std::string &c) {
                       Elf64_Phdr *load = programHeader(c, PT_LOAD);
                       load->p_memsz = load->p_filesz - 1;
                     },
                     KILN_ERROR_INVALID_ARTIFACT, "impossible sizes"},
        Malformation{"noDynamicSection",
                     [](std::string &c) { programHeader(c, PT_DYNAMIC)->p_type = PT_NULL; },
                     KILN_ERROR_INVALID_ARTIFACT, "no dynamic section"}),
    [](const ::testing::TestParamInfo<Malformation> &info) { return info.param.name; });

// Through the C API: the re-sealed truncation is refused before dlopen could fault on it.
TEST(ArtifactCheckTest, ResealedTruncationNeverReachesTheLoader) {
  std::string content = goodContent();
  content.resize(programHeader(content, PT_DYNAMIC)->p_offset);
  ScratchDir dir;
  std::string path = dir.write("truncated.so", seal(content));
  kiln_module *module = nullptr;
  EXPECT_EQ(kiln_module_load(path.c_str(), &module), KILN_ERROR_INVALID_ARTIFACT);
  EXPECT_NE(std::string(kiln_last_error()).find("malformed ELF file"), std::string::npos)
      << kiln_last_error();
}

} // namespace
} // namespace kiln::test
