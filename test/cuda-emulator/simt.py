#!/usr/bin/python3
"""Rebuilds a module's CUDA kernels for the host, so that simt.c can run them without a GPU.

  simt.py --kilnc KILNC --llc LLC --cc CC --chip sm_90 MODULE.mlir -o KERNELS.so

Takes the kernels' LLVM IR from `kilnc --emit=nvvm` (the IR that becomes their PTX: libdevice
linked, optimized for NVPTX), turns each NVVM intrinsic into a call of simt.c, adds an entry
kiln_simt_kernel_<name>(void **params) per kernel, and compiles it with llc and simt.c into a
shared library for the fake driver's FAKE_CUDA_KERNELS. An intrinsic without an emulation below
is an error, so that a kernel using a new one is not run wrongly.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

class BuildError(Exception):
    pass


SPECIAL_REGISTER = re.compile(r"read\.ptx\.sreg\.(tid|ntid|ctaid|nctaid)\.([xyz])$")


def special_register(m):
    """%tid.x and the like, from their SPECIAL_REGISTER match."""
    register, axis = m.group(1), "xyz".index(m.group(2))
    return ("() {\n  %%v = call i32 @kiln_simt_%s(i32 %d)\n  ret i32 %%v\n}" % (register, axis),
            "i32")


def shuffle(value_type, with_predicate):
    body = [
        "  %p = alloca i8",
        "  %%i = bitcast %s %%v to i32" % value_type,
        "  %s = call i32 @kiln_simt_shfl_bfly(i32 %m, i32 %i, i32 %b, i32 %c, ptr %p)",
        "  %%r = bitcast i32 %%s to %s" % value_type,
    ]
    if with_predicate:
        ret = "{ %s, i1 }" % value_type
        body += ["  %pb = load i8, ptr %p", "  %pi = trunc i8 %pb to i1",
                 "  %%t0 = insertvalue %s poison, %s %%r, 0" % (ret, value_type),
                 "  %%t1 = insertvalue %s %%t0, i1 %%pi, 1" % ret, "  ret %s %%t1" % ret]
    else:
        ret = value_type
        body.append("  ret %s %%r" % value_type)
    return "(i32 %%m, %s %%v, i32 %%b, i32 %%c) {\n%s\n}" % (value_type, "\n".join(body)), ret


def struct_of(element, count):
    return "{ " + ", ".join([element] * count) + " }"


def load_struct(array, element, count):
    """Loads count elements of the alloca `array` into a struct and returns it."""
    ret = struct_of(element, count)
    lines, previous = [], "poison"
    for i in range(count):
        lines += ["  %%e%d.p = getelementptr %s, ptr %s, i64 %d" % (i, element, array, i),
                  "  %%e%d = load %s, ptr %%e%d.p" % (i, element, i),
                  "  %%s%d = insertvalue %s %s, %s %%e%d, %d" % (i, ret, previous, element, i, i)]
        previous = "%%s%d" % i
    lines.append("  ret %s %s" % (ret, previous))
    return lines


def store_array(array, element, values):
    lines = []
    for i, value in enumerate(values):
        lines += ["  %%%s.%d = getelementptr %s, ptr %%%s, i64 %d" % (array, i, element, array, i),
                  "  store %s %s, ptr %%%s.%d" % (element, value, array, i)]
    return lines


def ldmatrix(count, function):
    body = ["  %out = alloca [4 x i32]", "  %g = addrspacecast ptr addrspace(3) %a to ptr",
            "  call void @%s(ptr %%out, ptr %%g)" % function] + load_struct("%out", "i32", count)
    return "(ptr addrspace(3) %%a) {\n%s\n}" % "\n".join(body), struct_of("i32", count)


def mma(operand_type, function):
    params = ["%s %%a%d" % (operand_type, i) for i in range(4)]
    params += ["%s %%b%d" % (operand_type, i) for i in range(2)]
    params += ["float %%c%d" % i for i in range(4)]
    body = ["  %a = alloca [4 x i32]", "  %b = alloca [2 x i32]", "  %c = alloca [4 x float]",
            "  %d = alloca [4 x float]"]
    for name, count in (("a", 4), ("b", 2)):
        for i in range(count):
            body.append("  %%%s%d.i = bitcast %s %%%s%d to i32" % (name, i, operand_type, name, i))
        body += store_array(name, "i32", ["%%%s%d.i" % (name, i) for i in range(count)])
    body += store_array("c", "float", ["%%c%d" % i for i in range(4)])
    body.append("  call void @%s(ptr %%d, ptr %%a, ptr %%b, ptr %%c)" % function)
    body += load_struct("%d", "float", 4)
    return "(%s) {\n%s\n}" % (", ".join(params), "\n".join(body)), struct_of("float", 4)


def unary(type_, expression):
    return "(%s %%x) {\n  %%r = %s\n  ret %s %%r\n}" % (type_, expression, type_), type_


def binary(type_, instruction):
    return ("(%s %%x, %s %%y) {\n  %%r = %s %s %%x, %%y\n  ret %s %%r\n}"
            % (type_, type_, instruction, type_, type_), type_)


def wide_multiply_add(type_, with_addend):
    """a * b (+ c) in twice the width of `type_`, returned as {low, high}."""
    wide = "i%d" % (2 * int(type_[1:]))
    params = ["%s %%a" % type_, "%s %%b" % type_] + (["%s %%c" % type_] if with_addend else [])
    lines = ["  %%a.w = zext %s %%a to %s" % (type_, wide),
             "  %%b.w = zext %s %%b to %s" % (type_, wide),
             "  %%%s = mul %s %%a.w, %%b.w" % ("p" if with_addend else "s", wide)]
    if with_addend:
        lines += ["  %%c.w = zext %s %%c to %s" % (type_, wide), "  %%s = add %s %%p, %%c.w" % wide]
    return halves(type_, wide, params, lines)


def pair_arithmetic(instruction):
    """A 128-bit add or sub of operands given as {low, high} i64 pairs."""
    params = ["i64 %alo", "i64 %ahi", "i64 %blo", "i64 %bhi"]
    lines = []
    for x in ("a", "b"):
        lines += ["  %%%sl = zext i64 %%%slo to i128" % (x, x),
                  "  %%%sh.0 = zext i64 %%%shi to i128" % (x, x),
                  "  %%%sh = shl i128 %%%sh.0, 64" % (x, x),
                  "  %%%s = or i128 %%%sh, %%%sl" % (x, x, x)]
    lines.append("  %%s = %s i128 %%a, %%b" % instruction)
    return halves("i64", "i128", params, lines)


def halves(type_, wide, params, lines):
    """The function body `lines`, which computes %s in `wide`, returning its halves."""
    bits = int(type_[1:])
    pair = "{ %s, %s }" % (type_, type_)
    lines += ["  %%lo = trunc %s %%s to %s" % (wide, type_),
              "  %%sh = lshr %s %%s, %d" % (wide, bits),
              "  %%hi = trunc %s %%sh to %s" % (wide, type_),
              "  %%r0 = insertvalue %s poison, %s %%lo, 0" % (pair, type_),
              "  %%r = insertvalue %s %%r0, %s %%hi, 1" % (pair, type_),
              "  ret %s %%r" % pair]
    return "(%s) {\n%s\n}" % (", ".join(params), "\n".join(lines)), pair


def unary_to(type_, result, convert, prepare):
    """A conversion of `type_` to `result`: %t = `prepare` (of %x), then `convert` (of %t)."""
    return ("(%s %%x) {\n  %%t = %s\n  %%r = %s\n  ret %s %%r\n}"
            % (type_, prepare, convert, result), result)


# name -> (parameters and body, return type). The .rn operations are plain LLVM arithmetic,
# which llc contracts into an fma only where the IR allows it (`contract`), as the NVPTX backend
# does; ex2/rcp approximations are computed exactly (simt.c).
EMULATIONS = {
    "barrier.cta.sync.aligned.all": (
        "(i32 %id) {\n  call void @kiln_simt_barrier()\n  ret void\n}", "void"),
    "shfl.sync.bfly.f32": shuffle("float", False),
    "shfl.sync.bfly.f32p": shuffle("float", True),
    "shfl.sync.bfly.i32": shuffle("i32", False),
    "shfl.sync.bfly.i32p": shuffle("i32", True),
    "ldmatrix.sync.aligned.m8n8.x4.b16.p3": ldmatrix(4, "kiln_simt_ldmatrix_x4"),
    "ldmatrix.sync.aligned.m8n8.x2.trans.b16.p3": ldmatrix(2, "kiln_simt_ldmatrix_x2_trans"),
    "mma.m16n8k16.row.col.f32.f32": mma("<2 x half>", "kiln_simt_mma_f16"),
    "mma.m16n8k16.row.col.bf16": mma("i32", "kiln_simt_mma_bf16"),
    "add.rn.f": binary("float", "fadd"),
    "add.rn.d": binary("double", "fadd"),
    "mul.rn.f": binary("float", "fmul"),
    "mul.rn.d": binary("double", "fmul"),
    "fabs.f32": unary("float", "call float @llvm.fabs.f32(float %x)"),
    "fabs.f64": unary("double", "call double @llvm.fabs.f64(double %x)"),
    "round.f": unary("float", "call float @llvm.roundeven.f32(float %x)"),  # cvt.rni
    "sqrt.approx.f": unary("float", "call float @llvm.sqrt.f32(float %x)"),
    "saturate.f": unary("float", "call float @kiln_simt_saturate(float %x)"),
    "ex2.approx.ftz.f32": unary("float", "call float @kiln_simt_ex2_approx_ftz(float %x)"),
    "rcp.approx.ftz.f32": unary("float", "call float @kiln_simt_rcp_approx_ftz_f32(float %x)"),
    "rcp.approx.ftz.d": unary("double", "call double @kiln_simt_rcp_approx_ftz(double %x)"),
    "round.d": unary("double", "call double @llvm.roundeven.f64(double %x)"),  # cvt.rni
    "sub.rn.f32": binary("float", "fsub"),
    "div.approx.ftz.f": ("(float %x, float %y) {\n"
                         "  %r = call float @kiln_simt_div_approx_ftz(float %x, float %y)\n"
                         "  ret float %r\n}", "float"),
    "add.rz.f": ("(float %x, float %y) {\n"
                 "  %r = call float @kiln_simt_add_rz(float %x, float %y)\n"
                 "  ret float %r\n}", "float"),
    "rsqrt.approx.ftz.f64": unary("double", "call double @kiln_simt_rsqrt_approx_ftz(double %x)"),
    # libdevice's inline PTX for wide integer arithmetic (the argument reduction of sin and
    # cos): 32 x 32 + 32 -> 64 and 64 x 64 (+ 64) -> 128 bits, results as {low, high} halves.
    "mad.wide.u32": wide_multiply_add("i32", True),
    "mad.wide.u64": wide_multiply_add("i64", True),
    "sub.u128": pair_arithmetic("sub"),
    "add.u128": pair_arithmetic("add"),
    "mul.wide.u64": wide_multiply_add("i64", False),
    "d2i.rn": unary_to("double", "i32", "call i32 @llvm.fptosi.sat.i32.f64(double %t)",
                       "call double @llvm.roundeven.f64(double %x)"),
    "f2i.rn": unary_to("float", "i32", "call i32 @llvm.fptosi.sat.i32.f32(float %t)",
                       "call float @llvm.roundeven.f32(float %x)"),
    "rsqrt.approx.ftz.f": unary("float", "call float @kiln_simt_rsqrt_approx_ftz_f32(float %x)"),
    "fma.rm.f": ("(float %a, float %b, float %c) {\n"
                 "  %r = call float @kiln_simt_fma_rm(float %a, float %b, float %c)\n"
                 "  ret float %r\n}", "float"),
    "lohi.i2d": ("(i32 %lo, i32 %hi) {\n  %l = zext i32 %lo to i64\n  %h = zext i32 %hi to i64\n"
                 "  %hs = shl i64 %h, 32\n  %w = or i64 %hs, %l\n  %r = bitcast i64 %w to double\n"
                 "  ret double %r\n}", "double"),
    "d2i.lo": ("(double %x) {\n  %w = bitcast double %x to i64\n  %r = trunc i64 %w to i32\n"
               "  ret i32 %r\n}", "i32"),
    "d2i.hi": ("(double %x) {\n  %w = bitcast double %x to i64\n  %s = lshr i64 %w, 32\n"
               "  %r = trunc i64 %s to i32\n  ret i32 %r\n}", "i32"),
}

# What the emulations call in simt.c.
RUNTIME_DECLARATIONS = """
declare i32 @kiln_simt_tid(i32)
declare i32 @kiln_simt_ntid(i32)
declare i32 @kiln_simt_ctaid(i32)
declare i32 @kiln_simt_nctaid(i32)
declare void @kiln_simt_barrier()
declare void @kiln_simt_access(ptr, i64)
declare void @kiln_simt_shared_access(ptr addrspace(3), i64)
declare i32 @kiln_simt_shfl_bfly(i32, i32, i32, i32, ptr)
declare void @kiln_simt_ldmatrix_x4(ptr, ptr)
declare void @kiln_simt_ldmatrix_x2_trans(ptr, ptr)
declare void @kiln_simt_mma_f16(ptr, ptr, ptr, ptr)
declare void @kiln_simt_mma_bf16(ptr, ptr, ptr, ptr)
declare float @kiln_simt_saturate(float)
declare float @kiln_simt_ex2_approx_ftz(float)
declare double @kiln_simt_rcp_approx_ftz(double)
declare float @kiln_simt_rcp_approx_ftz_f32(float)
declare float @kiln_simt_fma_rm(float, float, float)
declare float @kiln_simt_div_approx_ftz(float, float)
declare float @kiln_simt_add_rz(float, float)
declare double @kiln_simt_rsqrt_approx_ftz(double)
declare float @kiln_simt_rsqrt_approx_ftz_f32(float)
"""

# LLVM intrinsics that the emulations call, declared unless the module does.
LLVM_INTRINSICS = {
    "llvm.fabs.f32": "declare float @llvm.fabs.f32(float)",
    "llvm.fabs.f64": "declare double @llvm.fabs.f64(double)",
    "llvm.roundeven.f32": "declare float @llvm.roundeven.f32(float)",
    "llvm.roundeven.f64": "declare double @llvm.roundeven.f64(double)",
    "llvm.fptosi.sat.i32.f64": "declare i32 @llvm.fptosi.sat.i32.f64(double)",
    "llvm.fptosi.sat.i32.f32": "declare i32 @llvm.fptosi.sat.i32.f32(float)",
    "llvm.sqrt.f32": "declare float @llvm.sqrt.f32(float)",
}

# f32 -> bf16 rounds to nearest even (cvt.rn.bf16.f32) and keeps NaNs quiet. x86 without
# AVX512-BF16 calls this function, which libgcc defines only from GCC 13 on.
TRUNC_SF_BF2 = """
define bfloat @__truncsfbf2(float %x) {
  %b = bitcast float %x to i32
  %abs = and i32 %b, 2147483647
  %nan = icmp ugt i32 %abs, 2139095040
  %hi = lshr i32 %b, 16
  %quiet = or i32 %hi, 64
  %lsb = and i32 %hi, 1
  %bias = add i32 %lsb, 32767
  %sum = add i32 %b, %bias
  %rounded = lshr i32 %sum, 16
  %bits = select i1 %nan, i32 %quiet, i32 %rounded
  %t = trunc i32 %bits to i16
  %r = bitcast i16 %t to bfloat
  ret bfloat %r
}
"""

INTRINSIC = re.compile(r"@llvm\.nvvm\.([A-Za-z0-9_.]+)")
# libdevice's inline PTX, by its text and constraints, and the emulation that replaces it.
def pair_asm(op):
    """libdevice's 128-bit add or sub of {low, high} pairs, as its inline PTX reads."""
    lines = ["{", ".reg .u32 r0, r1, r2, r3, a0, a1, a2, a3, b0, b1, b2, b3;",
             "mov.b64         {a0,a1}, $2;", "mov.b64         {a2,a3}, $3;",
             "mov.b64         {b0,b1}, $4;", "mov.b64         {b2,b3}, $5;",
             "%s.cc.u32      r0, a0, b0; " % op, "%sc.cc.u32     r1, a1, b1; " % op,
             "%sc.cc.u32     r2, a2, b2; " % op, "%sc.u32        r3, a3, b3; " % op,
             "mov.b64         $0, {r0,r1};", "mov.b64         $1, {r2,r3};", "}"]
    return "\\0A\\09".join(lines)


