// Npy.cpp - NumPy .npy reading and writing with strict, crash-free header parsing.
#include "Npy.h"

#include "kiln/runtime.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, ".npy I/O assumes a little-endian host");

namespace kiln::npy {
namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr size_t magicSize = 6;
constexpr size_t alignment = 64;
// numpy caps headers far lower; a larger one is corrupt, and must not make us allocate it.
constexpr uint32_t maxHeaderSize = 1u << 20;

// numpy's type codes without the byte-order character.
struct TypeCode {
  const char *code;
  uint32_t dtype;
};
constexpr TypeCode typeCodes[] = {
    {"f4", KILN_DTYPE_F32}, {"f8", KILN_DTYPE_F64}, {"f2", KILN_DTYPE_F16}, {"b1", KILN_DTYPE_BOOL},
    {"i1", KILN_DTYPE_I8},  {"i2", KILN_DTYPE_I16}, {"i4", KILN_DTYPE_I32}, {"i8", KILN_DTYPE_I64},
    {"u1", KILN_DTYPE_U8},  {"u2", KILN_DTYPE_U16}, {"u4", KILN_DTYPE_U32},
};

bool dtypeFromDescr(const std::string &descr, uint32_t &dtype, std::string &error) {
  char order = descr.empty() ? '\0' : descr[0];
  if (order == '\0' || !std::strchr("<>|=", order)) {
    error = "unsupported dtype '" + descr + "'";
    return false;
  }
  std::string code = descr.substr(1);
  for (const TypeCode &entry : typeCodes) {
    if (code != entry.code)
      continue;
    if (order == '>' && kiln_dtype_size(entry.dtype) > 1) {
      error = "big-endian dtype '" + descr + "' is not supported (convert with .astype('<" + code +
              "'))";
      return false;
    }
    dtype = entry.dtype;
    return true;
  }
  error = "dtype '" + descr + "' is not supported" +
          (code == "u8" ? " (Kiln's unsigned types are u1, u2 and u4)" : "");
  return false;
}

std::string descrOf(uint32_t dtype) {
  for (const TypeCode &entry : typeCodes)
    if (entry.dtype == dtype)
      return (kiln_dtype_size(dtype) == 1 ? "|" : "<") + std::string(entry.code);
  return "";
}

// A recursive-descent reader for the Python literal subset that numpy writes.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text_(text) {}

  bool parse(Header &out, std::string &error) {
    Fields fields;
    return parseDict(fields, error) && checkFields(fields, out, error);
  }

private:
  // What the dict says, before it is checked.
  struct Fields {
    std::string descr;
    bool fortranOrder = false;
    std::vector<int64_t> shape;
    bool sawDescr = false, sawOrder = false, sawShape = false;
  };

  bool parseDict(Fields &fields, std::string &error) {
    if (!expect('{'))
      return failAt("expected '{'", error);
    while (skipSpace(), peek() != '}') {
      if (!parseEntry(fields, error))
        return false;
      skipSpace();
      if (!expect(',') && peek() != '}')
        return failAt("expected ',' or '}'", error);
    }
    ++pos_;
    skipSpace();
    if (pos_ != text_.size())
      return failAt("unexpected text after the header dict", error);
    return true;
  }

  bool parseEntry(Fields &fields, std::string &error) {
    size_t keyStart = pos_;
    std::string key;
    if (!parseString(key) || (skipSpace(), !expect(':')))
      return failAt("expected a quoted key followed by ':'", error);
    skipSpace();
    if (key == "descr" && !fields.sawDescr) {
      if (peek() == '[')
        return failAt("structured dtypes are not supported", error);
      if (!parseString(fields.descr))
        return failAt("expected a string for 'descr'", error);
      fields.sawDescr = true;
      return true;
    }
    if (key == "fortran_order" && !fields.sawOrder) {
      if (!parseBool(fields.fortranOrder))
        return failAt("expected True or False for 'fortran_order'", error);
      fields.sawOrder = true;
      return true;
    }
    if (key == "shape" && !fields.sawShape) {
      fields.sawShape = true;
      return parseShape(fields.shape, error);
    }
    pos_ = keyStart;
    return failAt("unexpected or repeated key '" + key + "'", error);
  }

