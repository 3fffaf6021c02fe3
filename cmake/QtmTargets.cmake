# Helpers that give every library, test and fuzz target the same shape.

# qtm_add_library(<layer> DEPENDS <lower layers...> [LIBRARIES <external targets...>])
# One static library per src/<layer>; sources are every .cpp under the folder.
function(qtm_add_library layer)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LIBRARIES" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)
    # A layer whose first file is still being written: keep the graph complete.
    set(empty ${CMAKE_CURRENT_BINARY_DIR}/qtm_${layer}_empty.cpp)
    file(WRITE ${empty} "// qtm_${layer} has no sources yet\n")
    set(sources ${empty})
  endif()
  add_library(qtm_${layer} STATIC ${sources})
  target_link_libraries(qtm_${layer} PUBLIC qtm_options)
  foreach(dep IN LISTS ARG_DEPENDS)
    target_link_libraries(qtm_${layer} PRIVATE qtm_${dep})
  endforeach()
  target_link_libraries(qtm_${layer} PRIVATE ${ARG_LIBRARIES})
  add_dependencies(qtm_${layer} check_layers)
endfunction()

# qtm_add_test(<name> SOURCES <files...> LINK <targets...> LABELS <labels...>)
# A GoogleTest executable in bin/ whose tests ctest discovers one by one. Labels:
#   unit         fast, also run under ASan+UBSan
#   conformance  official vectors (NIST ACVP/CAVP, ethereum/tests)
#   slow         opt-in (long differential runs, large simulations)
function(qtm_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LINK} qtm_options GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE QTM_TESTDATA_DIR="${QTM_TESTDATA_DIR}")
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()

# qtm_add_fuzzer(<name> SOURCES <files...> LINK <targets...> [SMOKE_SECONDS n])
# Built only with QTM_FUZZ=ON (clang). Each target gets a bounded smoke run in ctest,
# label "fuzz" (10 s each by default); longer runs are manual: build/bin/<name> -max_total_time=600.
function(qtm_add_fuzzer name)
  cmake_parse_arguments(ARG "" "SMOKE_SECONDS" "SOURCES;LINK" ${ARGN})
  if(NOT QTM_FUZZ)
    return()
  endif()
  if(NOT ARG_SMOKE_SECONDS)
    set(ARG_SMOKE_SECONDS 10)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LINK} qtm_options)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(corpus ${CMAKE_BINARY_DIR}/fuzz-corpus/${name})
  file(MAKE_DIRECTORY ${corpus})
  add_test(NAME fuzz.${name}
    COMMAND ${name} -max_total_time=${ARG_SMOKE_SECONDS} -rss_limit_mb=4096
            -print_final_stats=1 ${corpus})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS "fuzz")
endfunction()