INLINE_ASM = {
    ('rcp.approx.ftz.f32 $0,$1;', "=f,f"): "rcp.approx.ftz.f32",
    ('rsqrt.approx.ftz.f64 $0, $1;', "=d,d"): "rsqrt.approx.ftz.f64",
    ('sub.rn.f32 $0, $1, $2;', "=f,f,f"): "sub.rn.f32",
    (r'{\0A\09mad.lo.cc.u32   $0, $2, $3, $4;\0A\09madc.hi.u32     $1, $2, $3,  0;\0A\09}',
     "=r,=r,r,r,r"): "mad.wide.u32",
    (r'{\0A\09.reg .u32 r0, r1, r2, r3, alo, ahi, blo, bhi, clo, chi;\0A\09'
     r'mov.b64         {alo,ahi}, $2;    \0A\09mov.b64         {blo,bhi}, $3;    \0A\09'
     r'mov.b64         {clo,chi}, $4;    \0A\09mad.lo.cc.u32   r0, alo, blo, clo;\0A\09'
     r'madc.hi.cc.u32  r1, alo, blo, chi;\0A\09madc.hi.u32     r2, alo, bhi,   0;\0A\09'
     r'mad.lo.cc.u32   r1, alo, bhi,  r1;\0A\09madc.hi.cc.u32  r2, ahi, blo,  r2;\0A\09'
     r'madc.hi.u32     r3, ahi, bhi,   0;\0A\09mad.lo.cc.u32   r1, ahi, blo,  r1;\0A\09'
     r'madc.lo.cc.u32  r2, ahi, bhi,  r2;\0A\09addc.u32        r3,  r3,   0;     \0A\09'
     r'mov.b64         $0, {r0,r1};      \0A\09mov.b64         $1, {r2,r3};      \0A\09}',
     "=l,=l,l,l,l"): "mad.wide.u64",
    (pair_asm("sub"), "=l,=l,l,l,l,l"): "sub.u128",
    (pair_asm("add"), "=l,=l,l,l,l,l"): "add.u128",
    (r'{\0A\09'
     r'.reg .u32 r0, r1, r2, r3, alo, ahi, blo, bhi;\0A\09'
     r'mov.b64         {alo,ahi}, $2;   \0A\09'
     r'mov.b64         {blo,bhi}, $3;   \0A\09'
     r'mul.lo.u32      r0, alo, blo;    \0A\09'
     r'mul.hi.u32      r1, alo, blo;    \0A\09'
     r'mad.lo.cc.u32   r1, alo, bhi, r1;\0A\09'
     r'madc.hi.u32     r2, alo, bhi,  0;\0A\09'
     r'mad.lo.cc.u32   r1, ahi, blo, r1;\0A\09'
     r'madc.hi.cc.u32  r2, ahi, blo, r2;\0A\09'
     r'madc.hi.u32     r3, ahi, bhi,  0;\0A\09'
     r'mad.lo.cc.u32   r2, ahi, bhi, r2;\0A\09'
     r'addc.u32        r3, r3,  0;      \0A\09'
     r'mov.b64         $0, {r0,r1};     \0A\09'
     r'mov.b64         $1, {r2,r3};     \0A\09'
     r'}',
     "=l,=l,l,l"): "mul.wide.u64",
}
ASM = re.compile(r'asm (?:sideeffect )?"([^"]*)", "([^"]*)"')