  static bool checkFields(const Fields &fields, Header &out, std::string &error) {
    for (auto [seen, key] :
         {std::pair{fields.sawDescr, "descr"}, std::pair{fields.sawOrder, "fortran_order"},
          std::pair{fields.sawShape, "shape"}}) {
      if (!seen) {
        error = std::string("the header lacks '") + key + "'";
        return false;
      }
    }
    if (fields.fortranOrder && !sameAsRowMajor(fields.shape)) {
      error = "Fortran-order arrays are not supported (save np.ascontiguousarray(x) instead)";
      return false;
    }
    out.shape = fields.shape;
    return dtypeFromDescr(fields.descr, out.dtype, error);
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  bool expect(char c) {
    if (peek() != c)
      return false;
    ++pos_;
    return true;
  }

  void skipSpace() {
    while (pos_ < text_.size() && text_[pos_] != '\0' && std::strchr(" \t\n\r", text_[pos_]))
      ++pos_;
  }

  bool failAt(const std::string &what, std::string &error) const {
    error =
        "bad header " +
        (pos_ < text_.size() ? "at offset " + std::to_string(pos_) : std::string("at its end")) +
        ": " + what;
    return false;
  }

  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return false;
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos)
      return false;
    out = text_.substr(pos_ + 1, end - pos_ - 1);
    // numpy never escapes anything in these strings; an escape means something else wrote it.
    if (out.find('\\') != std::string::npos)
      return false;
    pos_ = end + 1;
    return true;
  }

  bool parseBool(bool &out) {
    for (const char *word : {"True", "False"}) {
      if (text_.compare(pos_, std::strlen(word), word) == 0) {
        pos_ += std::strlen(word);
        out = word[0] == 'T';
        return true;
      }
    }
    return false;
  }

  bool parseDim(int64_t &out) {
    size_t start = pos_;
    uint64_t value = 0;
    constexpr auto limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      auto digit = static_cast<uint64_t>(text_[pos_++] - '0');
      if (value > (limit - digit) / 10) {
        pos_ = start;
        return false;
      }
      value = value * 10 + digit;
    }
    expect('L'); // Python 2's long suffix, in files from old numpy
    out = static_cast<int64_t>(value);
    return pos_ > start;
  }

  bool parseShape(std::vector<int64_t> &shape, std::string &error) {
    if (!expect('('))
      return failAt("expected a tuple for 'shape'", error);
    shape.clear();
    while (skipSpace(), peek() != ')') {
      if (shape.size() == KILN_MAX_RANK)
        return failAt("more than " + std::to_string(KILN_MAX_RANK) + " dimensions", error);
      int64_t dim = 0;
      if (!parseDim(dim))
        return failAt("expected a nonnegative integer dimension", error);
      shape.push_back(dim);
      skipSpace();
      if (!expect(',') && peek() != ')')
        return failAt("expected ',' or ')' in 'shape'", error);
    }
    ++pos_;
    return true;
  }

  // Column-major and row-major agree when at most one dimension exceeds 1.
  static bool sameAsRowMajor(const std::vector<int64_t> &shape) {
    int longDims = 0;
    for (int64_t dim : shape)
      longDims += dim > 1;
    return longDims <= 1;
  }

  const std::string &text_;
  size_t pos_ = 0;
};

struct FileCloser {
  void operator()(FILE *file) const { std::fclose(file); }
};
using File = std::unique_ptr<FILE, FileCloser>;

uint64_t readLittleEndian(const unsigned char *bytes, size_t count) {
  uint64_t value = 0;
  for (size_t i = count; i-- > 0;)
    value = value << 8 | bytes[i];
  return value;
}

