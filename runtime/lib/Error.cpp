// Error.cpp - status descriptions and the per-thread last-error message.
#include "Internal.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace {
thread_local std::string lastError;
} // namespace

extern "C" const char *kiln_status_string(kiln_status status) {
  // A C caller may pass any int, but in C++ reading an enum outside its enumerators' range is
  // undefined (UBSan reports it), so the value is read as the int it is.
  int value;
  static_assert(sizeof value == sizeof status, "kiln_status is an int in the C ABI");
  std::memcpy(&value, &status, sizeof value);
  switch (value) {
  case KILN_OK:
    return "ok";
  case KILN_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case KILN_ERROR_NOT_FOUND:
    return "not found";
  case KILN_ERROR_LOAD_FAILED:
    return "load failed";
  case KILN_ERROR_INVALID_ARTIFACT:
    return "invalid artifact";
  case KILN_ERROR_ABI_MISMATCH:
    return "ABI version mismatch";
  case KILN_ERROR_UNSUPPORTED_CPU:
    return "unsupported CPU";
  case KILN_ERROR_DTYPE_MISMATCH:
    return "dtype mismatch";
  case KILN_ERROR_SHAPE_MISMATCH:
    return "shape mismatch";
  case KILN_ERROR_ENTRY_FAILED:
    return "graph returned an error";
  case KILN_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case KILN_ERROR_DEVICE_UNAVAILABLE:
    return "no CUDA device";
  case KILN_ERROR_NO_MATCHING_BINARY:
    return "no cubin for this GPU";
  case KILN_ERROR_DEVICE_FAILED:
    return "CUDA call failed";
  }
  return "unknown status";
}

std::string kiln::countOf(uint64_t count, const char *noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

extern "C" const char *kiln_last_error(void) { return lastError.c_str(); }

kiln_status kiln::fail(kiln_status status, const char *format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  lastError = buffer;
  return status;
}