def replace_inline_asm(text):
    """Returns text with each inline PTX replaced by a call of its emulation, and the names of
    the emulations used."""
    names = set()

    def emulated(m):
        if m.groups() not in INLINE_ASM:
            raise BuildError("no emulation of the inline PTX %r (constraints %r)" % m.groups())
        names.add(INLINE_ASM[m.groups()])
        return "@kiln.simt." + INLINE_ASM[m.groups()]
    return ASM.sub(emulated, text), names


KERNEL = re.compile(r"^define (?:\w+ )*?ptx_kernel void @([A-Za-z0-9_.$]+)\((.*)\)(.*)\{$",
                    re.M)


def emulation(name):
    register = SPECIAL_REGISTER.match(name)
    if register:
        return special_register(register)
    if name in EMULATIONS:
        return EMULATIONS[name]
    raise BuildError("no emulation of the NVVM intrinsic llvm.nvvm.%s" % name)


def parameter_types(parameters):
    """Types of a kernel's parameters, e.g. 'i64 %0, ptr readonly captures(none) %1'."""
    types = []
    # Split at the commas outside parentheses: attributes such as range(i64 0, 8) have some.
    for parameter in filter(None, (p.strip() for p in re.split(r",(?![^(]*\))", parameters))):
        type_ = parameter.split(" ")[0]
        if type_ not in ("i32", "i64", "ptr", "float", "double"):
            raise BuildError("a kernel parameter of type %s" % type_)
        types.append(type_)
    return types


