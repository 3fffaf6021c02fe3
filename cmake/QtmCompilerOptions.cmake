# Warnings, sanitizers and fuzzing instrumentation shared by every QTM target.

add_library(qtm_options INTERFACE)
target_compile_options(qtm_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(QTM_WERROR)
  target_compile_options(qtm_options INTERFACE -Werror)
endif()
# RelWithDebInfo keeps full debug info (types, functions, lines) but not GCC's tracking of
# where each local lives in optimised code: that tracking is 35-45% of the compile time of a
# test or RPC file, and in gdb an optimised-out local is the price. QTM_VAR_TRACKING=ON
# brings it back for a debugging session.
option(QTM_VAR_TRACKING "GCC variable tracking in RelWithDebInfo (slower builds)" OFF)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT QTM_VAR_TRACKING)
  add_compile_options($<$<CONFIG:RelWithDebInfo>:-fno-var-tracking>)
endif()
# Portable x86-64: no -march=native. Vector code is selected at run time.
target_include_directories(qtm_options INTERFACE ${CMAKE_SOURCE_DIR}/src)

if(QTM_SANITIZE)
  set(QTM_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  add_compile_options(${QTM_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()

if(QTM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "QTM_FUZZ needs clang (configure with CXX=clang++)")
  endif()
  # Coverage instrumentation everywhere; only the fuzz executables link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
