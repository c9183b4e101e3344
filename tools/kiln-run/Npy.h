// Npy.h - NumPy .npy files (format 1.0 to 3.0, little-endian, C order) read into and written from
// dense, aligned arrays typed with Kiln's dtypes.
#ifndef KILN_TOOLS_NPY_H
#define KILN_TOOLS_NPY_H

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace kiln::npy {

// A dense row-major array that owns its data. The data is 64-byte aligned so that compiled code
// gets the alignment it is fastest with.
class Array {
public:
  // Allocates zeroed storage for `shape`; on failure (unknown dtype, size overflow, out of
  // memory) returns false and says why in `error`.
  bool allocate(uint32_t dtype, std::vector<int64_t> shape, std::string &error);

  uint32_t dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  uint32_t rank() const { return static_cast<uint32_t>(shape_.size()); }
  void *data() { return data_.get(); }
  const void *data() const { return data_.get(); }
  uint64_t numElements() const { return numElements_; }
  uint64_t numBytes() const { return numBytes_; }

  // Frees what malloc and its kin return.
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };

private:
  uint32_t dtype_ = 0;
  std::vector<int64_t> shape_;
  uint64_t numElements_ = 0;
  uint64_t numBytes_ = 0;
  std::unique_ptr<void, Free> data_;
};

// The fields of an .npy header that Kiln uses.
struct Header {
  uint32_t dtype = 0;
  std::vector<int64_t> shape;
};

// Parses the Python dict literal of an .npy header, e.g.
// "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }". Rejects what Kiln cannot use
// (big-endian, Fortran order, structured or unsigned dtypes) with a message.
bool parseHeader(const std::string &text, Header &out, std::string &error);

// The header dict numpy would write for an array, without the padding.
std::string formatHeader(uint32_t dtype, const std::vector<int64_t> &shape);

// Reads an .npy file. Errors start with the path ("'x.npy': truncated ...").
bool read(const std::string &path, Array &out, std::string &error);

// Writes an .npy file (format 1.0, or 2.0 for huge headers) through a temporary file in the same
// directory that is renamed into place, so `path` is either untouched or complete. A symlink's
// target is replaced; devices and pipes (/dev/stdout) are written in place.
bool write(const std::string &path, const Array &array, std::string &error);

} // namespace kiln::npy

#endif // KILN_TOOLS_NPY_H