def launch_entry(name, types):
    """kiln_simt_kernel_<name>(ptr params): params is cuLaunchKernel's array of pointers to
    each parameter's value."""
    lines = ["define void @kiln_simt_kernel_%s(ptr %%params) {" % name]
    for i, type_ in enumerate(types):
        lines += ["  %%a%d = getelementptr ptr, ptr %%params, i64 %d" % (i, i),
                  "  %%p%d = load ptr, ptr %%a%d" % (i, i),
                  "  %%v%d = load %s, ptr %%p%d" % (i, type_, i)]
    arguments = ", ".join("%s %%v%d" % (t, i) for i, t in enumerate(types))
    lines += ["  call void @%s(%s)" % (name, arguments), "  ret void", "}"]
    return "\n".join(lines)


SCALAR_BYTES = {"i1": 1, "i8": 1, "i16": 2, "half": 2, "bfloat": 2, "i32": 4, "float": 4,
                "i64": 8, "double": 8, "ptr": 8}
MEMORY_ACCESS = re.compile(r"^\s+(?:%[\w.]+ = load |store )")
# Memory operations that check_accesses has no check for; Kiln's kernels have none today.
UNCHECKABLE = re.compile(r"\b(?:atomicrmw|cmpxchg)\b|@llvm\.mem(?:cpy|move|set)")
# Accesses that need no check: to a module global by name, in bounds by construction.
UNCHECKED_ACCESS = re.compile(r", ptr (?:addrspace\(\d\) )?@[\w.]+(?:, align \d+)?(?:, !.*)?$")
# Loads and stores through a pointer: generic or global (addrspace(1)) ones address global memory
# in Kiln's kernels, addrspace(3) ones shared memory.
ACCESS = re.compile(r"^(\s+)(?:%[\w.]+ = load (<\d+ x \w+>|\w+), "
                    r"ptr( addrspace\([13]\))? (%[\w.]+)"
                    r"|store (<\d+ x \w+>|\w+) .*, ptr( addrspace\([13]\))? (%[\w.]+))"
                    r"(?:, align \d+)?(?:, ![\w.]+ ![\d]+)*$")
