//===- Einsum.cpp - ONNX Einsum as transposes, sums and matmuls -----------===//
//
// An Einsum is rewritten onto Kiln ops the way numpy.einsum's optimizer would, without a loop
// nest of its own: a label repeated within an operand takes the diagonal (a gather of the
// flattened pair of axes), a label no later operand nor the output needs is summed away, and
// each pair of operands becomes one batched kiln.matmul of [batch, kept, contracted] times
// [batch, contracted, kept] after transposes and reshapes; a final transpose orders the output.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "llvm/ADT/StringExtras.h"

#include <numeric>

using namespace mlir;

namespace kiln::onnx_importer {
namespace {

/// A label: a letter's code, or kEllipsis + i for the i-th of the broadcast dimensions that
/// "..." stands for, right-aligned across the operands as NumPy aligns them.
using Label = int64_t;
constexpr Label kEllipsis = 256;

/// A value with the label of each of its dimensions.
struct Labeled {
  Value value;
  SmallVector<Label> labels;
};

/// The labels of one term ("b...ij") for an operand of `rank` dimensions, or nullopt.
std::optional<SmallVector<Label>> parseTerm(StringRef term, int64_t rank, int64_t ellipsisRank) {
  SmallVector<Label> labels;
  size_t dots = term.find("...");
  StringRef before = term.substr(0, dots),
            after = dots == StringRef::npos ? "" : term.substr(dots + 3);
  int64_t letters = before.size() + after.size();
  if (!llvm::all_of(before, llvm::isAlpha) || !llvm::all_of(after, llvm::isAlpha))
    return std::nullopt;
  int64_t spread = dots == StringRef::npos ? 0 : rank - letters;
  if (spread < 0 || (dots == StringRef::npos && letters != rank))
    return std::nullopt;
  for (char c : before)
    labels.push_back(c);
  for (int64_t i = 0; i < spread; ++i)
    labels.push_back(kEllipsis + ellipsisRank - spread + i);
  for (char c : after)
    labels.push_back(c);
  return labels;
}

int64_t product(ArrayRef<int64_t> sizes) {
  return std::accumulate(sizes.begin(), sizes.end(), int64_t(1), std::multiplies<int64_t>());
}

/// The positions of `wanted` in `labels`.
SmallVector<int64_t> positionsOf(ArrayRef<Label> labels, ArrayRef<Label> wanted) {
  SmallVector<int64_t> positions;
  for (Label l : wanted)
    positions.push_back(llvm::find(labels, l) - labels.begin());
  return positions;
}

Labeled transposeTo(NodeImporter &node, const Labeled &x, ArrayRef<Label> order) {
  SmallVector<int64_t> permutation = positionsOf(x.labels, order);
  if (llvm::equal(permutation, llvm::seq<int64_t>(0, permutation.size())))
    return {x.value, SmallVector<Label>(order)};
  return {transposeValue(node, x.value, permutation), SmallVector<Label>(order)};
}

/// x with each label repeated within it reduced to its diagonal.
Labeled takeDiagonals(NodeImporter &node, Labeled x) {
  for (size_t i = 0; i < x.labels.size(); ++i) {
    auto repeat = llvm::find(ArrayRef<Label>(x.labels).drop_front(i + 1), x.labels[i]);
    if (repeat == x.labels.end())
      continue;
    Label label = x.labels[i];
    size_t j = repeat - x.labels.begin();
    SmallVector<Label> order;
    for (size_t k = 0; k < x.labels.size(); ++k)
      if (k != i && k != j)
        order.push_back(x.labels[k]);
    SmallVector<Label> pairLast(order);
    pairLast.append({label, label});
    int64_t n = shapeOf(x.value)[i];
    SmallVector<int64_t> permutation(positionsOf(x.labels, order));
    permutation.append({int64_t(i), int64_t(j)});
    Value moved = transposeValue(node, x.value, permutation);
    SmallVector<int64_t> flat(shapeOf(moved).drop_back(2));
    flat.push_back(n * n);
    std::vector<int64_t> diagonal;
    for (int64_t k = 0; k < n; ++k)
      diagonal.push_back(k * (n + 1));
    x.value = gatherPositions(node, reshapeTo(node, moved, flat), diagonal, flat.size() - 1);
    order.push_back(label);
    x.labels = order;
    return takeDiagonals(node, x);
  }
  return x;
}

/// x with the labels not in `needed` summed away.
Labeled sumAway(NodeImporter &node, Labeled x, ArrayRef<Label> needed) {
  SmallVector<int64_t> axes;
  SmallVector<Label> kept;
  SmallVector<int64_t> shape;
  for (auto [i, l] : llvm::enumerate(x.labels)) {
    if (llvm::is_contained(needed, l)) {
      kept.push_back(l);
      shape.push_back(shapeOf(x.value)[i]);
    } else {
      axes.push_back(i);
    }
  }
  if (axes.empty())
    return x;
  OpBuilder &b = node.builder();
  Value sum = node.create<kiln::ReduceSumOp>(tensorType(shape, elementTypeOf(x.value)), x.value,
                                             b.getDenseI64ArrayAttr(axes), b.getBoolAttr(false));
  return {sum, kept};
}

/// The product of a and b over their shared labels that `needed` lacks, as one batched matmul:
/// labels in both and needed are the batch, the others are kept on their side.
Labeled contract(NodeImporter &node, const Labeled &a, const Labeled &b, ArrayRef<Label> needed) {
  SmallVector<Label> batch, left, contracted, right;
  for (Label l : a.labels) {
    bool shared = llvm::is_contained(b.labels, l);
    if (shared && llvm::is_contained(needed, l))
      batch.push_back(l);
    else if (shared)
      contracted.push_back(l);
    else
      left.push_back(l);
  }
  for (Label l : b.labels)
    if (!llvm::is_contained(a.labels, l))
      right.push_back(l);
  auto sizes = [&](const Labeled &x, ArrayRef<Label> labels) {
    SmallVector<int64_t> result;
    for (int64_t p : positionsOf(x.labels, labels))
      result.push_back(shapeOf(x.value)[p]);
    return result;
  };
  SmallVector<int64_t> batchSizes = sizes(a, batch), leftSizes = sizes(a, left),
                       rightSizes = sizes(b, right), inner = sizes(a, contracted);
  int64_t bs = product(batchSizes), ls = product(leftSizes), ks = product(inner),
          rs = product(rightSizes);
  SmallVector<Label> aOrder(batch), bOrder(batch);
  aOrder.append(left.begin(), left.end());
  aOrder.append(contracted.begin(), contracted.end());
  bOrder.append(contracted.begin(), contracted.end());
  bOrder.append(right.begin(), right.end());
  Value lhs = reshapeTo(node, transposeTo(node, a, aOrder).value, {bs, ls, ks});
  Value rhs = reshapeTo(node, transposeTo(node, b, bOrder).value, {bs, ks, rs});
  Value product =
      node.create<kiln::MatmulOp>(tensorType({bs, ls, rs}, elementTypeOf(lhs)), lhs, rhs);
  SmallVector<int64_t> shape(batchSizes);
  shape.append(leftSizes.begin(), leftSizes.end());
  shape.append(rightSizes.begin(), rightSizes.end());
  SmallVector<Label> labels(batch);
  labels.append(left.begin(), left.end());
  labels.append(right.begin(), right.end());
  return {reshapeTo(node, product, shape), labels};
}

void importEinsum(NodeImporter &node) {
  std::string equation = node.stringAttr("equation", "");
  llvm::erase(equation, ' ');
  StringRef lhs = equation, rhs;
  bool explicitOutput = StringRef(equation).contains("->");
  if (explicitOutput)
    std::tie(lhs, rhs) = StringRef(equation).split("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != node.numInputs())
    return node.unsupported("the equation has " + Twine(terms.size()) + " terms for " +
                            Twine(node.numInputs()) + " inputs");
  if (elementTypeOf(node.input(0)).isInteger(1))
    return node.unsupported("Einsum of booleans is not supported");
  // The rank "..." stands for: the most dimensions it covers in any operand.
  int64_t ellipsisRank = 0;
  for (auto [i, term] : llvm::enumerate(terms)) {
    int64_t letters = llvm::count_if(term, llvm::isAlpha);
    if (term.contains("..."))
      ellipsisRank = std::max<int64_t>(ellipsisRank, shapeOf(node.input(i)).size() - letters);
  }
  SmallVector<Labeled> operands;
  llvm::DenseMap<Label, int64_t> sizeOf;
  for (auto [i, term] : llvm::enumerate(terms)) {
    Value x = node.input(i);
    std::optional<SmallVector<Label>> labels = parseTerm(term, shapeOf(x).size(), ellipsisRank);
    if (!labels)
      return node.unsupported("term '" + term + "' does not fit input " + Twine(i) + " of rank " +
                              Twine(shapeOf(x).size()));
    for (auto [d, l] : llvm::enumerate(*labels)) {
      auto [it, inserted] = sizeOf.try_emplace(l, shapeOf(x)[d]);
      if (!inserted && it->second != shapeOf(x)[d])
        return node.unsupported("a label has sizes " + Twine(it->second) + " and " +
                                Twine(shapeOf(x)[d]) + " (broadcasting is not supported)");
    }
    operands.push_back({x, *labels});
  }
  SmallVector<Label> output;
  if (explicitOutput) {
    std::optional<SmallVector<Label>> labels = parseTerm(
        rhs, llvm::count_if(rhs, llvm::isAlpha) + (rhs.contains("...") ? ellipsisRank : 0),
        ellipsisRank);
    if (!labels)
      return node.unsupported("output term '" + rhs + "' is not supported");
    output = *labels;
  } else {
    // NumPy's implicit output: the broadcast dimensions, then the letters used once, sorted.
    for (int64_t i = 0; i < ellipsisRank; ++i)
      output.push_back(kEllipsis + i);
    for (Label c = 'A'; c <= 'z'; ++c) {
      int64_t uses = 0;
      for (StringRef term : terms)
        uses += llvm::count(term, char(c));
      if (uses == 1)
        output.push_back(c);
    }
  }
  for (Label l : output)
    if (!sizeOf.count(l) || llvm::count(output, l) != 1)
      return node.unsupported("the output labels must appear once and in the inputs");

  Labeled result;
  for (size_t i = 0; i < operands.size(); ++i) {
    // What this step must keep: the output's labels and those of the operands still to come.
    SmallVector<Label> needed(output);
    for (size_t j = i + 1; j < operands.size(); ++j)
      needed.append(operands[j].labels.begin(), operands[j].labels.end());
    Labeled x = takeDiagonals(node, operands[i]);
    if (i == 0) {
      result = sumAway(node, x, needed);
      continue;
    }
    // Labels of one side only that nothing needs are summed before the product.
    SmallVector<Label> neededWithOther(needed), neededWithResult(needed);
    neededWithOther.append(x.labels.begin(), x.labels.end());
    neededWithResult.append(result.labels.begin(), result.labels.end());
    result = contract(node, sumAway(node, result, neededWithOther),
                      sumAway(node, x, neededWithResult), needed);
  }
  node.setOutput(0, transposeTo(node, result, output).value);
}

} // namespace

void addEinsumOps(OpTable &table) { table["Einsum"] = importEinsum; }

} // namespace kiln::onnx_importer
