# The backend's module graph as a build fact. Each backend/<module>/ folder is one
# static library, rlrf_<module>, linked only to the modules it may use. A source
# that includes a header of a module outside that list fails the build at once,
# with the file and line named (check_module_includes.cmake), and the table of
# modules is written to the build folder, where tests/hygiene/tst_module_graph
# compares it with the table it holds.

set(RLRF_MODULE_CHECK_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/check_module_includes.cmake)

# rlrf_add_module(<name> [TORCH] [USES <module>...])
#   TORCH: its sources may include LibTorch (kept private: its include paths
#   must never reach Qt code).
function(rlrf_add_module name)
  cmake_parse_arguments(M "TORCH" "" "USES" ${ARGN})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR}/${name})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cpp ${dir}/*.h)
  set(target rlrf_${name})
  add_library(${target} STATIC ${sources})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  rlrf_set_warnings(${target})
  target_include_directories(${target}
      PUBLIC  ${CMAKE_CURRENT_SOURCE_DIR}
      PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
  target_link_libraries(${target}
      PUBLIC  spdlog::spdlog nlohmann_json::nlohmann_json Threads::Threads
      PRIVATE SQLite::SQLite3 PkgConfig::PCRE2 CURL::libcurl)
  foreach(used IN LISTS M_USES)
    if(NOT TARGET rlrf_${used})
      message(FATAL_ERROR "backend module '${name}' uses '${used}', which is not defined before it")
    endif()
    target_link_libraries(${target} PUBLIC rlrf_${used})
  endforeach()
  if(M_TORCH)
    target_link_libraries(${target} PRIVATE ${TORCH_LIBRARIES})
    target_include_directories(${target} SYSTEM PRIVATE ${TORCH_INCLUDE_DIRS})
    if(RLRF_ENABLE_PCH)
      # One precompiled LibTorch for every torch module; the sources that do
      # not include LibTorch skip it (read off the sources: a wrong guess only
      # costs build time).
      target_precompile_headers(${target} REUSE_FROM rlrf_torch_pch)
      foreach(src IN LISTS sources)
        if(src MATCHES "\\.cpp$")
          file(STRINGS ${src} _torch_lines REGEX "#include [<\"](torch/|ATen/|c10/)" LIMIT_COUNT 1)
          if(NOT _torch_lines)
            set_source_files_properties(${src} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
          endif()
        endif()
      endforeach()
    endif()
  endif()

  # The include check runs before the module compiles.
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/module_checks/${name}.ok)
  add_custom_command(OUTPUT ${stamp}
      COMMAND ${CMAKE_COMMAND} -DMODULE=${name} "-DUSES=${M_USES}" -DROOT=${CMAKE_CURRENT_SOURCE_DIR}
              -DSTAMP=${stamp} -P ${RLRF_MODULE_CHECK_SCRIPT}
      DEPENDS ${sources} ${RLRF_MODULE_CHECK_SCRIPT}
      COMMENT "Checking the includes of backend module ${name}"
      VERBATIM)
  add_custom_target(${target}_includes DEPENDS ${stamp})
  add_dependencies(${target} ${target}_includes)

  set_property(GLOBAL APPEND PROPERTY RLRF_MODULES ${name})
  set_property(GLOBAL PROPERTY RLRF_MODULE_USES_${name} "${M_USES}")
endfunction()

# Writes "<module>: <used modules...>" per line, in definition order.
function(rlrf_write_module_table file)
  get_property(modules GLOBAL PROPERTY RLRF_MODULES)
  set(text "")
  foreach(m IN LISTS modules)
    get_property(uses GLOBAL PROPERTY RLRF_MODULE_USES_${m})
    string(REPLACE ";" " " uses "${uses}")
    string(APPEND text "${m}: ${uses}\n")
  endforeach()
  file(WRITE ${file} "${text}")
endfunction()
