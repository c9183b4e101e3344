#!/usr/bin/env bash
# The C and C++ sources follow .clang-format (LLVM style, 100 columns). Test inputs (Inputs/)
# are left as written: some tests depend on their exact lines.
#   check-format.sh SOURCE_DIR CLANG_FORMAT
set -euo pipefail
cd "$1"
find dialects compiler codegen importers runtime tools test examples \
  \( -name '*.cpp' -o -name '*.h' -o -name '*.c' \) -not -path '*/Inputs/*' -print0 |
  sort -z | xargs -0 "$2" --dry-run --Werror
echo "format: every C/C++ source follows .clang-format"
