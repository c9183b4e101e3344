# Kiln's lit configuration: finds the build's tools and LLVM's FileCheck/not.
import os
import shutil

import lit.formats

config.name = "Kiln"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "unit", "Inputs",
                   "CMakeLists.txt", "benchmarks", "harness", "libfuzzer"]

path = os.path.pathsep.join([config.kiln_tools_dir, config.llvm_tools_dir,
                             config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PATH"] = path
for var in ["HOME", "TMPDIR"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]

config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%kiln_tools", config.kiln_tools_dir))
config.substitutions.append(("%kiln_version", config.kiln_version))
config.substitutions.append(("%llc", os.path.join(config.llvm_tools_dir, "llc")))
# The CUDA emulator's fake driver and checks (test/cuda-emulator/CMakeLists.txt).
emulator = os.path.join(config.kiln_obj_root, "test", "cuda-emulator")
config.substitutions.append(("%fake_cuda", os.path.join(emulator, "libkiln_fake_cuda.so")))
config.substitutions.append(("%kiln_emulator", emulator))
# The runtime libraries, next to the tools' bin/ (CMAKE_ARCHIVE_OUTPUT_DIRECTORY).
config.substitutions.append(("%kiln_lib", os.path.join(os.path.dirname(config.kiln_tools_dir), "lib")))


def cuda_gpu_present():
    """Whether the CUDA driver loads here and sees a GPU: the GPU tests run only then, and lit
    reports them as unsupported otherwise."""
    import ctypes
    try:
        driver = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    count = ctypes.c_int(0)
    return driver.cuInit(0) == 0 and driver.cuDeviceGetCount(ctypes.byref(count)) == 0 \
        and count.value > 0


# The CUDA toolkit that kilnc uses by default ($CUDA_PATH, else /usr/local/cuda): tests that run
# ptxas and fatbinary need it, and are reported unsupported on a machine without it.
cuda_path = os.environ.get("CUDA_PATH") or "/usr/local/cuda"
if all(os.access(os.path.join(cuda_path, "bin", tool), os.X_OK)
       for tool in ["ptxas", "fatbinary"]) and os.path.exists(
        os.path.join(cuda_path, "nvvm", "libdevice", "libdevice.10.bc")):
    config.available_features.add("cuda-toolkit")
config.substitutions.append(("%cuda_bin", os.path.join(cuda_path, "bin")))
if "CUDA_PATH" in os.environ:
    config.environment["CUDA_PATH"] = os.environ["CUDA_PATH"]

if cuda_gpu_present():
    config.available_features.add("cuda-gpu")
if shutil.which("valgrind", path=path):
    config.available_features.add("valgrind")
if shutil.which("cuobjdump", path="/usr/local/cuda/bin:" + path):
    config.available_features.add("cuobjdump")
