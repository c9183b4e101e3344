// InterpreterTest.cpp - the reference interpreter's C++ API, the entry point of the
// differential fuzzer: input checks with diagnostics, rounding on construction and per op.
#include "kiln/Interpreter/Interpreter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using kiln::RefTensor;
using mlir::RankedTensorType;

constexpr const char *kModule = R"mlir(
kiln.graph @square(%x: tensor<3xf16>, %n: tensor<i8>) -> (tensor<3xf16>, tensor<i8>) {
  %0 = kiln.add %x, %x : (tensor<3xf16>, tensor<3xf16>) -> tensor<3xf16>
  %1 = kiln.mul %n, %n : (tensor<i8>, tensor<i8>) -> tensor<i8>
  kiln.return %0, %1 : tensor<3xf16>, tensor<i8>
}
)mlir";

class InterpreterTest : public testing::Test {
protected:
  void SetUp() override {
    context.loadDialect<kiln::KilnDialect>();
    context.getDiagEngine().registerHandler([this](mlir::Diagnostic &diag) {
      errors.push_back(diag.str());
      return mlir::success();
    });
    module = mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
    ASSERT_TRUE(module) << (errors.empty() ? "" : errors.front());
    graph = *module->getOps<kiln::GraphOp>().begin();
  }

  RankedTensorType f16(llvm::ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, mlir::Float16Type::get(&context));
  }
  RankedTensorType i8() { return RankedTensorType::get({}, mlir::IntegerType::get(&context, 8)); }

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  kiln::GraphOp graph;
  std::vector<std::string> errors;
};

TEST_F(InterpreterTest, ConstructorsRoundAndWrap) {
  // 2049 is a tie in f16 (-> 2048); f16(0.1) = 1638 * 2^-14; 300 wraps to 44 in i8.
  RefTensor x(f16({3}), std::vector<double>{1.0, 2049.0, 0.1});
  EXPECT_EQ(x.floats().vec(), (std::vector<double>{1.0, 2048.0, 1638.0 / 16384.0}));
  RefTensor n(i8(), std::vector<int64_t>{300});
  EXPECT_EQ(n.ints().vec(), (std::vector<int64_t>{44}));
}

TEST_F(InterpreterTest, RunsAGraph) {
  RefTensor x(f16({3}), std::vector<double>{1.0, 2048.0, 0.1});
  RefTensor n(i8(), std::vector<int64_t>{44});
  auto results = kiln::interpretGraph(graph, {x, n});
  ASSERT_TRUE(mlir::succeeded(results)) << (errors.empty() ? "" : errors.front());
  ASSERT_EQ(results->size(), 2u);
  // Doubling is exact in f16; 44 * 44 = 1936 = 7 * 256 + 144 wraps to 144 - 256 = -112.
  EXPECT_EQ((*results)[0].floats().vec(), (std::vector<double>{2.0, 4096.0, 3276.0 / 16384.0}));
  EXPECT_EQ((*results)[0].getType(), f16({3}));
  EXPECT_EQ((*results)[1].ints().vec(), (std::vector<int64_t>{-112}));
  EXPECT_TRUE(errors.empty());
}

TEST_F(InterpreterTest, RejectsTheWrongNumberOfInputs) {
  RefTensor x(f16({3}));
  EXPECT_TRUE(mlir::failed(kiln::interpretGraph(graph, {x})));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.front(), "graph @square takes 2 inputs, but 1 was given");
}

TEST_F(InterpreterTest, RejectsInputsOfTheWrongType) {
  RefTensor x(f16({3}));
  RefTensor n(RankedTensorType::get({1}, mlir::IntegerType::get(&context, 8)));
  EXPECT_TRUE(mlir::failed(kiln::interpretGraph(graph, {x, n})));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.front(), "input 1 'n': expected 'tensor<i8>', got 'tensor<1xi8>'");
}

TEST_F(InterpreterTest, RoundsToEveryElementType) {
  mlir::Builder b(&context);
  double tie16 = 1.0 + 1.0 / 2048.0; // halfway between 1 and the next f16
  EXPECT_EQ(kiln::roundToFloatType(tie16, b.getF16Type()), 1.0);
  EXPECT_EQ(kiln::roundToFloatType(tie16, b.getF32Type()), tie16);
  EXPECT_EQ(kiln::roundToFloatType(257.0, b.getBF16Type()), 256.0);
  EXPECT_EQ(kiln::roundToFloatType(65520.0, b.getF16Type()), INFINITY);
  EXPECT_EQ(kiln::wrapToIntType(255, b.getI8Type()), -1);
  EXPECT_EQ(kiln::wrapToIntType(3, b.getI1Type()), 1);
  EXPECT_EQ(kiln::wrapToIntType(int64_t{1} << 32, b.getI32Type()), 0);
}

TEST_F(InterpreterTest, ReadsSplatConstants) {
  mlir::Builder b(&context);
  auto type = RankedTensorType::get({2, 2}, b.getI1Type());
  auto attr = mlir::DenseElementsAttr::get(type, true);
  std::optional<RefTensor> tensor = RefTensor::fromAttr(mlir::cast<mlir::ElementsAttr>(attr));
  ASSERT_TRUE(tensor);
  EXPECT_EQ(tensor->ints().vec(), (std::vector<int64_t>{1, 1, 1, 1}));
}

} // namespace