SHARED_ARRAY = re.compile(r"^@([\w.]+) = internal (?:unnamed_addr )?addrspace\(3\) global "
                          r"\[(\d+) x (\w+)\]", re.M)


def access_bytes(type_):
    m = re.match(r"<(\d+) x (\w+)>$", type_)
    if m:
        return int(m.group(1)) * SCALAR_BYTES[m.group(2)]
    if type_ not in SCALAR_BYTES:
        raise BuildError("a load or store of type %s" % type_)
    return SCALAR_BYTES[type_]


def check_accesses(text):
    """Precedes each load and store through a pointer with a call of simt.c's bounds check, of
    global or of shared memory; an access of another form is an error rather than left
    unchecked."""
    lines = []
    for line in text.split("\n"):
        if UNCHECKABLE.search(line):
            raise BuildError("no bounds check for '%s'" % line.strip())
        if MEMORY_ACCESS.match(line) and not UNCHECKED_ACCESS.search(line):
            m = ACCESS.match(line)
            if not m:
                raise BuildError("cannot check the memory access '%s'" % line.strip())
            indent = m.group(1)
            type_, space, pointer = m.group(2, 3, 4) if m.group(2) else m.group(5, 6, 7)
            if space == " addrspace(3)":
                lines.append("%scall void @kiln_simt_shared_access(ptr addrspace(3) %s, i64 %d)"
                             % (indent, pointer, access_bytes(type_)))
            else:
                lines.append("%scall void @kiln_simt_access(ptr%s %s, i64 %d)"
                             % (indent, space or "", pointer, access_bytes(type_)))
        lines.append(line)
    return "\n".join(lines)


