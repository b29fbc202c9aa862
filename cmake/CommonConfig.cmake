# One INTERFACE target carries the language standard, warnings and Qt defines; every target links it.
add_library(dlm_common INTERFACE)
target_compile_features(dlm_common INTERFACE cxx_std_17)
target_compile_options(dlm_common INTERFACE -Wall -Wextra -Wpedantic)
target_compile_definitions(dlm_common INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_URL_CAST_FROM_STRING
  DLM_VERSION="${PROJECT_VERSION}")
set(DLM_PLUGIN_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/dlmstudio)
