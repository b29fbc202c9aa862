#pragma once
// Where the project's sources are, for tests that read committed files (models/demo, tests/data, docs):
// DLM_SOURCE_DIR when set (ctest sets it), else the source folder the test was built from, so a test binary
// run on its own (build/bin/test_x) reads the same files.
#include <QString>

namespace dlm::testing {

inline QString sourceDir()
{
    return qEnvironmentVariable("DLM_SOURCE_DIR", QStringLiteral(DLM_TEST_SOURCE_DIR));
}

} // namespace dlm::testing
