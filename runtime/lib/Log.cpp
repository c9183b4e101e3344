// Log.cpp - KILN_LOG parsing and the "[kiln]" stderr log.
#include "Internal.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

kiln::LogLevel kiln::logLevelFromEnv() {
  const char *value = std::getenv("KILN_LOG");
  if (!value || !*value || !std::strcmp(value, "off") || !std::strcmp(value, "0"))
    return LogLevel::Off;
  if (!std::strcmp(value, "info"))
    return LogLevel::Info;
  if (!std::strcmp(value, "debug"))
    return LogLevel::Debug;
  static std::once_flag warned;
  std::call_once(
      warned, [value] { logLine("ignoring KILN_LOG='%s' (expected off, info or debug)", value); });
  return LogLevel::Off;
}

void kiln::logLine(const char *format, ...) {
  // One fprintf per line so that lines from concurrent calls do not interleave.
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  std::fprintf(stderr, "[kiln] %s\n", buffer);
}
