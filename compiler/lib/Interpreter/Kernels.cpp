//===- Kernels.cpp - kiln.map and kiln.reduce over prepared kernels -------===//
#include "Kernels.h"
#include "Evaluators.h"
#include "Numerics.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace kiln::interp {

//===----------------------------------------------------------------------===//
// PreparedKernel
//===----------------------------------------------------------------------===//

FailureOr<PreparedKernel> PreparedKernel::prepare(KernelOp kernel, Operation *user) {
  PreparedKernel prepared;
  prepared.user = user;
  Block &body = kernel.getBody().front();
  // Slots: the arguments first, then each op's result in program order.
  llvm::DenseMap<Value, unsigned> slots;
  for (BlockArgument arg : body.getArguments())
    slots[arg] = prepared.numSlots++;
  for (Operation &op : body.without_terminator()) {
    std::string reason;
    FailureOr<ScalarFn> fn = makeScalarFn(&op, reason);
    if (failed(fn)) {
      op.emitError(reason).attachNote(user->getLoc())
          << "kernel @" << kernel.getSymName() << " is applied here";
      return failure();
    }
    Step step{&op, {}, prepared.numSlots, std::move(*fn)};
    for (Value operand : op.getOperands())
      step.operands.push_back(slots.lookup(operand));
    slots[op.getResult(0)] = prepared.numSlots++;
    prepared.steps.push_back(std::move(step));
  }
  prepared.yielded = slots.lookup(cast<YieldOp>(body.getTerminator()).getValue());
  return prepared;
}

/// The row-major index of element `linear` of `shape`.
static SmallVector<int64_t> delinearize(int64_t linear, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = linear % shape[d];
    linear /= shape[d];
  }
  return index;
}

/// "7 : i32, 0 : i32": the operand values of a failing step, for its error message.
static std::string describeOperands(Operation *op, ArrayRef<Scalar> operands) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (auto [i, value, scalar] : llvm::enumerate(op->getOperands(), operands)) {
    os << (i ? ", " : "");
    if (isa<FloatType>(value.getType()))
      os << llvm::format("%.17g", scalar.f);
    else
      os << scalar.i;
    os << " : " << value.getType();
  }
  return text;
}

FailureOr<Scalar> PreparedKernel::run(ArrayRef<Scalar> args, int64_t element) const {
  SmallVector<Scalar, 16> values(numSlots);
  llvm::copy(args, values.begin());
  SmallVector<Scalar, 3> operands;
  for (const Step &step : steps) {
    operands.clear();
    for (unsigned slot : step.operands)
      operands.push_back(values[slot]);
    const char *error = step.fn(operands, values[step.result]);
    if (!error)
      continue;
    std::string index;
    llvm::raw_string_ostream os(index);
    llvm::interleaveComma(delinearize(element, resultTypeOf(user).getShape()), os);
    InFlightDiagnostic diag = step.op->emitError();
    diag << "'" << step.op->getName() << "' has no defined result: " << error << " (operands "
         << describeOperands(step.op, operands) << ")";
    diag.attachNote(user->getLoc())
        << "while computing element [" << index << "] of this '" << user->getName() << "'";
    return failure();
  }
  return values[yielded];
}

//===----------------------------------------------------------------------===//
// map and reduce
//===----------------------------------------------------------------------===//

namespace {

FailureOr<PreparedKernel> prepareKernelOf(Operation *op, FlatSymbolRefAttr name) {
  auto kernel = SymbolTable::lookupNearestSymbolFrom<KernelOp>(op, name);
  if (!kernel) // the verifier rules this out; stay safe on unverified input
    return op->emitError() << "references undefined kernel " << name;
  return PreparedKernel::prepare(kernel, op);
}

Scalar scalarAt(const RefTensor &tensor, int64_t i) {
  Scalar s;
  if (tensor.isFloat())
    s.f = tensor.floats()[i];
  else
    s.i = tensor.ints()[i];
  return s;
}

void store(RefTensor &tensor, int64_t i, const Scalar &s) {
  if (tensor.isFloat())
    tensor.floats()[i] = s.f;
  else
    tensor.ints()[i] = s.i;
}

} // namespace

/// Broadcasts the operands to the result shape and applies the kernel to each element.
FailureOr<RefTensor> evaluateMap(MapOp op, Operands operands) {
  FailureOr<PreparedKernel> kernel = prepareKernelOf(op, op.getKernelAttr());
  if (failed(kernel))
    return failure();
  RefTensor result(op.getType());
  std::vector<std::vector<int64_t>> sources;
  for (const RefTensor *operand : operands)
    sources.push_back(broadcastSources(operand->getShape(), result.getShape()));
  SmallVector<Scalar, 4> args(operands.size());
  for (int64_t i = 0; i < result.getNumElements(); ++i) {
    for (size_t a = 0; a < operands.size(); ++a)
      args[a] = scalarAt(*operands[a], sources[a][i]);
    FailureOr<Scalar> value = kernel->run(args, i);
    if (failed(value))
      return failure();
    store(result, i, *value);
  }
  return result;
}

/// acc = init, then acc = kernel(acc, x) over each result's reduced elements in row-major
/// order: visiting the input in row-major order does exactly that for every result at once.
FailureOr<RefTensor> evaluateReduce(ReduceOp op, Operands operands) {
  FailureOr<PreparedKernel> kernel = prepareKernelOf(op, op.getKernelAttr());
  if (failed(kernel))
    return failure();
  const RefTensor &input = *operands[0];
  RefTensor result(op.getType());
  Scalar init;
  if (auto f = dyn_cast<FloatAttr>(op.getInit()))
    init.f = roundToFloatType(f.getValueAsDouble(), input.getElementType());
  else
    init.i = wrapToIntType(cast<IntegerAttr>(op.getInit()).getValue().getSExtValue(),
                           input.getElementType());
  for (int64_t r = 0; r < result.getNumElements(); ++r)
    store(result, r, init);
  SmallVector<int64_t> axes = normalizeAxes(op.getAxes(), input.getShape().size());
  std::vector<int64_t> targets = reductionTargets(input.getShape(), axes);
  for (int64_t i = 0; i < input.getNumElements(); ++i) {
    int64_t target = targets[i];
    Scalar args[2] = {scalarAt(result, target), scalarAt(input, i)};
    FailureOr<Scalar> value = kernel->run(args, target);
    if (failed(value))
      return failure();
    store(result, target, *value);
  }
  return result;
}

} // namespace kiln::interp
