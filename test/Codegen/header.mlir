// RUN: kilnc %s --emit=header --module-name=net -o %t.h
// RUN: FileCheck %s < %t.h
// RUN: %cc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c %t.h
// RUN: %cxx -std=c++17 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c++ %t.h
// The object's --header output is the same header.
// RUN: kilnc %s --module-name=net -o %t.o --header=%t2.h
// RUN: cmp %t.h %t2.h

// CHECK: #ifndef KILN_GENERATED_NET_H
// CHECK: #include <stdint.h>
// CHECK: extern "C" {
// CHECK: #define KILN_NET_WORKSPACE_SIZE 0

// CHECK-LABEL: /* Graph @layer.
// CHECK-NEXT:  *   in  x: f32[2, 3]
// CHECK-NEXT:  *   in  bias: f32[3]
// CHECK-NEXT:  *   out result0: f32[2, 3]
// CHECK: #define KILN_NET_LAYER_X_DTYPE 1 /* f32 */
// CHECK: #define KILN_NET_LAYER_X_SHAPE {2, 3}
// CHECK: #define KILN_NET_LAYER_X_BYTES 24ULL
// CHECK: int32_t layer(struct kiln_context *kiln_ctx,
// CHECK-NEXT: const float *x,
// CHECK-NEXT: const float *bias,
// CHECK-NEXT: float *result0);
// CHECK: int32_t layer_argv(struct kiln_context *kiln_ctx, void **args);
kiln.graph @layer(%x: tensor<2x3xf32>, %bias: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.add %x, %bias : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// Names that C cannot take are replaced; every dtype maps to a C type.
// CHECK-LABEL: /* Graph @types.
// CHECK: #define KILN_NET_TYPES_L_RANK 0
// CHECK: int32_t types(struct kiln_context *kiln_ctx,
// CHECK-NEXT: const double *arg0,
// CHECK-NEXT: const uint16_t *h,
// CHECK-NEXT: const uint16_t *bf,
// CHECK-NEXT: const uint8_t *result0,
// CHECK-NEXT: const int8_t *arg4,
// CHECK-NEXT: const int16_t *s,
// CHECK-NEXT: const int32_t *i,
// CHECK-NEXT: const int64_t *l,
// CHECK-NEXT: double *result0_);
kiln.graph @types(%int: tensor<f64>, %h: tensor<2xf16>, %bf: tensor<2xbf16>, %result0: tensor<2xi1>,
                  %1: tensor<2xi8>, %s: tensor<2xi16>, %i: tensor<2xi32>, %l: tensor<i64>) -> tensor<f64> {
  kiln.return %int : tensor<f64>
}

// result_names name the results; a name C cannot take, or one already taken, falls back.
// CHECK-LABEL: /* Graph @named.
// CHECK: int32_t named(struct kiln_context *kiln_ctx,
// CHECK-NEXT: const float *x,
// CHECK-NEXT: float *probs,
// CHECK-NEXT: float *result1,
// CHECK-NEXT: float *result2);
kiln.graph @named(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
    attributes {result_names = ["probs", "not-c", "x"]} {
  kiln.return %x, %x, %x : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// CHECK: extern const struct kiln_module_metadata net_metadata;
