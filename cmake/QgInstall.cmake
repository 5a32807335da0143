# Install rules: `cmake --install BUILD --prefix PREFIX` installs the quantgrid executable
# (component runtime) with its modules in LIBDIR/quantgrid (quantgrid_mpi.so, loaded only under an
# MPI launcher: qg/cluster/mpi_module.hpp; quantgrid_live.so, loaded only by the live-link
# commands: coordinator/app/live_module.hpp) and, for other C++ projects, the kernels
# library with the core it builds on, their headers and a CMake package (component kernels):
#   find_package(quantgrid 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE quantgrid::kernels)
# `cmake --install BUILD --prefix PREFIX --component kernels` installs the library part alone.
include(CMakePackageConfigHelpers)

set(QG_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/quantgrid)

install(TARGETS quantgrid RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(TARGETS quantgrid_mpi quantgrid_live LIBRARY DESTINATION ${QG_MODULE_DIR} COMPONENT runtime)

install(TARGETS qg_core qg_kernels EXPORT quantgridTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT kernels
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT kernels
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/ ${PROJECT_SOURCE_DIR}/kernels/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT kernels)
install(EXPORT quantgridTargets NAMESPACE quantgrid:: DESTINATION ${QG_INSTALL_CMAKEDIR} COMPONENT kernels)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/quantgridConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/quantgridConfig.cmake INSTALL_DESTINATION ${QG_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/quantgridConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/quantgridConfig.cmake ${PROJECT_BINARY_DIR}/quantgridConfigVersion.cmake
        DESTINATION ${QG_INSTALL_CMAKEDIR} COMPONENT kernels)
