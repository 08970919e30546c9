# KCON_STATIC (make static): one binary for pods (docs/pods.md). Every library is linked from its
# static archive (the .a files of Debian's -dev packages); only glibc stays shared, so that DNS
# goes through the pod's own NSS. The post-build check (scripts/check-static) fails the build when a
# library other than glibc's is needed, or a glibc symbol newer than KCON_GLIBC_MAX.
set(KCON_GLIBC_MAX 2.34 CACHE STRING "The newest glibc symbol version the static build may need (UBI 9: 2.34)")
set(CMAKE_FIND_LIBRARY_SUFFIXES .a) # find_library() (readline) takes the archive too

# glibc's libraries, linked shared: the rest of a pkg-config module's static libraries are archives.
set(_kcon_glibc_libs c m dl pthread rt resolv)

# Points the imported target PkgConfig::<prefix> at the archives of its modules' static libraries.
function(kcon_static_pkg prefix)
  set(libs)
  foreach(name IN LISTS ${prefix}_STATIC_LIBRARIES)
    if(name IN_LIST _kcon_glibc_libs)
      list(APPEND libs ${name})
      continue()
    endif()
    find_library(KCON_STATIC_${name} NAMES lib${name}.a HINTS ${${prefix}_STATIC_LIBRARY_DIRS})
    if(NOT KCON_STATIC_${name})
      message(FATAL_ERROR "make static: no lib${name}.a (needed by ${prefix}): install the -dev package "
        "that ships it (scripts/install-deps build)")
    endif()
    list(APPEND libs ${KCON_STATIC_${name}})
  endforeach()
  list(REMOVE_DUPLICATES libs)
  set_target_properties(PkgConfig::${prefix} PROPERTIES INTERFACE_LINK_LIBRARIES "${libs}"
    INTERFACE_LINK_OPTIONS "" INTERFACE_LINK_DIRECTORIES "")
endfunction()

foreach(prefix JANSSON SQLITE3 OPENSSL NCURSES RDKAFKA_DEPS)
  kcon_static_pkg(${prefix})
endforeach()
