# The libFuzzer targets as ctest tests (test/CMakeLists.txt includes this): fuzz.build builds
# them with clang in a directory of its own (run.sh), then each fuzz.TARGET replays its
# regression inputs and fuzzes for KILN_FUZZ_SECONDS. Longer runs: run.sh by hand (see
# docs/reliability.md).
set(KILN_FUZZ_SECONDS 60 CACHE STRING "How long each fuzzer runs in ctest, in seconds")
set(KILN_FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/libfuzzer)
set(KILN_FUZZ_BUILD_DIR ${CMAKE_CURRENT_BINARY_DIR}/fuzz/libfuzzer)

add_test(NAME fuzz.build
  COMMAND ${KILN_FUZZ_DIR}/run.sh build ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}
          ${KILN_FUZZ_BUILD_DIR} ${KILN_CLANG} ${KILN_CLANGXX})
set_tests_properties(fuzz.build PROPERTIES FIXTURES_SETUP kiln_fuzzers LABELS fuzz TIMEOUT 1800)

foreach(target npy artifact call mlir onnx)
  add_test(NAME fuzz.${target}
    COMMAND ${KILN_FUZZ_DIR}/run.sh run ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}
            ${KILN_FUZZ_BUILD_DIR} ${target} ${KILN_FUZZ_SECONDS})
  math(EXPR timeout "${KILN_FUZZ_SECONDS} + 600")
  set_tests_properties(fuzz.${target} PROPERTIES
    FIXTURES_REQUIRED kiln_fuzzers LABELS fuzz TIMEOUT ${timeout})
endforeach()
