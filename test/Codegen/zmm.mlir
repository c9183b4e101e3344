// An f32 elementwise chain on x86-64-v4 is vectorized with 512-bit registers.
// RUN: kilnc %s --target=x86-64-v4 --emit=asm -o - | FileCheck %s --check-prefix=V4
// On x86-64-v3 the same code uses 256-bit AVX2 registers and no zmm.
// RUN: kilnc %s --target=x86-64-v3 --emit=asm -o - | FileCheck %s --check-prefix=V3

// V4-LABEL: chain:
// V4: vmovups {{.*}}%zmm
// V4: vmulps {{.*}}%zmm
// V4: vaddps {{.*}}%zmm
// V4: vmaxps {{.*}}%zmm
// V3-LABEL: chain:
// V3-NOT: zmm
// V3: vmulps {{.*}}%ymm
kiln.graph @chain(%a: tensor<1031xf32>, %b: tensor<1031xf32>, %c: tensor<1031xf32>) -> tensor<1031xf32> {
  %0 = kiln.mul %a, %b : (tensor<1031xf32>, tensor<1031xf32>) -> tensor<1031xf32>
  %1 = kiln.add %0, %c : (tensor<1031xf32>, tensor<1031xf32>) -> tensor<1031xf32>
  %2 = kiln.relu %1 : (tensor<1031xf32>) -> tensor<1031xf32>
  kiln.return %2 : tensor<1031xf32>
}
