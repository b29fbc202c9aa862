#pragma once
// What the image export tests share (test_figures: palette and figures; test_figures_animation: GIF and PNG
// frames, the export dialog, the command line): a real run of the tiny random model with an edit that forks
// a branch, saved to a file, and small image helpers.

#include "core/base/compute_threads.h"
#include "core/model/model_loader.h"
#include "core/session/session.h"
#include "core/timeline/timeline_json.h"
#include "tiny_model.h"

#include "cli_process.h"

#include <QtTest>

#include <QFile>
#include <QImage>
#include <QTemporaryDir>

#include <algorithm>

namespace dlm::testing {

inline QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/** The bounding box of everything that is not the white background. */
inline QRect drawnArea(const QImage &image)
{
    int left = image.width(), top = image.height(), right = -1, bottom = -1;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if ((image.pixel(x, y) & 0xFFFFFFu) != 0xFFFFFFu) {
                left = std::min(left, x);
                right = std::max(right, x);
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
        }
    }
    return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

inline uint32_t rgbOf(QRgb c)
{
    return static_cast<uint32_t>(c) & 0xFFFFFFu;
}

/** The timeline and the folder of one test executable; its initTestCase() calls makeTimeline(). */
class FigureTestBase : public QObject
{
protected:
    QTemporaryDir m_dir;
    Timeline m_timeline;
    QString m_timelinePath;
    QString m_exe;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    int lastRecord(int branch = 0) const { return m_timeline.branch(branch).size() - 1; }

    ProcessResult runCli(const QStringList &args)
    {
        return runProcess(
            m_exe, QStringList {QStringLiteral("export"), QStringLiteral("--timeline"), m_timelinePath} + args, 120000);
    }

    /** Runs the tiny model, edits at record 3 (forking branch 1), runs on and saves. A failed check here
     *  fails the caller's initTestCase(), which then skips the rest. */
    void makeTimeline()
    {
        QVERIFY(m_dir.isValid());
        const std::string modelDir = path(QStringLiteral("tiny")).toStdString();
        auto config = writeTinyModel(modelDir);
        QVERIFY2(config.ok(), config.error().c_str());
        setComputeThreads(1);
        auto loaded = loadModelDirectory(modelDir);
        QVERIFY2(loaded.ok(), loaded.error().c_str());

        GenerationSettings s;
        s.genLength = 24;
        s.steps = 12;
        s.blockLength = 8;
        s.topK = 3;
        s.seed = 11;
        auto created = Session::create(loaded->model, loaded->tokenizer, s, "The cat sat");
        QVERIFY2(created.ok(), created.error().c_str());
        Session &session = **created;
        QVERIFY(session.run(nullptr).ok());
        // An edit in the past forks branch 1, so exports see an edit record and a shared history.
        QVERIFY(session.goTo(3).ok());
        const Status edited = session.setTokens(session.promptLength() + 10, {20, 21});
        QVERIFY2(edited.ok(), edited.error().c_str());
        QVERIFY(session.run(nullptr).ok());
        m_timeline = session.timeline();
        QCOMPARE(m_timeline.branchCount(), 2);

        m_timelinePath = path(QStringLiteral("run.json"));
        const Status saved = saveTimeline(m_timeline, m_timelinePath.toStdString());
        QVERIFY2(saved.ok(), saved.error().c_str());
    }
};

} // namespace dlm::testing
