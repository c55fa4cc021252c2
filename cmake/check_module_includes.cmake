# cmake -DMODULE=<name> -DUSES=<m1;m2...> -DROOT=<backend dir> [-DSTAMP=<file>] -P check_module_includes.cmake
#
# Fails when a source of backend/<MODULE>/ includes "<other>/..." for another
# backend module that is not in USES, naming every offending file and line.
# Includes of folders that are not backend modules (system, generated) pass.
cmake_minimum_required(VERSION 3.21)

file(GLOB module_dirs LIST_DIRECTORIES true RELATIVE ${ROOT} ${ROOT}/*)
set(known "")
foreach(d IN LISTS module_dirs)
  if(IS_DIRECTORY ${ROOT}/${d})
    list(APPEND known ${d})
  endif()
endforeach()

file(GLOB_RECURSE sources ${ROOT}/${MODULE}/*.cpp ${ROOT}/${MODULE}/*.h)
set(errors "")
foreach(src IN LISTS sources)
  # Include lines only (they hold no ';' to confuse a CMake list); the line
  # number is looked up only for an offending one.
  file(STRINGS ${src} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS includes)
    if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([A-Za-z0-9_]+)/")
      set(used ${CMAKE_MATCH_1})
      if(NOT used STREQUAL MODULE AND used IN_LIST known AND NOT used IN_LIST USES)
        file(READ ${src} text)
        string(FIND "${text}" "${line}" at)
        string(SUBSTRING "${text}" 0 ${at} before)
        string(REGEX MATCHALL "\n" newlines "${before}")
        list(LENGTH newlines n)
        math(EXPR n "${n} + 1")
        file(RELATIVE_PATH rel ${ROOT} ${src})
        string(APPEND errors "backend/${rel}:${n}: module '${MODULE}' may not include '${used}/' "
                             "(it may use: ${USES}; see docs/architecture.md)\n")
      endif()
    endif()
  endforeach()
endforeach()

if(errors)
  message(FATAL_ERROR "wrong dependency between backend modules:\n${errors}")
endif()
if(STAMP)
  file(WRITE ${STAMP} "ok\n")
endif()
