#include "ui/document/session_files.h"

#include "ui/document/edit_controller.h"
#include "ui/engine/engine_controller.h"
#include "ui/document/timeline_document.h"
#include "core/text/piece_text.h"
#include "core/text/prompt.h"
#include "core/timeline/timeline_json.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QUndoStack>

namespace dlm {

namespace {

std::string localPath(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

/** The prompt as typed; files written from ids alone have no text, so it is spelled from the pieces. */
QString promptOf(const Timeline &t)
{
    if (!t.promptText.empty())
        return QString::fromStdString(t.promptText);
    std::vector<std::string> pieces;
    for (int32_t id : t.promptIds)
        pieces.push_back(id == t.model.maskId ? std::string() : t.pieceOf(id));
    const std::vector<std::string> texts = sequenceTexts(pieces);
    std::string text;
    for (size_t i = 0; i < texts.size(); ++i)
        text += t.promptIds[i] == t.model.maskId ? std::string(kMaskAlias) : texts[i];
    return QString::fromStdString(text).trimmed();
}

} // namespace

SessionFiles::SessionFiles(EngineController *engine, TimelineDocument *document, EditController *edits, QWidget *window)
    : QObject(window)
    , m_engine(engine)
    , m_document(document)
    , m_edits(edits)
    , m_window(window)
{
    m_ask = [this](const QString &question) {
        const auto answer = QMessageBox::question(m_window, tr("Unsaved edits"), question,
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Save)
            return Choice::Save;
        return answer == QMessageBox::Discard ? Choice::Discard : Choice::Cancel;
    };
    // Connected before the window connects the document, so the file name is right when the document
    // announces the new session.
    connect(m_engine, &EngineController::stateChanged, this, [this](const EngineState &state) {
        if (state.cause == EngineState::Cause::Started)
            onSessionStarted();
    });
    connect(m_engine, &EngineController::failed, this, [this] { m_adoptingFile.clear(); });
}

bool SessionFiles::openFile(const QString &path)
{
    auto timeline = loadTimeline(localPath(path));
    if (!timeline) {
        Q_EMIT message(QString::fromStdString(timeline.error()), true);
        return false;
    }
    if (timeline->empty()) {
        Q_EMIT message(tr("%1 holds no records to show").arg(QDir::toNativeSeparators(path)), true);
        return false;
    }
    m_engine->stop(); // a run of the session this replaces must not go on behind the replay
    m_document->loadReplay(*timeline, path);
    m_edits->clear();
    Q_EMIT fileChanged(path);
    Q_EMIT runOpened(promptOf(*timeline), timeline->settings);
    Q_EMIT message(tr("Opened %1: %2 branches, replayed without a model. Load model '%3' to continue or edit it.")
                       .arg(QFileInfo(path).fileName())
                       .arg(timeline->branchCount())
                       .arg(QString::fromStdString(timeline->model.name)),
        false);
    if (m_engine->isModelLoaded())
        attachModel();
    return true;
}

bool SessionFiles::saveTo(const QString &path)
{
    if (m_document->isEmpty()) {
        Q_EMIT message(tr("Nothing to save: start a session or open a timeline first."), true);
        return false;
    }
    const Status saved = saveTimeline(m_document->timeline(), localPath(path));
    if (!saved) {
        Q_EMIT message(QString::fromStdString(saved.error()), true);
        return false;
    }
    m_document->setFileName(path);
    m_edits->undoStack()->setClean();
    Q_EMIT fileChanged(path);
    Q_EMIT message(tr("Saved %1.").arg(QDir::toNativeSeparators(path)), false);
    return true;
}

void SessionFiles::open()
{
    if (!confirmDiscard(tr("Open another timeline")))
        return;
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open timeline"), QString(), tr("DLM Studio timelines (*.json);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

bool SessionFiles::save()
{
    if (m_document->fileName().isEmpty())
        return saveAs();
    return saveTo(m_document->fileName());
}

bool SessionFiles::saveAs()
{
    QString path = QFileDialog::getSaveFileName(m_window, tr("Save timeline"),
        m_document->fileName().isEmpty() ? tr("timeline.json") : m_document->fileName(),
        tr("DLM Studio timelines (*.json)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    return saveTo(path);
}

void SessionFiles::attachModel()
{
    if (m_document->isEmpty() || m_document->isLive())
        return;
    m_adoptingFile = m_document->fileName();
    m_engine->adoptTimeline(m_document->timeline(), m_document->branch(), m_document->index());
}

void SessionFiles::onSessionStarted()
{
    if (m_adoptingFile.isEmpty()) {
        m_document->setFileName(QString());
        Q_EMIT fileChanged(QString());
        return;
    }
    m_document->setFileName(m_adoptingFile);
    Q_EMIT fileChanged(m_adoptingFile);
    Q_EMIT message(tr("Continuing %1 with the loaded model: step past the end or edit to go on.")
                       .arg(QFileInfo(m_adoptingFile).fileName()),
        false);
    m_adoptingFile.clear();
}

bool SessionFiles::hasUnsavedEdits() const
{
    return m_document->isLive() && !m_edits->undoStack()->isClean();
}

bool SessionFiles::confirmDiscard(const QString &action)
{
    if (!hasUnsavedEdits())
        return true;
    const int edits = m_edits->unsavedEditCount();
    switch (m_ask(tr("%1? This session has %n edit(s) that are not saved.", nullptr, edits).arg(action))) {
    case Choice::Save:
        return save();
    case Choice::Discard:
        return true;
    case Choice::Cancel:
        break;
    }
    return false;
}

} // namespace dlm
