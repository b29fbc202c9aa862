// Bad input in the window: a broken model folder, a broken timeline and an unwritable Save as destination
// each show their one-line message in the status bar, and the window stays open with the session it had.

#include "bad_input_fixtures.h"
#include "tiny_model.h"
#include "window_driver.h"

#include "ui/document/session_files.h"

#include <QtTest>

#include <QLabel>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>

using namespace dlm;
using namespace dlm::testing;

namespace {

/** The status bar's message label text (the window's one place for messages). */
QString statusText(MainWindow &w)
{
    QStringList texts;
    for (const QLabel *label : w.statusBar()->findChildren<QLabel *>())
        texts << label->text();
    return texts.join(QLatin1Char('\n'));
}

} // namespace

class TestGuiBadInput : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_model;

    QString path(const QString &name) const { return m_tmp.filePath(name); }

    /** The window with a session of a few records on the tiny model, and what it shows. */
    void startSession(MainWindow &w)
    {
        GenerationSettings s;
        s.genLength = 8;
        s.blockLength = 8;
        s.steps = 4;
        QVERIFY(loadAndStart(w, m_model, s));
        QVERIFY(stepTo(w, 3));
    }

    /** What must survive a refused input: the same records on screen, the window still open. */
    void checkUnchanged(MainWindow &w, const std::vector<RecordPtr> &before)
    {
        QVERIFY(w.isVisible());
        QVERIFY(!parts(w).document()->isEmpty());
        QCOMPARE(parts(w).document()->timeline().branch(parts(w).document()->branch()).records, before);
    }

    std::vector<RecordPtr> records(MainWindow &w) const
    {
        return parts(w).document()->timeline().branch(parts(w).document()->branch()).records;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_model = path(QStringLiteral("model"));
        const auto written = writeTinyModel(m_model.toStdString());
        QVERIFY2(written.ok(), written.error().c_str());
    }

    void badModelFolder_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message");
        QTest::newRow("deep config") << "deep"
                                     << "nest deeper than 64 levels";
        QTest::newRow("fewer layers") << "fewer"
                                      << "tensors that config.json does not use";
        QTest::newRow("config a FIFO") << "fifo"
                                       << "is a FIFO, expected a regular file";
    }
    void badModelFolder()
    {
        QFETCH(QString, name);
        QFETCH(QString, message);
        const QString bad = path(name);
        QVERIFY(copyModel(m_model, bad));
        const QString config = bad + QStringLiteral("/config.json");
        if (name == QLatin1String("deep"))
            QVERIFY(writeBytes(config, "{\"x\": " + deepArray(100000) + "}"));
        else if (name == QLatin1String("fewer"))
            QVERIFY(editConfig(bad, QStringLiteral("n_layers"), 1));
        else
            QVERIFY(QFile::remove(config) && makeFifo(config));

        MainWindow w;
        w.show();
        startSession(w);
        const auto before = records(w);
        QSignalSpy failed(parts(w).engine(), &EngineController::failed);
        w.loadModel(bad);
        QVERIFY(QTest::qWaitFor([&] { return failed.count() == 1; }, kWindowTimeoutMs));
        QVERIFY2(statusText(w).contains(message), qPrintable(statusText(w)));
        checkUnchanged(w, before);
    }

    void badTimeline_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        QTest::newRow("not JSON") << QByteArray("{\"format\": ") << "not valid JSON";
        QTest::newRow("NUL after JSON") << QByteArray("{}\0x", 4) << "a NUL byte at byte 2";
        QTest::newRow("deep") << deepArray(100000) << "nest deeper than 64 levels";
    }
    void badTimeline()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        const QString file = path(QStringLiteral("bad.json"));
        QVERIFY(writeBytes(file, bytes));
        MainWindow w;
        w.show();
        startSession(w);
        const auto before = records(w);
        QVERIFY(!parts(w).files()->openFile(file));
        QVERIFY2(statusText(w).contains(message), qPrintable(statusText(w)));
        checkUnchanged(w, before);

        // A FIFO never blocks the window.
        const QString fifo = path(QStringLiteral("timeline.fifo"));
        QFile::remove(fifo);
        QVERIFY(makeFifo(fifo));
        QVERIFY(!parts(w).files()->openFile(fifo));
        QVERIFY2(
            statusText(w).contains(QStringLiteral("is a FIFO, expected a regular file")), qPrintable(statusText(w)));
        checkUnchanged(w, before);
    }

    void unwritableSavePath_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("message");
        QTest::newRow("device") << "/dev/null"
                                << "/dev/null: is a character device, not a regular file";
        QTest::newRow("missing folder") << "MISSING/x.json"
                                        << "cannot create temporary file";
        QTest::newRow("FIFO") << "FIFO"
                              << "is a FIFO, not a regular file";
    }
    void unwritableSavePath()
    {
        QFETCH(QString, target);
        QFETCH(QString, message);
        if (target == QLatin1String("FIFO")) {
            target = path(QStringLiteral("save.fifo"));
            QFile::remove(target);
            QVERIFY(makeFifo(target));
        } else if (target.startsWith(QLatin1String("MISSING"))) {
            target = path(QStringLiteral("missing/x.json"));
        }
        MainWindow w;
        w.show();
        startSession(w);
        const auto before = records(w);
        QVERIFY(!parts(w).files()->saveTo(target));
        QVERIFY2(statusText(w).contains(message), qPrintable(statusText(w)));
        checkUnchanged(w, before);
        QVERIFY(parts(w).files()->hasUnsavedEdits() || parts(w).document()->fileName() != target);
    }
};

QTEST_MAIN(TestGuiBadInput)
#include "test_gui_bad_input.moc"
