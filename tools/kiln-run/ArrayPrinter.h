// ArrayPrinter.h - numpy-style text for arrays, as kiln-run --print shows them.
#ifndef KILN_TOOLS_KILN_RUN_ARRAYPRINTER_H
#define KILN_TOOLS_KILN_RUN_ARRAYPRINTER_H

#include "Npy.h"

#include <string>

namespace kiln::run {

// Formats like numpy's str(): nested brackets and right-aligned columns; above 1000 elements,
// only the first and last 3 entries of each dimension, with "..." between.
std::string formatArray(const npy::Array &array);

} // namespace kiln::run

#endif // KILN_TOOLS_KILN_RUN_ARRAYPRINTER_H
