# `make package`: a Debian package of what `cmake --install` installs (the binary, the plugins,
# the themes, README, LICENSE and docs/, and whatever else gets an install() rule: the man page and
# the shell completions), built by CPack. The dependencies come from dpkg-shlibdeps (dpkg-dev),
# which reads the binary's and the plugins' NEEDED entries: librdkafka is linked in, so it is none;
# libcurl's and libmicrohttpd's packages are named here, since kcon opens them on first use.
# Configure with -DCMAKE_INSTALL_PREFIX=/usr (the Makefile does): the data and plugin directories
# are compiled in from the prefix. docs/install.md says when to take the package and when the
# static binary.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kcon)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "terminal console for Apache Kafka clusters")
set(CPACK_PACKAGE_DESCRIPTION "kcon shows a Kafka cluster's topics, partitions, consumer groups and lag \
in a TUI, a REPL and scripts, tails messages with every byte escaped, and changes configs, partitions, ACLs \
and SCRAM users with a preview first. librdkafka is linked in.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # kcon_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "kcon maintainers")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The libraries kcon opens on first use (cmake/dynlib.cmake): no NEEDED entry names them.
if(KCON_DYNLIB_PACKAGES)
  string(REPLACE ";" ", " CPACK_DEBIAN_PACKAGE_DEPENDS "${KCON_DYNLIB_PACKAGES}")
endif()
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
include(CPack)
