# dlm_add_core_type_runs(TEST [ARGS...]): registers TEST once more per OpenBLAS kernel family this machine's CPU
# can execute (OPENBLAS_CORETYPE forces a family; one needing instructions the CPU lacks would crash, so those
# are left out and named at configure time). ATEN_CPU_CAPABILITY limits LibTorch's own vector kernels
# (softmax, norms, ATen's bf16 products) to the same instruction set, as on a machine of that family. oneDNN
# is left alone: LibTorch picks its bf16 path from the CPU itself, and a oneDNN capped below that fails.
set(_dlm_cpu_flags "")
if(EXISTS /proc/cpuinfo)
  file(STRINGS /proc/cpuinfo _dlm_flag_lines REGEX "^flags" LIMIT_COUNT 1)
  string(REGEX REPLACE "^flags[ \t]*:" " " _dlm_cpu_flags "${_dlm_flag_lines} ")
endif()

function(_dlm_cpu_has result)
  set(ok TRUE)
  foreach(flag ${ARGN})
    string(FIND "${_dlm_cpu_flags}" " ${flag} " at)
    if(at EQUAL -1)
      set(ok FALSE)
    endif()
  endforeach()
  set(${result} ${ok} PARENT_SCOPE)
endfunction()

# family | instructions it needs (as /proc/cpuinfo names them: pni is SSE3) | ATen capability
set(DLM_CORE_TYPES
  "Prescott|pni|default"
  "Sandybridge|avx|default"
  "Haswell|avx2 fma|avx2"
  "Zen|avx2 fma|avx2"
  "SkylakeX|avx512f avx512bw avx512vl avx512dq avx512cd|avx512"
  "Cooperlake|avx512f avx512bw avx512vl avx512dq avx512_bf16|avx512")

set(_dlm_missing "")
foreach(entry ${DLM_CORE_TYPES})
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 core)
  list(GET parts 1 needs)
  string(REPLACE " " ";" needs "${needs}")
  _dlm_cpu_has(ok ${needs})
  if(NOT ok)
    list(APPEND _dlm_missing ${core})
  endif()
endforeach()
if(_dlm_missing)
  message(STATUS "Bit-exactness runs: this CPU cannot run OpenBLAS's ${_dlm_missing} kernels; those runs are left out")
endif()

function(dlm_add_core_type_runs test)
  get_test_property(${test} ENVIRONMENT base_env)
  foreach(entry ${DLM_CORE_TYPES})
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 core)
    list(GET parts 1 needs)
    list(GET parts 2 aten)
    string(REPLACE " " ";" needs "${needs}")
    _dlm_cpu_has(ok ${needs})
    if(ok)
      add_test(NAME ${test}[${core}] COMMAND ${test} ${ARGN})
      set_tests_properties(${test}[${core}] PROPERTIES LABELS core_types ENVIRONMENT
        "${base_env};OPENBLAS_CORETYPE=${core};ATEN_CPU_CAPABILITY=${aten}")
    endif()
  endforeach()
endfunction()
