// ArrayPrinter.cpp - numpy-style formatting of arrays of every Kiln dtype.
#include "ArrayPrinter.h"

#include "kiln/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace kiln::run {
namespace {

// numpy's defaults for np.set_printoptions(threshold, edgeitems).
constexpr uint64_t summaryThreshold = 1000;
constexpr int64_t edgeItems = 3;

template <typename T> T load(const unsigned char *bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

float halfToFloat(uint16_t half) {
  int exponent = (half >> 10) & 0x1f;
  int mantissa = half & 0x3ff;
  float magnitude;
  if (exponent == 0) // zero or subnormal
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else // the implicit leading 1 is bit 10
    magnitude = std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
  return (half & 0x8000) ? -magnitude : magnitude;
}

float bfloat16ToFloat(uint16_t value) {
  uint32_t bits = static_cast<uint32_t>(value) << 16;
  return load<float>(reinterpret_cast<const unsigned char *>(&bits));
}

std::string formatFloat(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.8g", value);
  std::string out = text;
  // numpy marks whole floats with a trailing point ("2."), telling them apart from integers.
  if (out.find_first_of(".e") == std::string::npos)
    out += '.';
  return out;
}

std::string formatElement(const npy::Array &array, uint64_t index) {
  auto *bytes =
      static_cast<const unsigned char *>(array.data()) + index * kiln_dtype_size(array.dtype());
  switch (array.dtype()) {
  case KILN_DTYPE_F32:
    return formatFloat(load<float>(bytes));
  case KILN_DTYPE_F64:
    return formatFloat(load<double>(bytes));
  case KILN_DTYPE_F16:
    return formatFloat(halfToFloat(load<uint16_t>(bytes)));
  case KILN_DTYPE_BF16:
    return formatFloat(bfloat16ToFloat(load<uint16_t>(bytes)));
  case KILN_DTYPE_BOOL:
    return bytes[0] ? "True" : "False";
  case KILN_DTYPE_I8:
    return std::to_string(load<int8_t>(bytes));
  case KILN_DTYPE_I16:
    return std::to_string(load<int16_t>(bytes));
  case KILN_DTYPE_I32:
    return std::to_string(load<int32_t>(bytes));
  case KILN_DTYPE_I64:
    return std::to_string(load<int64_t>(bytes));
  case KILN_DTYPE_U8:
    return std::to_string(load<uint8_t>(bytes));
  case KILN_DTYPE_U16:
    return std::to_string(load<uint16_t>(bytes));
  case KILN_DTYPE_U32:
    return std::to_string(load<uint32_t>(bytes));
  }
  return "?";
}

// Walks the array twice: once to find the column width, once to write.
class Printer {
public:
  explicit Printer(const npy::Array &array)
      : array_(array), summarize_(array.numElements() > summaryThreshold),
        strides_(array.rank(), 1) {
    for (uint32_t d = array.rank(); d-- > 1;)
      strides_[d - 1] = strides_[d] * static_cast<uint64_t>(array.shape()[d]);
  }

  std::string format() {
    if (array_.rank() == 0)
      return formatElement(array_, 0);
    if (array_.numElements() == 0)
      return "[]";
    measuring_ = true;
    walk(0, 0);
    measuring_ = false;
    text_.clear();
    walk(0, 0);
    return text_;
  }

private:
  // The indices of dimension `d` to show; -1 stands for the elided middle.
  std::vector<int64_t> shownIndices(uint32_t d) const {
    int64_t size = array_.shape()[d];
    std::vector<int64_t> indices;
    bool elide = summarize_ && size > 2 * edgeItems;
    for (int64_t i = 0; i < size; ++i) {
      if (elide && i == edgeItems) {
        indices.push_back(-1);
        i = size - edgeItems;
      }
      indices.push_back(i);
    }
    return indices;
  }

  void walk(uint32_t d, uint64_t base) {
    bool innermost = d + 1 == array_.rank();
    // Rows of a matrix go on new lines; blocks of higher dimensions get blank lines between.
    std::string separator =
        innermost ? " " : std::string(array_.rank() - d - 1, '\n') + std::string(d + 1, ' ');
    text_ += '[';
    std::vector<int64_t> indices = shownIndices(d);
    for (size_t k = 0; k < indices.size(); ++k) {
      if (k)
        text_ += separator;
      if (indices[k] < 0)
        text_ += "...";
      else if (innermost)
        element(base + static_cast<uint64_t>(indices[k]));
      else
        walk(d + 1, base + static_cast<uint64_t>(indices[k]) * strides_[d]);
    }
    text_ += ']';
  }

  void element(uint64_t index) {
    std::string value = formatElement(array_, index);
    if (measuring_)
      width_ = std::max(width_, value.size());
    else
      text_ += std::string(width_ - value.size(), ' ') + value;
  }

  const npy::Array &array_;
  bool summarize_;
  std::vector<uint64_t> strides_;
  bool measuring_ = false;
  size_t width_ = 0;
  std::string text_;
};

} // namespace

std::string formatArray(const npy::Array &array) { return Printer(array).format(); }

} // namespace kiln::run
