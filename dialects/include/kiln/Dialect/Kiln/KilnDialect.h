//===- KilnDialect.h - The Kiln dialect -----------------------------------===//
#ifndef KILN_DIALECT_KILN_KILNDIALECT_H
#define KILN_DIALECT_KILN_KILNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Dialect.h"

#include "kiln/Dialect/Kiln/KilnOpsDialect.h.inc"

#endif