def shared_arrays(text):
    """kiln_simt_shared / kiln_simt_shared_count: where each of the module's shared arrays
    starts and how many bytes it has, for kiln_simt_shared_access."""
    arrays = [(name, int(count) * access_bytes(element))
              for name, count, element in SHARED_ARRAY.findall(text)]
    entries = ", ".join("{ ptr, i64 } { ptr addrspacecast (ptr addrspace(3) @%s to ptr), i64 %d }"
                        % array for array in arrays)
    return ("@kiln_simt_shared = constant [%d x { ptr, i64 }] [%s]\n"
            "@kiln_simt_shared_count = constant i64 %d\n" % (len(arrays), entries, len(arrays)))


def host_ir(nvvm):
    """The module's IR with NVPTX's triple, data layout, intrinsics and calling convention
    replaced by the host's and simt.c's."""
    text = re.sub(r"^target (datalayout|triple) = .*$", "", nvvm, flags=re.M)
    text = re.sub(r"^declare [^\n]*@llvm\.nvvm\.[^\n]*$", "", text, flags=re.M)
    names = set(INTRINSIC.findall(text))
    text = INTRINSIC.sub(lambda m: "@kiln.simt." + m.group(1), text)
    text, asm_names = replace_inline_asm(text)
    names = sorted(names | asm_names)
    kernels = KERNEL.findall(text)
    text = KERNEL.sub(lambda m: "define void @%s(%s)%s{" % m.groups(), text)
    text = check_accesses(text)
    parts = [text, RUNTIME_DECLARATIONS, shared_arrays(text)]
    parts += [declaration for name, declaration in LLVM_INTRINSICS.items()
              if not re.search(r"^declare [^\n]*@%s\(" % re.escape(name), text, re.M)]
    for name in names:
        signature, ret = emulation(name)
        parts.append("define internal %s @kiln.simt.%s%s" % (ret, name, signature))
    parts += [launch_entry(name, parameter_types(params)) for name, params, _ in kernels]
    if "bfloat" in nvvm:
        parts.append(TRUNC_SF_BF2)
    return "\n".join(parts) + "\n"


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise BuildError("%s failed:\n%s%s" % (" ".join(command), result.stdout, result.stderr))


