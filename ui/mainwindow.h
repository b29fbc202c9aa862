#pragma once
// The main window: assembles the generation panel, the step controls and the canvas, and wires them to the
// engine. Behaviour lives in the parts; this file only connects them.

#include "engine_types.h"

#include <QMainWindow>
#include <QString>

class QLabel;
class QProgressBar;
class QScrollArea;

namespace dlm {

class CanvasLegend;
class CanvasView;
class EngineController;
class GenerationPanel;
class PlaybackController;
class StepControls;
class TimelineDocument;

/** DLM Studio's window. */
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Puts `dir` in the panel and loads it. */
    void loadModel(const QString &dir);
    /** Starts a session with the panel's prompt and settings. */
    void startSession();

    EngineController *engine() const { return m_engine; }
    TimelineDocument *document() const { return m_document; }
    PlaybackController *playback() const { return m_playback; }
    GenerationPanel *generationPanel() const { return m_panel; }
    StepControls *stepControls() const { return m_controls; }
    CanvasView *canvasView() const { return m_canvas; }
    /** The status bar's message (errors included). */
    QString statusText() const;

private:
    void createMenus();
    void showStatus(const QString &text, bool error = false);
    void onModelLoaded(const ModelInfo &info);
    void onFailed(const QString &message);
    void onLoadProgress(double fraction, const QString &text);
    void showCurrentRecord();

    EngineController *m_engine = nullptr;
    TimelineDocument *m_document = nullptr;
    PlaybackController *m_playback = nullptr;
    GenerationPanel *m_panel = nullptr;
    StepControls *m_controls = nullptr;
    CanvasLegend *m_legend = nullptr;
    CanvasView *m_canvas = nullptr;
    QScrollArea *m_scroll = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    bool m_modelLoaded = false;
};

} // namespace dlm
