// dlm-save-loop IN OUT [N]: opens the timeline IN in a MainWindow (offscreen) and saves it to OUT N times
// (default: until killed) through the window's Save as path (SessionFiles::saveTo, what the dialog calls),
// printing "saved K" after each. test_interrupted_writes kills it at random moments.
#include "ui/document/session_files.h"
#include "ui/window/mainwindow.h"
#include "tests/support/window_parts.h"

#include <QApplication>

#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: dlm-save-loop IN OUT [N]\n");
        return 2;
    }
    dlm::MainWindow window;
    const QString in = QString::fromLocal8Bit(argv[1]);
    const QString out = QString::fromLocal8Bit(argv[2]);
    const long n = argc > 3 ? std::atol(argv[3]) : -1;
    if (!dlm::testing::parts(window).files()->openFile(in)) {
        std::fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    std::printf("opened\n");
    std::fflush(stdout);
    for (long k = 1; n < 0 || k <= n; ++k) {
        if (!dlm::testing::parts(window).files()->saveTo(out))
            return 1;
        std::printf("saved %ld\n", k);
        std::fflush(stdout);
    }
    return 0;
}
