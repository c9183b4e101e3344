# Installation, the CMake package (find_package(Kiln CONFIG)), pkg-config files and the Debian
# package (cpack -G DEB). docs/linking.md describes what each gives a user.
include(CMakePackageConfigHelpers)

set(KILN_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Kiln)
set(KILN_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/kiln)
set(KILN_INSTALL_DOCDIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/kiln)

set(KILN_INSTALLED_TOOLS kiln-run)
if(KILN_BUILD_COMPILER)
  list(APPEND KILN_INSTALLED_TOOLS kilnc kiln-import-onnx kiln-opt kiln-interp)
  # The tools link Debian's libMLIR/libLLVM from /usr/lib/llvm-22/lib, which is not on the
  # loader's path: keep the link directories as the installed tools' RUNPATH.
  set_target_properties(kilnc kiln-import-onnx kiln-opt kiln-interp PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
endif()
install(TARGETS ${KILN_INSTALLED_TOOLS} EXPORT KilnTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)

# The same targets from the build tree (-DKiln_DIR=<build>/lib/cmake/Kiln) and from a prefix.
set(KILN_BUILD_CMAKEDIR ${PROJECT_BINARY_DIR}/lib/cmake/Kiln)
export(EXPORT KilnTargets NAMESPACE Kiln:: FILE ${KILN_BUILD_CMAKEDIR}/KilnTargets.cmake)
install(EXPORT KilnTargets NAMESPACE Kiln:: DESTINATION ${KILN_INSTALL_CMAKEDIR}
  COMPONENT runtime)
configure_package_config_file(cmake/KilnConfig.cmake.in ${KILN_BUILD_CMAKEDIR}/KilnConfig.cmake
  INSTALL_DESTINATION ${KILN_INSTALL_CMAKEDIR})
write_basic_package_version_file(${KILN_BUILD_CMAKEDIR}/KilnConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
configure_file(cmake/Kiln.cmake ${KILN_BUILD_CMAKEDIR}/Kiln.cmake COPYONLY)
install(FILES ${KILN_BUILD_CMAKEDIR}/KilnConfig.cmake ${KILN_BUILD_CMAKEDIR}/KilnConfigVersion.cmake
  cmake/Kiln.cmake DESTINATION ${KILN_INSTALL_CMAKEDIR} COMPONENT runtime)

# pkg-config: kiln-runtime links libkilnrt.so; kiln-runtime-static the archive and what it needs.
file(RELATIVE_PATH KILN_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" KILN_PC_TO_PREFIX ${KILN_PC_TO_PREFIX})
foreach(pc kiln-runtime kiln-runtime-static)
  configure_file(cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/lib/pkgconfig/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/lib/pkgconfig/${pc}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT runtime)
endforeach()

install(FILES README.md DESTINATION ${KILN_INSTALL_DOCDIR} COMPONENT docs)
install(DIRECTORY docs/ DESTINATION ${KILN_INSTALL_DOCDIR} COMPONENT docs)
# The MLP example builds on its own against the package (cmake -S <datadir>/examples/mlp).
install(DIRECTORY examples/mlp DESTINATION ${KILN_INSTALL_DATADIR}/examples COMPONENT docs)

# cpack -G DEB (run in the build directory): one package with everything above. kilnc needs
# Debian's LLVM/MLIR 22 libraries and a C toolchain with the C library's development files (it
# links shared artifacts with `cc`); programs that link the static runtime need libstdc++'s;
# kiln_add_library needs CMake.
set(CPACK_PACKAGE_NAME kiln)
set(CPACK_PACKAGE_VENDOR "The Kiln developers")
set(CPACK_PACKAGE_CONTACT "The Kiln developers <kiln@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Ahead-of-time compiler for dataflow graphs of tensor kernels, and its C runtime")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libc6, libstdc++6, libc6-dev | libc-dev, gcc, g++")
if(KILN_BUILD_COMPILER)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libmlir-22, libllvm22, libonnx1, libprotobuf32")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake (>= 3.20), pkg-config")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nvidia-cuda-toolkit")
set(CPACK_GENERATOR DEB)
include(CPack)
