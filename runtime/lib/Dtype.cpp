// Dtype.cpp - element type names and sizes, and the "f32[2x3]" type spelling used in messages.
#include "Internal.h"

#include <algorithm>
#include <cstring>

extern "C" const char *kiln_dtype_name(uint32_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32:
    return "f32";
  case KILN_DTYPE_F64:
    return "f64";
  case KILN_DTYPE_F16:
    return "f16";
  case KILN_DTYPE_BF16:
    return "bf16";
  case KILN_DTYPE_BOOL:
    return "i1";
  case KILN_DTYPE_I8:
    return "i8";
  case KILN_DTYPE_I16:
    return "i16";
  case KILN_DTYPE_I32:
    return "i32";
  case KILN_DTYPE_I64:
    return "i64";
  case KILN_DTYPE_U8:
    return "u8";
  case KILN_DTYPE_U16:
    return "u16";
  case KILN_DTYPE_U32:
    return "u32";
  }
  return "unknown";
}

extern "C" size_t kiln_dtype_size(uint32_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_BOOL:
  case KILN_DTYPE_I8:
  case KILN_DTYPE_U8:
    return 1;
  case KILN_DTYPE_F16:
  case KILN_DTYPE_BF16:
  case KILN_DTYPE_I16:
  case KILN_DTYPE_U16:
    return 2;
  case KILN_DTYPE_F32:
  case KILN_DTYPE_I32:
  case KILN_DTYPE_U32:
    return 4;
  case KILN_DTYPE_F64:
  case KILN_DTYPE_I64:
    return 8;
  }
  return 0;
}

std::string kiln::formatType(uint32_t dtype, uint32_t rank, const int64_t *shape) {
  std::string text = kiln_dtype_name(dtype);
  if (kiln_dtype_size(dtype) == 0)
    text += "(" + std::to_string(dtype) + ")";
  // Messages describe callers' buffers too, whose rank and shape may be nonsense.
  if (rank > KILN_MAX_RANK || (rank > 0 && !shape))
    return text + " of rank " + std::to_string(rank) + (shape ? "" : " without a shape");
  text += '[';
  for (uint32_t i = 0; i < rank; ++i) {
    if (i)
      text += 'x';
    text += std::to_string(shape[i]);
  }
  return text + ']';
}

extern "C" size_t kiln_format_type(char *buffer, size_t size, uint32_t dtype, uint32_t rank,
                                   const int64_t *shape) {
  std::string text = kiln::formatType(dtype, rank, shape);
  if (buffer && size > 0) {
    size_t length = std::min(text.size(), size - 1);
    std::memcpy(buffer, text.data(), length);
    buffer[length] = '\0';
  }
  return text.size();
}
