// Several x86-64 levels in one object: each graph's code once per level, renamed and local,
// and a public entry that calls the best level this CPU supports.
// RUN: kilnc %s --target=x86-64-v2,x86-64-v4,x86-64-v3 --module-name=variants --emit=llvm -o - | FileCheck %s
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: kilnc %s --target=x86-64-v2,x86-64-v4,x86-64-v3 --module-name=variants -o %t.o --header=%t.dir/variants.h
// RUN: %cc -std=c99 -Wall -Wextra -Werror -I%t.dir %S/Inputs/cpu_variants_main.c %t.o -o %t.exe
// RUN: %t.exe | FileCheck %s --check-prefix=MAIN
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/variants.h
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=SYMS
// RUN: kilnc %s --target=x86-64-v2,x86-64-v4,x86-64-v3 --emit=shared -o %t.so
// RUN: kiln-run %t.so --list | FileCheck %s --check-prefix=LIST
// RUN: %python -c "import numpy; numpy.save('%t.x.npy', numpy.linspace(-1, 1, 1000, dtype=numpy.float32))"
// RUN: kiln-run %t.so --input %t.x.npy 2>&1 | FileCheck %s --check-prefix=RAN
// RUN: kilnc %s --target=x86-64-v3,x86-64-v4 -o %t.a.o && kilnc %s --target=x86-64-v4,x86-64-v3 -o %t.b.o && cmp %t.a.o %t.b.o
// A single target has no dispatch; its variant function names it.
// RUN: kilnc %s --target=x86-64-v3 --module-name=one --emit=llvm -o - | FileCheck %s --check-prefix=ONE

// CHECK-DAG: @__kiln_variants_cpu_variant_index = internal {{.*}}global i32 -1
// CHECK-DAG: define internal {{.*}}@scale.x86_64_v4({{.*}}) {{.*}}#[[V4:[0-9]+]]
// CHECK-DAG: define internal {{.*}}@scale.x86_64_v3({{.*}}) {{.*}}#[[V3:[0-9]+]]
// CHECK-DAG: define {{.*}}i32 @scale(ptr {{.*}})
// CHECK-DAG: define {{.*}}ptr @variants_cpu_variant()
// CHECK-DAG: define internal {{.*}}i32 @__kiln_variants_select_cpu_variant()
// CHECK-DAG: asm sideeffect "cpuid"
// CHECK-DAG: asm sideeffect "xgetbv"
// CHECK-DAG: attributes #[[V4]] = { {{.*}}"target-cpu"="x86-64-v4"
// CHECK-DAG: attributes #[[V3]] = { {{.*}}"target-cpu"="x86-64-v3"

// MAIN: variant [[V:x86-64-v[234]]], expected [[V]], before the first call [[V]]

// HEADER: const char *variants_cpu_variant(void);

// SYMS-DAG: T scale{{$}}
// SYMS-DAG: T scale_argv
// SYMS-DAG: t scale.x86_64_v3
// SYMS-DAG: t scale.x86_64_v4
// SYMS-DAG: T variants_cpu_variant
// SYMS-DAG: {{[DR]}} variants_metadata

// LIST: target cpu 'x86-64-v2', cpu features 'sse3,ssse3,sse4.1,sse4.2,popcnt', cuda 'none'
// LIST-NEXT: cpu variants 'x86-64-v4,x86-64-v3,x86-64-v2'; this CPU runs 'x86-64-v{{[234]}}'

// RAN: cpu variant: x86-64-v{{[234]}} (of x86-64-v4,x86-64-v3,x86-64-v2)

// ONE-NOT: cpuid
// ONE: @[[NAME:__kiln_one_[a-z_.0-9]+]] = private unnamed_addr constant [10 x i8] c"x86-64-v3\00"
// ONE: define {{.*}}ptr @one_cpu_variant()
// ONE-NEXT: entry:
// ONE-NEXT: ret ptr @[[NAME]]
// ONE-NOT: cpuid

kiln.graph @scale(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %c = kiln.constant dense<3.0> : tensor<f32>
  %m = kiln.mul %x, %c : (tensor<1000xf32>, tensor<f32>) -> tensor<1000xf32>
  %y = kiln.relu %m : (tensor<1000xf32>) -> tensor<1000xf32>
  kiln.return %y : tensor<1000xf32>
}
