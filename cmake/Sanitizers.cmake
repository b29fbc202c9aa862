# Sanitizer and fuzzing builds (scripts/test-sanitizers, scripts/fuzz). The flags apply to every target of the
# build, so the core is instrumented wherever a test or a fuzz target reaches into it. LibTorch, Qt and the
# system libraries are not instrumented.
option(DLM_SANITIZE "Instrument every target with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(DLM_FUZZ "Build only the torch-free core and its libFuzzer targets (clang; implies DLM_SANITIZE)" OFF)

if(DLM_FUZZ OR DLM_SANITIZE)
  # -fno-sanitize-recover: an undefined-behaviour report fails the run instead of scrolling past.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()

if(DLM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DLM_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage instrumentation everywhere; only the fuzz executables link libFuzzer's main (tests/fuzz).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
