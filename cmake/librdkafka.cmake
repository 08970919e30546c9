# librdkafka, built from source into the build tree and linked statically (docs/building.md).
# The source is unpacked at configure time, so that its version can be checked here; the library is
# built at build time by scripts/build-librdkafka, once per build tree.
set(KCON_LIBRDKAFKA_SOURCE "" CACHE STRING
  "librdkafka source tarball or unpacked tree to build from; empty: fetched from Debian's archive (suite sid)")
set(KCON_LIBRDKAFKA_CACHE "${PROJECT_SOURCE_DIR}/.cache/librdkafka" CACHE PATH
  "Where fetched librdkafka source packages are kept, shared by the build trees")
set(KCON_LIBRDKAFKA_MIN 0x020e0000) # 2.14.0
set(KCON_LIBRDKAFKA_DIR ${CMAKE_BINARY_DIR}/_deps/librdkafka)
set(_kcon_rdk_script ${PROJECT_SOURCE_DIR}/scripts/build-librdkafka)

execute_process(COMMAND ${_kcon_rdk_script} unpack ${KCON_LIBRDKAFKA_DIR} ${KCON_LIBRDKAFKA_CACHE}
    ${KCON_LIBRDKAFKA_SOURCE}
  RESULT_VARIABLE _kcon_rdk_rc)
if(NOT _kcon_rdk_rc EQUAL 0)
  message(FATAL_ERROR "librdkafka: no source to build (see the lines above). To build offline, pass "
    "-DKCON_LIBRDKAFKA_SOURCE=/path/to/librdkafka_2.14.2.orig.tar.gz (see docs/building.md).")
endif()
# A removed _deps/librdkafka makes the build configure (and unpack) again.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${KCON_LIBRDKAFKA_DIR}/source.stamp)
# kcon's patches to it (patches/librdkafka, docs/building.md): a changed one unpacks and builds it again.
file(GLOB _kcon_rdk_patches ${PROJECT_SOURCE_DIR}/patches/librdkafka/*.patch)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_kcon_rdk_patches}
  ${PROJECT_SOURCE_DIR}/patches/librdkafka)
# Whether the keep-busy-bootstrap-broker patch applied (the script's list): the unit test of it
# needs it (KCON_RDK_PATCHED, tests/CMakeLists.txt) and skips without it.
set(KCON_RDK_PATCHED OFF)
if(EXISTS ${KCON_LIBRDKAFKA_DIR}/patches.applied)
  file(STRINGS ${KCON_LIBRDKAFKA_DIR}/patches.applied _kcon_rdk_applied)
  if("0001-keep-busy-bootstrap-broker.patch" IN_LIST _kcon_rdk_applied)
    set(KCON_RDK_PATCHED ON)
  endif()
endif()
if(NOT KCON_RDK_PATCHED)
  message(WARNING "librdkafka: patches/librdkafka/0001-keep-busy-bootstrap-broker.patch did not apply: "
    "short commands will connect twice; its unit test is skipped")
endif()

# RD_KAFKA_VERSION is 0xMMmmrrpp: major, minor, revision, pre-release.
set(_kcon_rdk_h ${KCON_LIBRDKAFKA_DIR}/include/librdkafka/rdkafka.h)
file(STRINGS ${_kcon_rdk_h} _kcon_rdk_v REGEX "^#define[ \t]+RD_KAFKA_VERSION[ \t]+0x[0-9a-fA-F]+")
string(REGEX MATCH "0x[0-9a-fA-F]+" _kcon_rdk_v "${_kcon_rdk_v}")
if(NOT _kcon_rdk_v)
  message(FATAL_ERROR "librdkafka: no RD_KAFKA_VERSION in ${_kcon_rdk_h}")
endif()
math(EXPR _kcon_rdk_major "(${_kcon_rdk_v} >> 24) & 255")
math(EXPR _kcon_rdk_minor "(${_kcon_rdk_v} >> 16) & 255")
math(EXPR _kcon_rdk_rev "(${_kcon_rdk_v} >> 8) & 255")
set(KCON_LIBRDKAFKA_VERSION ${_kcon_rdk_major}.${_kcon_rdk_minor}.${_kcon_rdk_rev})
if(_kcon_rdk_v LESS KCON_LIBRDKAFKA_MIN)
  if(KCON_LIBRDKAFKA_SOURCE)
    set(_kcon_rdk_from "${KCON_LIBRDKAFKA_SOURCE}")
  else()
    set(_kcon_rdk_from "the newest tarball in ${KCON_LIBRDKAFKA_CACHE}: remove it to fetch sid's again")
  endif()
  message(FATAL_ERROR "librdkafka ${KCON_LIBRDKAFKA_VERSION} is too old: kcon needs 2.14 or newer "
    "(SCRAM against Kafka 4, the newer admin APIs). It came from ${_kcon_rdk_from}. "
    "Pass -DKCON_LIBRDKAFKA_SOURCE=/path/to/a newer librdkafka source tarball (docs/building.md).")
endif()
message(STATUS "librdkafka ${KCON_LIBRDKAFKA_VERSION}, built in ${KCON_LIBRDKAFKA_DIR}")

# Its dependencies as configured by the build script (--enable-ssl --enable-zstd --enable-zlib).
pkg_check_modules(RDKAFKA_DEPS REQUIRED IMPORTED_TARGET libssl libcrypto libzstd zlib)

set(_kcon_rdk_lib ${KCON_LIBRDKAFKA_DIR}/lib/librdkafka.a)
add_custom_command(OUTPUT ${_kcon_rdk_lib}
  COMMAND ${_kcon_rdk_script} build ${KCON_LIBRDKAFKA_DIR} ${CMAKE_C_COMPILER}
  DEPENDS ${KCON_LIBRDKAFKA_DIR}/source.stamp ${_kcon_rdk_script}
  COMMENT "Building librdkafka ${KCON_LIBRDKAFKA_VERSION} (once per build tree)"
  VERBATIM)
add_custom_target(librdkafka_build DEPENDS ${_kcon_rdk_lib})

# The one librdkafka every target links: never a system librdkafka.so.
add_library(kcon_rdkafka STATIC IMPORTED GLOBAL)
set_target_properties(kcon_rdkafka PROPERTIES
  IMPORTED_LOCATION ${_kcon_rdk_lib}
  INTERFACE_INCLUDE_DIRECTORIES ${KCON_LIBRDKAFKA_DIR}/include
  INTERFACE_LINK_LIBRARIES "PkgConfig::RDKAFKA_DEPS;Threads::Threads;${CMAKE_DL_LIBS};m;rt")
add_dependencies(kcon_rdkafka librdkafka_build)
