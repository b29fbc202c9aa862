// The export dialog's defaults and memory: the default folder always exists (Documents, else home, else the
// current directory), and the format and folder of the last export come back at the next opening. HOME and
// the settings folder point into a temporary directory before the application starts, so nothing here reads
// or writes the user's files. Runs offscreen (QT_QPA_PLATFORM=offscreen).
#include "ui/export/export_dialog.h"
#include "test_views_fixture.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <functional>

using namespace dlm;
using namespace dlm::testing;

namespace {

QTemporaryDir *g_root = nullptr; ///< the fake home's parent, made in main() before QApplication

QString fakeHome()
{
    return g_root->filePath(QStringLiteral("home"));
}

/**
 * Runs `step` on the export dialog that ExportDialog::run() opens, and closes any message box it leaves
 * (the "Exported to" note), so the modal calls return.
 */
void driveModal(const std::function<void(ExportDialog *)> &step)
{
    auto *timer = new QTimer;
    auto done = std::make_shared<bool>(false);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, done, step] {
        // Visible windows, not QApplication::activeModalWidget(): offscreen windows need not become active.
        ExportDialog *dialog = nullptr;
        QMessageBox *box = nullptr;
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (!w->isVisible())
                continue;
            if (auto *d = qobject_cast<ExportDialog *>(w))
                dialog = d;
            if (auto *b = qobject_cast<QMessageBox *>(w))
                box = b;
        }
        if (box) {
            box->accept();
        } else if (dialog && !*done) {
            *done = true;
            // Queued: accept() opens a message box with its own loop, and this timer does not fire again
            // while its own slot is still running.
            QTimer::singleShot(0, dialog, [step, dialog] { step(dialog); });
        } else if (!dialog && *done) {
            timer->deleteLater();
        }
    });
    timer->start(20);
}

} // namespace

class TestExportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QDir(fakeHome()).removeRecursively();
        QVERIFY(QDir().mkpath(fakeHome()));
        qputenv("HOME", QFile::encodeName(fakeHome()));
        QSettings(QStringLiteral("DLM Studio"), QStringLiteral("DLM Studio")).clear();
    }

    void settingsStayInTheTemporaryHome()
    {
        QSettings settings(QStringLiteral("DLM Studio"), QStringLiteral("DLM Studio"));
        QVERIFY2(settings.fileName().startsWith(g_root->path()), qPrintable(settings.fileName()));
    }

    void defaultFolderIsHomeWithoutDocuments()
    {
        QVERIFY(!QFileInfo::exists(QDir(fakeHome()).filePath(QStringLiteral("Documents"))));
        QCOMPARE(ExportDialog::defaultFolder(), QDir::cleanPath(fakeHome()));
        ExportDialog dialog(smallRun(), 0, 0);
        QCOMPARE(QFileInfo(dialog.outputPath()).absolutePath(), QDir::cleanPath(fakeHome()));
        // The first export on such a machine works: its folder exists.
        QCOMPARE(dialog.exportNow(), QString());
        QVERIFY(QFileInfo::exists(dialog.outputPath()));
    }

    void defaultFolderIsDocumentsWhenItExists()
    {
        const QString documents = QDir(fakeHome()).filePath(QStringLiteral("Documents"));
        QVERIFY(QDir().mkpath(documents));
        QCOMPARE(ExportDialog::defaultFolder(), QDir::cleanPath(documents));
        ExportDialog dialog(smallRun(), 0, 0);
        QCOMPARE(QFileInfo(dialog.outputPath()).absolutePath(), QDir::cleanPath(documents));
    }

    void defaultFolderIsTheCurrentDirectoryWithoutHome()
    {
        const QString gone = g_root->filePath(QStringLiteral("no-such-home"));
        qputenv("HOME", QFile::encodeName(gone));
        QCOMPARE(ExportDialog::defaultFolder(), QDir::currentPath());
        QVERIFY(QFileInfo(ExportDialog::defaultFolder()).isDir());
    }

    void choicesComeBackAtTheNextOpening()
    {
        const QString folder = g_root->filePath(QStringLiteral("exports"));
        QVERIFY(QDir().mkpath(folder));
        QString firstFormat, openedFormat, openedPath;
        // Checks happen after run() returns: a failed check inside would leave the dialog open.
        driveModal([&](ExportDialog *dialog) {
            firstFormat = dialog->format(); // nothing stored yet
            dialog->setFormat(QStringLiteral("md"));
            dialog->setOutputPath(QDir(folder).filePath(QStringLiteral("table.md")));
            dialog->accept();
        });
        ExportDialog::run(nullptr, smallRun(), 0, 0);
        QCOMPARE(firstFormat, QStringLiteral("json"));
        QVERIFY(QFileInfo::exists(QDir(folder).filePath(QStringLiteral("table.md"))));

        driveModal([&](ExportDialog *dialog) {
            openedFormat = dialog->format();
            openedPath = dialog->outputPath();
            dialog->reject();
        });
        ExportDialog::run(nullptr, smallRun(), 0, 0);
        QCOMPARE(openedFormat, QStringLiteral("md"));
        QCOMPARE(QFileInfo(openedPath).absolutePath(), QDir::cleanPath(folder));
        QCOMPARE(QFileInfo(openedPath).suffix(), QStringLiteral("md"));
    }

    void cancelledOpeningChangesNothing()
    {
        QSettings settings(QStringLiteral("DLM Studio"), QStringLiteral("DLM Studio"));
        settings.setValue(QStringLiteral("export/format"), QStringLiteral("csv"));
        settings.setValue(QStringLiteral("export/folder"), fakeHome());
        settings.sync();
        driveModal([](ExportDialog *dialog) {
            dialog->setFormat(QStringLiteral("png"));
            dialog->reject();
        });
        ExportDialog::run(nullptr, smallRun(), 0, 0);
        settings.sync();
        QCOMPARE(settings.value(QStringLiteral("export/format")).toString(), QStringLiteral("csv"));
    }

    void vanishedFolderFallsBack()
    {
        QSettings settings(g_root->filePath(QStringLiteral("scoped.ini")), QSettings::IniFormat);
        settings.setValue(QStringLiteral("export/format"), QStringLiteral("csv"));
        settings.setValue(QStringLiteral("export/folder"), g_root->filePath(QStringLiteral("deleted-since")));
        ExportDialog dialog(smallRun(), 0, 0);
        dialog.restoreChoices(settings);
        QCOMPARE(dialog.format(), QStringLiteral("csv"));
        QCOMPARE(QFileInfo(dialog.outputPath()).absolutePath(), ExportDialog::defaultFolder());
        QVERIFY(QFileInfo(QFileInfo(dialog.outputPath()).absolutePath()).isDir());
    }

    void unknownStoredFormatKeepsTheDefault()
    {
        QSettings settings(g_root->filePath(QStringLiteral("scoped.ini")), QSettings::IniFormat);
        settings.setValue(QStringLiteral("export/format"), QStringLiteral("docx"));
        ExportDialog dialog(smallRun(), 0, 0);
        dialog.restoreChoices(settings);
        QCOMPARE(dialog.format(), QStringLiteral("json"));
    }
};

int main(int argc, char **argv)
{
    // Before QApplication: Qt reads where settings live once.
    QTemporaryDir root;
    if (!root.isValid())
        return 1;
    g_root = &root;
    QDir().mkpath(root.filePath(QStringLiteral("home")));
    qputenv("HOME", QFile::encodeName(root.filePath(QStringLiteral("home"))));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(root.filePath(QStringLiteral("config"))));
    qunsetenv("XDG_DOCUMENTS_DIR");
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    TestExportDialog test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_export_dialog.moc"