def build(module, output, kilnc, llc, cc="cc", chip="sm_90"):
    """Builds the kernels of `module` (a Kiln .mlir file) for the host, with simt.c, into the
    shared library `output`."""
    with tempfile.TemporaryDirectory() as tmp:
        nvvm, host, obj = (os.path.join(tmp, n) for n in ("kernels.ll", "host.ll", "kernels.o"))
        run([kilnc, module, "--emit=nvvm", "--target=cuda:" + chip, "-o", nvvm])
        with open(nvvm) as f:
            ir = host_ir(f.read())
        with open(host, "w") as f:
            f.write(ir)
        # F16C converts f16 without the libgcc helpers that GCC 12 lacks (__extendhfsf2); FMA
        # fuses what the NVPTX backend fuses (`contract` multiply-adds) into one rounding.
        run([llc, "-O2", "-mtriple=x86_64-unknown-linux-gnu", "-mattr=+f16c,+fma",
             "-relocation-model=pic", "-filetype=obj", host, "-o", obj])
        simt = os.path.join(os.path.dirname(os.path.abspath(__file__)), "simt.c")
        run([cc, "-shared", "-fPIC", "-O2", "-frounding-math", simt, obj, "-o", output, "-lm"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module")
    parser.add_argument("-o", dest="output", required=True)
    parser.add_argument("--kilnc", required=True)
    parser.add_argument("--llc", required=True)
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--chip", default="sm_90")
    args = parser.parse_args()
    try:
        build(args.module, args.output, args.kilnc, args.llc, args.cc, args.chip)
    except BuildError as e:
        sys.exit("simt.py: error: %s" % e)


if __name__ == "__main__":
    main()
