# Libraries kcon opens on first use (backend/dynlib.h) instead of linking: their SONAME, which the
# code passes to dlopen, and the Debian package that holds it, named in error hints and added to the
# package's Depends (cmake/package.cmake), since dpkg-shlibdeps cannot see a dlopen.
# kcon_dynlib(CURL 7.85.0) reads CURL_LINK_LIBRARIES (pkg_check_modules) and sets KCON_CURL_SONAME and
# KCON_CURL_PACKAGE, and appends "PACKAGE (>= 7.85.0)" to KCON_DYNLIB_PACKAGES: the minimum is the
# oldest upstream version that has every function and option kcon uses (dpkg-shlibdeps would have
# taken it from the library's symbols file, which a dlopen bypasses). dlopen checks the SONAME, the
# code each function it looks up (backend/dynlib.c), the library itself options such as
# CURLOPT_PROTOCOLS_STR (backend/registry.c).
function(kcon_dynlib prefix minimum)
  if(${prefix}_VERSION VERSION_LESS minimum)
    message(FATAL_ERROR "${prefix}: ${${prefix}_VERSION} is older than ${minimum}, the oldest kcon works with")
  endif()
  set(lib "")
  foreach(l ${${prefix}_LINK_LIBRARIES})
    if(l MATCHES "\\.so")
      set(lib ${l})
      break()
    endif()
  endforeach()
  if(NOT lib)
    message(FATAL_ERROR "${prefix}: no shared library among ${${prefix}_LINK_LIBRARIES}")
  endif()
  execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${lib} OUTPUT_VARIABLE dump RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0 OR NOT dump MATCHES "SONAME[ \t]+([^ \t\r\n]+)")
    message(FATAL_ERROR "${prefix}: cannot read the SONAME of ${lib} with ${CMAKE_OBJDUMP}")
  endif()
  set(soname ${CMAKE_MATCH_1})
  get_filename_component(dir ${lib} DIRECTORY)
  get_filename_component(real ${dir}/${soname} REALPATH)
  set(package ${soname})
  find_program(_kcon_dpkg_query dpkg-query)
  if(_kcon_dpkg_query)
    execute_process(COMMAND ${_kcon_dpkg_query} -S ${real} OUTPUT_VARIABLE owner RESULT_VARIABLE rc ERROR_QUIET)
    if(rc EQUAL 0 AND owner MATCHES "^([^:, ]+)")
      set(package ${CMAKE_MATCH_1})
      set(KCON_DYNLIB_PACKAGES ${KCON_DYNLIB_PACKAGES} "${package} (>= ${minimum})" PARENT_SCOPE)
    endif()
  endif()
  set(KCON_${prefix}_SONAME ${soname} PARENT_SCOPE)
  set(KCON_${prefix}_PACKAGE ${package} PARENT_SCOPE)
  message(STATUS "${prefix}: ${soname} (${package} >= ${minimum}), opened on first use")
endfunction()
