# The ONNX backend test suite (Debian's libonnx-testdata) through kilnc and kiln-run, checked
# against expectations.txt (test/CMakeLists.txt includes this; docs/onnx.md explains it).
find_program(KILN_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME onnx.backend-suite
  COMMAND ${KILN_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/onnx/run_backend_tests.py
          --kilnc $<TARGET_FILE:kilnc> --kiln-run $<TARGET_FILE:kiln-run>)
set_tests_properties(onnx.backend-suite PROPERTIES LABELS onnx TIMEOUT 1800)

# Real architectures (torchvision's and small transformers) exported with torch, compiled and
# compared with torch's and onnxruntime's outputs (test/onnx/models/run_models.py). onnxruntime
# is in the virtual environment that scripts/install-deps.sh makes.
add_test(NAME onnx.models
  COMMAND ${PROJECT_SOURCE_DIR}/.venv/bin/python3
          ${CMAKE_CURRENT_SOURCE_DIR}/onnx/models/run_models.py
          --kilnc $<TARGET_FILE:kilnc> --kiln-run $<TARGET_FILE:kiln-run>)
set_tests_properties(onnx.models PROPERTIES LABELS onnx TIMEOUT 1800)
