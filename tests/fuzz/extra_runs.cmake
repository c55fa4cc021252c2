# tst_fuzz_replay runs the fuzz targets' bodies (the same sources libFuzzer
# drives under RLRF_FUZZ) over real seed files and the committed regressions.
if(TARGET tst_fuzz_replay)
  file(GLOB _fuzz_bodies CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/fuzz_*.cpp)
  list(FILTER _fuzz_bodies EXCLUDE REGEX "fuzz_main\\.cpp$")
  target_sources(tst_fuzz_replay PRIVATE ${_fuzz_bodies})
  target_compile_definitions(tst_fuzz_replay PRIVATE
      RLRF_FUZZ_DIR="${CMAKE_CURRENT_LIST_DIR}" RLRF_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures")
endif()
