// NpyTest.cpp - .npy reading and writing: round trips, numpy's exact bytes, and corrupt files.
#include "Npy.h"
#include "TestSupport.h"

#include "kiln/runtime.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace kiln::test {
namespace {

std::string readBytes(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// An .npy file as numpy 1.24 writes it, with `dict` padded to a 64-byte boundary.
std::string npyFile(const std::string &dict, const std::string &data) {
  std::string header = dict;
  header.append(118 - dict.size() - 1, ' ');
  header += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header +
         data;
}

std::string floats(std::initializer_list<float> values) {
  return std::string(reinterpret_cast<const char *>(values.begin()), values.size() * 4);
}

const std::string numpyArange6 = npyFile(
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats({0, 1, 2, 3, 4, 5}));

npy::Array arrayOf(uint32_t dtype, std::vector<int64_t> shape) {
  npy::Array array;
  std::string error;
  EXPECT_TRUE(array.allocate(dtype, std::move(shape), error)) << error;
  auto *bytes = static_cast<unsigned char *>(array.data());
  for (uint64_t i = 0; i < array.numBytes(); ++i)
    bytes[i] = static_cast<unsigned char>(i * 7 + 1);
  if (dtype == KILN_DTYPE_BOOL)
    for (uint64_t i = 0; i < array.numBytes(); ++i)
      bytes[i] &= 1;
  return array;
}

TEST(NpyTest, ReadsWhatNumpyWrites) {
  ScratchDir dir;
  npy::Array array;
  std::string error;
  ASSERT_TRUE(npy::read(dir.write("a.npy", numpyArange6), array, error)) << error;
  EXPECT_EQ(array.dtype(), KILN_DTYPE_F32);
  EXPECT_EQ(array.shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(static_cast<const float *>(array.data())[5], 5.0f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(array.data()) % 64, 0u);
}

TEST(NpyTest, WritesWhatNumpyWrites) {
  ScratchDir dir;
  npy::Array array;
  std::string error;
  ASSERT_TRUE(array.allocate(KILN_DTYPE_F32, {2, 3}, error)) << error;
  for (int i = 0; i < 6; ++i)
    static_cast<float *>(array.data())[i] = static_cast<float>(i);
  ASSERT_TRUE(npy::write(dir.file("a.npy"), array, error)) << error;
  EXPECT_EQ(readBytes(dir.file("a.npy")), numpyArange6);
}

TEST(NpyTest, HeaderSpelling) {
  EXPECT_EQ(npy::formatHeader(KILN_DTYPE_F32, {3}),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
  EXPECT_EQ(npy::formatHeader(KILN_DTYPE_BOOL, {}),
            "{'descr': '|b1', 'fortran_order': False, 'shape': (), }");
  EXPECT_EQ(npy::formatHeader(KILN_DTYPE_I64, {2, 0, 4}),
            "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 0, 4), }");
}

class NpyRoundTripTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(NpyRoundTripTest, KeepsDtypeShapeAndBytes) {
  ScratchDir dir;
  for (const std::vector<int64_t> &shape :
       {std::vector<int64_t>{}, {0}, {5}, {2, 3, 4}, {1, 1, 7}}) {
    npy::Array original = arrayOf(GetParam(), shape), copy;
    std::string error;
    ASSERT_TRUE(npy::write(dir.file("x.npy"), original, error)) << error;
    ASSERT_TRUE(npy::read(dir.file("x.npy"), copy, error)) << error;
    EXPECT_EQ(copy.dtype(), original.dtype());
    EXPECT_EQ(copy.shape(), original.shape());
    ASSERT_EQ(copy.numBytes(), original.numBytes());
    EXPECT_EQ(std::memcmp(copy.data(), original.data(), copy.numBytes()), 0);
    EXPECT_EQ(readBytes(dir.file("x.npy")).size() % 64, original.numBytes() % 64)
        << "the data must start 64-byte aligned";
  }
}

INSTANTIATE_TEST_SUITE_P(NpyTest, NpyRoundTripTest,
                         ::testing::Values(KILN_DTYPE_F32, KILN_DTYPE_F64, KILN_DTYPE_F16,
                                           KILN_DTYPE_BOOL, KILN_DTYPE_I8, KILN_DTYPE_I16,
                                           KILN_DTYPE_I32, KILN_DTYPE_I64, KILN_DTYPE_U8,
                                           KILN_DTYPE_U16, KILN_DTYPE_U32),
                         [](const ::testing::TestParamInfo<uint32_t> &info) {
                           return std::string(kiln_dtype_name(info.param));
                         });

TEST(NpyTest, HeaderVariantsThatNumpyAccepts) {
  struct Case {
    const char *text;
    uint32_t dtype;
    std::vector<int64_t> shape;
  } cases[] = {
      {"{\"shape\": (4,), \"descr\": \"<i4\", \"fortran_order\": False}", KILN_DTYPE_I32, {4}},
      {"{'descr':'|i1','fortran_order':False,'shape':(2,3)}\n", KILN_DTYPE_I8, {2, 3}},
      {"{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", KILN_DTYPE_U8, {2}},
      {"{'descr': '<u4', 'fortran_order': False, 'shape': (), }", KILN_DTYPE_U32, {}},
      {"{'descr': '<i8', 'fortran_order': False, 'shape': (3L, 2L), }", KILN_DTYPE_I64, {3, 2}},
      {"{'descr': '=f8', 'fortran_order': True, 'shape': (5,), }", KILN_DTYPE_F64, {5}},
      {"{'descr': '<f2', 'fortran_order': True, 'shape': (1, 6, 1), }", KILN_DTYPE_F16, {1, 6, 1}},
      {"{'descr': '>b1', 'fortran_order': False, 'shape': (), }", KILN_DTYPE_BOOL, {}},
  };
  for (const Case &c : cases) {
    npy::Header header;
    std::string error;
    EXPECT_TRUE(npy::parseHeader(c.text, header, error)) << c.text << ": " << error;
    EXPECT_EQ(header.dtype, c.dtype) << c.text;
    EXPECT_EQ(header.shape, c.shape) << c.text;
  }
}

struct BadHeader {
  const char *name;
  const char *text;
  const char *error;
};

void PrintTo(const BadHeader &c, std::ostream *os) { *os << c.text; }

class NpyBadHeaderTest : public ::testing::TestWithParam<BadHeader> {};

TEST_P(NpyBadHeaderTest, IsRejectedWithAMessage) {
  npy::Header header;
  std::string error;
  EXPECT_FALSE(npy::parseHeader(GetParam().text, header, error));
  EXPECT_EQ(error, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    NpyTest, NpyBadHeaderTest,
    ::testing::Values(
        BadHeader{"FortranOrder", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                  "Fortran-order arrays are not supported (save np.ascontiguousarray(x) "
                  "instead)"},
        BadHeader{"BigEndian", "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                  "big-endian dtype '>f4' is not supported (convert with .astype('<f4'))"},
        BadHeader{"Unsigned64", "{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }",
                  "dtype '<u8' is not supported (Kiln's unsigned types are u1, u2 and u4)"},
        BadHeader{"Complex", "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }",
                  "dtype '<c8' is not supported"},
        BadHeader{"NoByteOrder", "{'descr': 'f4', 'fortran_order': False, 'shape': (2,), }",
                  "unsupported dtype 'f4'"},
        BadHeader{"Structured",
                  "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (2,), }",
                  "bad header at offset 10: structured dtypes are not supported"},
        BadHeader{"MissingKey", "{'descr': '<f4', 'shape': (2,), }",
                  "the header lacks 'fortran_order'"},
        BadHeader{"ExtraKey", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}",
                  "bad header at offset 56: unexpected or repeated key 'x'"},
        BadHeader{"RepeatedKey",
                  "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}",
                  "bad header at offset 17: unexpected or repeated key 'descr'"},
        BadHeader{"NegativeDim", "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
                  "bad header at offset 51: expected a nonnegative integer dimension"},
        BadHeader{"HugeDim",
                  "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
                  "bad header at offset 51: expected a nonnegative integer dimension"},
        BadHeader{"TooManyDims",
                  "{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1,1,1,"
                  "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1)}",
                  "bad header at offset 115: more than 32 dimensions"},
        BadHeader{"NotABool", "{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,)}",
                  "bad header at offset 34: expected True or False for 'fortran_order'"},
        BadHeader{"ShapeNotATuple", "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}",
                  "bad header at offset 50: expected a tuple for 'shape'"},
        BadHeader{"Unterminated", "{'descr': '<f4",
                  "bad header at offset 10: expected a string for 'descr'"},
        BadHeader{"Empty", "", "bad header at its end: expected '{'"},
        BadHeader{"TrailingText", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk",
                  "bad header at offset 56: unexpected text after the header dict"},
        BadHeader{"MissingComma", "{'descr': '<f4' 'fortran_order': False}",
                  "bad header at offset 16: expected ',' or '}'"}),
    [](const ::testing::TestParamInfo<BadHeader> &info) { return info.param.name; });

class NpyCorruptFileTest : public ::testing::Test {
protected:
  // Writes `bytes`, reads them back, and returns the error (empty if the read succeeded).
  std::string readError(const std::string &bytes) {
    std::string path = dir_.write("bad.npy", bytes), error;
    npy::Array array;
    if (npy::read(path, array, error))
      return "";
    EXPECT_EQ(error.rfind("'" + path + "': ", 0), 0u) << "errors start with the path: " << error;
    return error.substr(path.size() + 4);
  }

  ScratchDir dir_;
};

TEST_F(NpyCorruptFileTest, NotNpy) {
  EXPECT_EQ(readError("PK\x03\x04 a zip file"), "not an .npy file (no \\x93NUMPY magic)");
  EXPECT_EQ(readError(""), "not an .npy file (no \\x93NUMPY magic)");
}

TEST_F(NpyCorruptFileTest, UnknownVersion) {
  std::string bytes = numpyArange6;
  bytes[6] = 9;
  EXPECT_EQ(readError(bytes), "unsupported .npy format version 9.0");
}

TEST_F(NpyCorruptFileTest, TruncatedPrefix) {
  EXPECT_EQ(readError(numpyArange6.substr(0, 9)), "truncated header");
}

TEST_F(NpyCorruptFileTest, HeaderLongerThanTheFile) {
  std::string bytes = numpyArange6;
  bytes[8] = '\xff';
  bytes[9] = '\x7f';
  EXPECT_EQ(readError(bytes), "truncated or corrupt header (it claims 32767 bytes)");
}

TEST_F(NpyCorruptFileTest, TruncatedData) {
  EXPECT_EQ(readError(numpyArange6.substr(0, numpyArange6.size() - 3)),
            "truncated: the header describes 24 bytes of data, but the file holds 21");
}

TEST_F(NpyCorruptFileTest, TrailingBytes) {
  EXPECT_EQ(readError(numpyArange6 + "xx"),
            "corrupt: the header describes 24 bytes of data, but the file holds 26");
}

TEST_F(NpyCorruptFileTest, HugeShapeInASmallFile) {
  std::string bytes =
      npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", "");
  EXPECT_EQ(readError(bytes),
            "truncated: the header describes 8000000000000 bytes of data, but the file holds 0");
}

TEST_F(NpyCorruptFileTest, OverflowingShape) {
  std::string bytes =
      npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", "");
  EXPECT_EQ(readError(bytes), "shape is negative or too large");
}

TEST_F(NpyCorruptFileTest, BadHeaderInsideAFile) {
  std::string bytes = npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", "");
  EXPECT_EQ(readError(bytes), "bad header at its end: expected a quoted key followed by ':'");
}

TEST_F(NpyCorruptFileTest, EveryTruncationIsAnError) {
  for (size_t size = 0; size < numpyArange6.size(); ++size)
    EXPECT_NE(readError(numpyArange6.substr(0, size)), "") << size << " bytes";
}

TEST_F(NpyCorruptFileTest, NoSingleByteChangeCrashes) {
  // Whether a change is caught depends on the byte; what matters is that every read returns.
  for (size_t i = 0; i < numpyArange6.size(); ++i) {
    for (char value : {'\0', '\xff', '(', ')', '\'', ',', '9', ' ', '{', '}'}) {
      std::string bytes = numpyArange6;
      bytes[i] = value;
      readError(bytes);
    }
  }
}

TEST(NpyTest, ReadingMissingFileOrDirectory) {
  ScratchDir dir;
  npy::Array array;
  std::string error;
  EXPECT_FALSE(npy::read(dir.file("missing.npy"), array, error));
  EXPECT_EQ(error, "'" + dir.file("missing.npy") + "': No such file or directory");
  EXPECT_FALSE(npy::read(dir.path().string(), array, error));
  EXPECT_EQ(error, "'" + dir.path().string() + "': not a regular file");
}

// Opening a FIFO for reading waits for a writer: without one, read must refuse it at once.
TEST(NpyTest, ReadingAFifoFailsAtOnce) {
  ScratchDir dir;
  std::string path = dir.file("fifo.npy");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0) << std::strerror(errno);
  npy::Array array;
  std::string error;
  EXPECT_FALSE(npy::read(path, array, error));
  EXPECT_EQ(error, "'" + path + "': not a regular file");
}

TEST(NpyTest, BoolsMustBeZeroOrOne) {
  const std::string dict = "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 3), }";
  ScratchDir dir;
  npy::Array array;
  std::string error;
  ASSERT_TRUE(
      npy::read(dir.write("ok.npy", npyFile(dict, std::string("\1\0\1\1\0\0", 6))), array, error))
      << error;
  std::string path = dir.write("bad.npy", npyFile(dict, std::string("\1\0\1\1\2\377", 6)));
  EXPECT_FALSE(npy::read(path, array, error));
  EXPECT_EQ(error, "'" + path +
                       "': bool element 4 (in row-major order) is byte 2; a bool must be "
                       "0 or 1");
}

TEST(NpyTest, WriteLeavesNoTemporaryFiles) {
  ScratchDir dir;
  npy::Array array = arrayOf(KILN_DTYPE_I32, {3});
  std::string error;
  ASSERT_TRUE(npy::write(dir.file("out.npy"), array, error)) << error;
  ASSERT_TRUE(npy::write(dir.file("out.npy"), array, error)) << "overwriting: " << error;
  size_t files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir.path()))
    files += entry.path().filename() == "out.npy" ? 1 : 100;
  EXPECT_EQ(files, 1u);
}

TEST(NpyTest, WriteIntoAMissingDirectoryFails) {
  ScratchDir dir;
  npy::Array array = arrayOf(KILN_DTYPE_I32, {3});
  std::string error, path = dir.file("no/such/dir/out.npy");
  EXPECT_FALSE(npy::write(path, array, error));
  EXPECT_EQ(error, "cannot write '" + path + "': No such file or directory");
}

TEST(NpyTest, WriteOverADirectoryFailsAndCleansUp) {
  ScratchDir dir;
  std::filesystem::create_directory(dir.file("taken"));
  npy::Array array = arrayOf(KILN_DTYPE_I32, {3});
  std::string error;
  EXPECT_FALSE(npy::write(dir.file("taken"), array, error));
  EXPECT_EQ(error, "cannot write '" + dir.file("taken") + "': Is a directory");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1)
      << "the temporary file must be removed";
}

TEST(NpyTest, WriteThroughASymlinkReplacesItsTarget) {
  ScratchDir dir;
  std::filesystem::create_directory(dir.file("real"));
  dir.write("real/x.npy", "old");
  std::filesystem::create_symlink(dir.file("real/x.npy"), dir.file("link.npy"));
  npy::Array array = arrayOf(KILN_DTYPE_I32, {3});
  std::string error;
  ASSERT_TRUE(npy::write(dir.file("link.npy"), array, error)) << error;
  EXPECT_TRUE(std::filesystem::is_symlink(dir.file("link.npy")));
  npy::Array copy;
  ASSERT_TRUE(npy::read(dir.file("real/x.npy"), copy, error)) << error;
  EXPECT_EQ(copy.shape(), array.shape());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("real")), {}), 1);
}

