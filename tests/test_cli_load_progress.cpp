// The CLI's load progress line: silent when stderr is not a terminal, one line redrawn in place and erased
// at the end when it is, and bench's read-ahead share measured from the same reports.
#include "app/cli/cli_common.h"
#include "app/cli/cli_load_progress.h"

#include "tiny_model.h"

#include <QTemporaryDir>
#include <QtTest>

#include <iostream>
#include <sstream>

using namespace dlm;

class TestCliLoadProgress : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::string m_model;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_model = m_tmp.filePath(QStringLiteral("tiny")).toStdString();
        QVERIFY(testing::writeTinyModel(m_model).ok());
    }

    void silentWhenNotATerminal()
    {
        std::ostringstream err;
        LoadProgressLine line(err, false, 0.0);
        auto loaded = loadModel(m_model, ComputeDType::F32, false, line.callback());
        QVERIFY(loaded.ok());
        line.finish();
        QCOMPARE(err.str(), std::string());
        QVERIFY(line.readAheadSeconds() >= 0.0);
    }

    void oneLineRedrawnThenErased()
    {
        std::ostringstream err;
        {
            LoadProgressLine line(err, true, 0.0);
            auto loaded = loadModel(m_model, ComputeDType::F32, false, line.callback());
            QVERIFY(loaded.ok());
        } // the destructor erases the line
        const std::string text = err.str();
        QVERIFY2(text.rfind("\r\x1b[Kloading ", 0) == 0, text.c_str());
        QVERIFY(text.find('\n') == std::string::npos);
        QVERIFY(text.size() >= 4 && text.compare(text.size() - 4, 4, "\r\x1b[K") == 0);
    }

    void onlyTheRealStderrCanBeATerminal()
    {
        std::ostringstream err;
        QVERIFY(!isTerminalStderr(err));
        QVERIFY(!isTerminalStderr(std::cout));
    }
};

QTEST_GUILESS_MAIN(TestCliLoadProgress)
#include "test_cli_load_progress.moc"