// Reads the magic, version and header; leaves the file at the first data byte.
bool readHeader(FILE *file, uint64_t fileSize, Header &header, uint64_t &dataOffset,
                std::string &error) {
  unsigned char prefix[12];
  if (std::fread(prefix, 1, 8, file) != 8 || std::memcmp(prefix, magic, magicSize) != 0) {
    error = "not an .npy file (no \\x93NUMPY magic)";
    return false;
  }
  unsigned major = prefix[6], minor = prefix[7];
  if (major < 1 || major > 3) {
    error =
        "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor);
    return false;
  }
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (std::fread(prefix + 8, 1, lengthBytes, file) != lengthBytes) {
    error = "truncated header";
    return false;
  }
  uint64_t headerSize = readLittleEndian(prefix + 8, lengthBytes);
  dataOffset = 8 + lengthBytes + headerSize;
  if (headerSize > maxHeaderSize || dataOffset > fileSize) {
    error = "truncated or corrupt header (it claims " + std::to_string(headerSize) + " bytes)";
    return false;
  }
  std::string text(headerSize, '\0');
  if (std::fread(text.data(), 1, headerSize, file) != headerSize) {
    error = "cannot read the header";
    return false;
  }
  return HeaderParser(text).parse(header, error);
}

bool writeAll(int fd, const void *data, uint64_t size) {
  auto *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t written = ::write(fd, bytes, size);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0) {
      errno = written == 0 ? EIO : errno;
      return false;
    }
    bytes += written;
    size -= static_cast<uint64_t>(written);
  }
  return true;
}

// numpy pads the header with spaces and a newline so that the data starts 64-byte aligned.
// Format 1.0 stores the header size in 16 bits; only a huge rank-32 shape needs 2.0.
std::string encodeHeader(const Array &array) {
  std::string dict = formatHeader(array.dtype(), array.shape());
  auto paddedSize = [&](size_t prefixSize) {
    return (prefixSize + dict.size() + 1 + alignment - 1) / alignment * alignment - prefixSize;
  };
  bool version1 = paddedSize(10) <= 0xffff;
  size_t prefixSize = version1 ? 10 : 12;
  dict.append(paddedSize(prefixSize) - dict.size() - 1, ' ');
  dict += '\n';
  std::string out(magic, magicSize);
  out += static_cast<char>(version1 ? 1 : 2);
  out += '\0';
  for (size_t i = 0; i < prefixSize - 8; ++i)
    out += static_cast<char>((dict.size() >> (8 * i)) & 0xff);
  return out + dict;
}

// The bytes an array of this type takes; false when it does not fit in an int64_t.
bool byteSize(uint32_t dtype, const std::vector<int64_t> &shape, uint64_t &elements,
              uint64_t &bytes, std::string &error) {
  elements = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || __builtin_mul_overflow(elements, static_cast<uint64_t>(dim), &elements)) {
      error = "shape is negative or too large";
      return false;
    }
  }
  if (__builtin_mul_overflow(elements, kiln_dtype_size(dtype), &bytes) ||
      bytes > std::numeric_limits<int64_t>::max() - alignment) {
    error = "array is too large";
    return false;
  }
  return true;
}

// Creates a fresh file next to `path`, with the permissions a plain create would give.
int createTemporary(const std::string &path, std::string &tempPath) {
  static unsigned counter = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    tempPath = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
    int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST)
      return fd;
  }
  return -1;
}

// Writes an .npy file's bytes to `fd` and closes it; returns 0 or an errno value.
int writeAndClose(int fd, const std::string &header, const Array &array) {
  int failure = 0;
  if (!writeAll(fd, header.data(), header.size()) || !writeAll(fd, array.data(), array.numBytes()))
    failure = errno;
  if (::close(fd) != 0 && !failure)
    failure = errno;
  return failure;
}

// Writes a temporary file next to `path` and renames it over `path`, so that `path` is never
// seen half-written; returns 0 or an errno value.
int replaceAtomically(const std::string &path, const std::string &header, const Array &array) {
  std::string tempPath;
  int fd = createTemporary(path, tempPath);
  if (fd < 0)
    return errno;
  int failure = writeAndClose(fd, header, array);
  if (!failure && std::rename(tempPath.c_str(), path.c_str()) != 0)
    failure = errno;
  if (failure)
    ::unlink(tempPath.c_str());
  return failure;
}

} // namespace