TEST(NpyTest, WriteToADeviceWritesInPlace) {
  npy::Array array = arrayOf(KILN_DTYPE_I32, {3});
  std::string error;
  ASSERT_TRUE(npy::write("/dev/null", array, error)) << error;
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
}

TEST(NpyTest, Bfloat16HasNoNumpyDtype) {
  ScratchDir dir;
  npy::Array array = arrayOf(KILN_DTYPE_BF16, {3});
  std::string error;
  EXPECT_FALSE(npy::write(dir.file("x.npy"), array, error));
  EXPECT_EQ(error, "cannot write '" + dir.file("x.npy") + "': bf16 has no NumPy dtype");
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.npy")));
}

TEST(NpyTest, AllocateRejectsBadShapes) {
  npy::Array array;
  std::string error;
  EXPECT_FALSE(array.allocate(KILN_DTYPE_F32, {-1}, error));
  EXPECT_EQ(error, "shape is negative or too large");
  EXPECT_FALSE(array.allocate(KILN_DTYPE_F32, {int64_t(1) << 62}, error));
  EXPECT_EQ(error, "array is too large");
  EXPECT_FALSE(array.allocate(99, {1}, error));
  EXPECT_EQ(error, "unknown dtype 99");
}

TEST(NpyTest, EmptyArraysStillHaveData) {
  npy::Array array;
  std::string error;
  ASSERT_TRUE(array.allocate(KILN_DTYPE_F32, {0, 4}, error)) << error;
  EXPECT_NE(array.data(), nullptr);
  EXPECT_EQ(array.numBytes(), 0u);
}

} // namespace
} // namespace kiln::test
