# kiln_add_library(<name> SOURCE <module.mlir | model.onnx>
#                  [TARGET <targets>] [OPT_LEVEL <0-3>] [MODULE_NAME <c-identifier>]
#                  [KILNC_OPTIONS <option>...] [NO_RUNTIME])
#
# Compiles a Kiln module or an ONNX model with kilnc at build time into an object and a C
# header, and makes <name> a static library that carries both: link it and
# `#include "<module>.h"`. MODULE_NAME defaults to the source's file name ("mlp.mlir" -> mlp.h,
# mlp_metadata). TARGET is kilnc's --target (default host; "host,cuda:sm_80,cuda:sm_90" adds the
# CUDA entries), OPT_LEVEL its -O (default 3). KILNC_OPTIONS go to kilnc as they are: an ONNX
# model's `--dim batch=1`, `--graph-name classify`, `--input-value NAME=FILE.pb`.
#
# The library links the Kiln runtime (Kiln::runtime), whose thread pool the graphs' parallel
# loops run on. NO_RUNTIME leaves it out: the graphs then run on the calling thread, and the
# program needs only libm; CUDA targets always need the runtime.
#
# kilnc is Kiln::kilnc: this build's when Kiln is built in the same project, the installed one
# from find_package(Kiln), else the KILNC cache variable or kilnc on PATH.
function(kiln_add_library name)
  cmake_parse_arguments(ARG "NO_RUNTIME" "SOURCE;TARGET;OPT_LEVEL;MODULE_NAME" "KILNC_OPTIONS"
                        ${ARGN})
  if(NOT ARG_SOURCE)
    message(FATAL_ERROR "kiln_add_library(${name}): SOURCE is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "kiln_add_library(${name}): unknown arguments '${ARG_UNPARSED_ARGUMENTS}'")
  endif()
  if(NOT ARG_TARGET)
    set(ARG_TARGET host)
  endif()
  if(NOT DEFINED ARG_OPT_LEVEL)
    set(ARG_OPT_LEVEL 3)
  endif()
  get_filename_component(source ${ARG_SOURCE} ABSOLUTE)
  if(NOT ARG_MODULE_NAME)
    get_filename_component(ARG_MODULE_NAME ${source} NAME_WE)
    string(MAKE_C_IDENTIFIER ${ARG_MODULE_NAME} ARG_MODULE_NAME)
  endif()

  if(TARGET Kiln::kilnc)
    set(kilnc $<TARGET_FILE:Kiln::kilnc>)
    get_target_property(imported Kiln::kilnc IMPORTED)
    # A file dependency on an imported tool; a target dependency on one this build makes.
    if(imported)
      set(kilnc_dep $<TARGET_FILE:Kiln::kilnc>)
    else()
      get_target_property(kilnc_dep Kiln::kilnc ALIASED_TARGET)
    endif()
  else()
    find_program(KILNC kilnc REQUIRED)
    set(kilnc ${KILNC})
    set(kilnc_dep ${KILNC})
  endif()

  set(include_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}.kiln)
  set(object ${include_dir}/${ARG_MODULE_NAME}.o)
  set(header ${include_dir}/${ARG_MODULE_NAME}.h)
  add_custom_command(
    OUTPUT ${object} ${header}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${include_dir}
    COMMAND ${kilnc} ${source} -o ${object} --header=${header} --target=${ARG_TARGET}
            -O${ARG_OPT_LEVEL} --module-name=${ARG_MODULE_NAME} ${ARG_KILNC_OPTIONS}
    DEPENDS ${source} ${kilnc_dep}
    COMMENT "kilnc ${ARG_SOURCE} -> ${ARG_MODULE_NAME}.o, ${ARG_MODULE_NAME}.h"
    VERBATIM)
  set_source_files_properties(${object} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${name} STATIC ${object} ${header})
  set_target_properties(${name} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${name} INTERFACE ${include_dir})
  # Transcendentals that are not approximated inline call libm.
  target_link_libraries(${name} INTERFACE m)
  if(ARG_NO_RUNTIME AND ARG_TARGET MATCHES "cuda:")
    message(FATAL_ERROR "kiln_add_library(${name}): NO_RUNTIME with a CUDA target: the CUDA "
                        "entries call the Kiln runtime")
  endif()
  if(NOT ARG_NO_RUNTIME)
    if(NOT TARGET Kiln::runtime)
      message(FATAL_ERROR "kiln_add_library(${name}): no Kiln::runtime target; use "
                          "find_package(Kiln CONFIG), or NO_RUNTIME for a CPU-only library "
                          "that runs on the calling thread")
    endif()
    target_link_libraries(${name} INTERFACE Kiln::runtime)
  endif()
endfunction()