bool Array::allocate(uint32_t dtype, std::vector<int64_t> shape, std::string &error) {
  if (kiln_dtype_size(dtype) == 0) {
    error = "unknown dtype " + std::to_string(dtype);
    return false;
  }
  uint64_t elements = 0, bytes = 0;
  if (!byteSize(dtype, shape, elements, bytes, error))
    return false;
  // Even an empty array gets storage, so that its data pointer is never NULL.
  uint64_t capacity = (bytes + alignment) / alignment * alignment;
  void *data = std::aligned_alloc(alignment, capacity);
  if (!data) {
    error = "out of memory for " + std::to_string(bytes) + " bytes";
    return false;
  }
  std::memset(data, 0, capacity);
  data_.reset(data);
  dtype_ = dtype;
  shape_ = std::move(shape);
  numElements_ = elements;
  numBytes_ = bytes;
  return true;
}

bool parseHeader(const std::string &text, Header &out, std::string &error) {
  return HeaderParser(text).parse(out, error);
}

std::string formatHeader(uint32_t dtype, const std::vector<int64_t> &shape) {
  std::string dims;
  for (int64_t dim : shape)
    dims += std::to_string(dim) + ", ";
  // A one-element Python tuple keeps its comma: "(3,)".
  if (!dims.empty())
    dims.erase(dims.size() - (shape.size() == 1 ? 1 : 2));
  return "{'descr': '" + descrOf(dtype) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
}

/// A bool is one byte, 0 or 1; compiled code and the interpreter read other bytes differently
/// (a select took either branch), so they are refused, naming the first one.
static bool checkBools(const Array &array, std::string &error) {
  const auto *bytes = static_cast<const unsigned char *>(array.data());
  for (uint64_t i = 0; i < array.numBytes(); ++i) {
    if (bytes[i] > 1) {
      error = "bool element " + std::to_string(i) + " (in row-major order) is byte " +
              std::to_string(bytes[i]) + "; a bool must be 0 or 1";
      return false;
    }
  }
  return true;
}

bool read(const std::string &path, Array &out, std::string &error) {
  auto failWith = [&](const std::string &message) {
    error = "'" + path + "': " + message;
    return false;
  };
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. It is
  // refused below with every other file that is not regular, and means nothing for those.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return failWith(std::strerror(errno));
  File file(::fdopen(fd, "rb"));
  if (!file) {
    ::close(fd);
    return failWith(std::strerror(errno));
  }
  struct stat info;
  if (fstat(fd, &info) != 0)
    return failWith(std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return failWith("not a regular file");
  Header header;
  uint64_t dataOffset = 0;
  std::string message;
  if (!readHeader(file.get(), static_cast<uint64_t>(info.st_size), header, dataOffset, message))
    return failWith(message);
  // Checked before allocating, so that a corrupt shape cannot ask for terabytes.
  uint64_t elements = 0, bytes = 0;
  if (!byteSize(header.dtype, header.shape, elements, bytes, message))
    return failWith(message);
  uint64_t available = static_cast<uint64_t>(info.st_size) - dataOffset;
  if (available != bytes)
    return failWith((available < bytes ? "truncated: " : "corrupt: ") +
                    std::string("the header describes ") + std::to_string(bytes) +
                    " bytes of data, but the file holds " + std::to_string(available));
  if (!out.allocate(header.dtype, header.shape, message))
    return failWith(message);
  if (std::fread(out.data(), 1, out.numBytes(), file.get()) != out.numBytes())
    return failWith("read error");
  if (out.dtype() == KILN_DTYPE_BOOL)
    return checkBools(out, message) || failWith(message);
  return true;
}

bool write(const std::string &path, const Array &array, std::string &error) {
  if (descrOf(array.dtype()).empty()) {
    error =
        "cannot write '" + path + "': " + kiln_dtype_name(array.dtype()) + " has no NumPy dtype";
    return false;
  }
  std::string header = encodeHeader(array);
  struct stat info;
  bool exists = stat(path.c_str(), &info) == 0;
  int failure = 0;
  if (exists && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode)) {
    // A rename would replace a device or a pipe (/dev/stdout) instead of writing to it.
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    failure = fd < 0 ? errno : writeAndClose(fd, header, array);
  } else {
    // Through a symlink, replace its target rather than the link.
    std::unique_ptr<char, Array::Free> target(exists ? realpath(path.c_str(), nullptr) : nullptr);
    failure = replaceAtomically(target ? target.get() : path, header, array);
  }
  if (failure)
    error = "cannot write '" + path + "': " + std::strerror(failure);
  return failure == 0;
}

} // namespace kiln::npy
