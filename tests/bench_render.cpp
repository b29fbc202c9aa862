// dlm-bench-render: how long showing one denoising step takes in the GUI at a given canvas length.
//
// Generates a real timeline with a tiny random model (the model's speed does not matter here), then for
// every record times what the window does when the user steps to it: the canvas takes the record and is
// painted in full, and the four analysis views move their current-step marks and repaint. Prints median,
// 95th percentile and maximum in milliseconds. Run offscreen: QT_QPA_PLATFORM=offscreen dlm-bench-render.
#include "ui/views/canvas_view.h"
#include "ui/views/decision_chart.h"
#include "ui/views/heatmap_view.h"
#include "core/model/model_loader.h"
#include "ui/views/run_plots.h"
#include "core/session/session.h"
#include "ui/document/timeline_document.h"
#include "tiny_model.h"
#include "ui/views/token_inspector.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace dlm;

namespace {

struct Stats
{
    double median = 0, p95 = 0, max = 0;
};

Stats summarise(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    Stats s;
    if (v.empty())
        return s;
    s.median = v[v.size() / 2];
    s.p95 = v[std::min(v.size() - 1, static_cast<size_t>(0.95 * static_cast<double>(v.size())))];
    s.max = v.back();
    return s;
}

void print(const char *what, const Stats &s)
{
    std::printf("  %-44s median %7.2f ms   p95 %7.2f ms   max %7.2f ms\n", what, s.median, s.p95, s.max);
}

double msSince(const QElapsedTimer &t)
{
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

/** Paints `w` in full into an image, as an expose of the whole widget would. */
void paintFully(QWidget *w, QImage &image)
{
    if (image.size() != w->size())
        image = QImage(w->size(), QImage::Format_ARGB32_Premultiplied);
    QPainter p(&image);
    w->render(&p);
}

int argInt(int argc, char **argv, const char *name, int fallback)
{
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0)
            return std::atoi(argv[i + 1]);
    }
    return fallback;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int length = argInt(argc, argv, "--gen-length", 512);
    const int steps = argInt(argc, argv, "--steps", 128);
    const int width = argInt(argc, argv, "--width", 900);
    if (length < 1 || steps < 1 || width < 100) {
        std::fprintf(stderr, "usage: dlm-bench-render [--gen-length N] [--steps N] [--width PIXELS]\n");
        return 2;
    }

    QTemporaryDir dir;
    testing::TinyModelOptions options;
    options.maxSequenceLength = length + 16;
    auto written = testing::writeTinyModel(dir.path().toStdString(), options);
    if (!written) {
        std::fprintf(stderr, "dlm-bench-render: %s\n", written.error().c_str());
        return 1;
    }
    auto loaded = loadModelDirectory(dir.path().toStdString());
    if (!loaded) {
        std::fprintf(stderr, "dlm-bench-render: %s\n", loaded.error().c_str());
        return 1;
    }
    GenerationSettings settings;
    settings.genLength = length;
    settings.steps = steps;
    settings.blockLength = length;
    settings.temperature = 0.7;
    settings.topK = 5;
    auto session = Session::create(loaded->model, loaded->tokenizer, settings, "the cat");
    if (!session || !(*session)->run(nullptr)) {
        std::fprintf(stderr, "dlm-bench-render: the generation failed\n");
        return 1;
    }

    TimelineDocument document;
    EngineState state;
    state.timeline = (*session)->timeline();
    document.applyState(state);
    const int records = document.count();
    const int canvasLength = document.recordAt(0)->length();

    CanvasView canvas;
    canvas.setPieceText([&](int32_t id) { return document.displayText(id); });
    canvas.setMaskId(document.maskId());
    canvas.resize(width, 400);
    HeatmapView heatmap;
    DecisionChart decisions;
    TokenInspector inspector;
    RunPlots plots;
    heatmap.resize(700, 300);
    decisions.resize(380, 300);
    inspector.resize(380, 380);
    plots.resize(420, 300);

    QElapsedTimer timer;
    timer.start();
    heatmap.setTimelineBranch(document.timeline(), 0);
    decisions.setTimelineBranch(document.timeline(), 0);
    inspector.setTimelineBranch(document.timeline(), 0);
    plots.setTimelineBranch(document.timeline(), 0);
    inspector.setPosition(canvasLength / 2);
    const double rebuildMs = msSince(timer);

    QImage canvasImage, viewImage;
    std::vector<double> takeMs, layoutMs, paintMs, canvasMs, viewsMs, totalMs;
    for (int i = 0; i < records; ++i) {
        timer.restart();
        canvas.setRecord(document.recordAt(i), document.committedProbabilities(i));
        takeMs.push_back(msSince(timer));
        timer.restart();
        canvas.resize(width, canvas.heightForWidth(width));
        canvas.chipRect(0); // lays the chips out
        layoutMs.push_back(msSince(timer));
        timer.restart();
        paintFully(&canvas, canvasImage);
        paintMs.push_back(msSince(timer));
        const double c = takeMs.back() + layoutMs.back() + paintMs.back();

        timer.restart();
        heatmap.setCurrentIndex(i);
        decisions.setCurrentIndex(i);
        inspector.setCurrentIndex(i);
        plots.setCurrentIndex(i);
        for (QWidget *w : std::initializer_list<QWidget *> {&heatmap, &decisions, &inspector, &plots})
            paintFully(w, viewImage);
        const double v = msSince(timer);
        canvasMs.push_back(c);
        viewsMs.push_back(v);
        totalMs.push_back(c + v);
    }

    std::printf("dlm-bench-render: %d positions (%d generated), %d records, canvas %d px wide, Qt %s\n", canvasLength,
        length, records, width, qVersion());
    print("canvas: take the record (chips, text)", summarise(takeMs));
    print("canvas: wrap the chips into lines", summarise(layoutMs));
    print("canvas: paint every chip", summarise(paintMs));
    print("canvas: all three", summarise(canvasMs));
    print("analysis views: move to the step, repaint", summarise(viewsMs));
    print("one step in the window (both)", summarise(totalMs));
    std::printf("  %-44s %7.2f ms (once per new session or branch; throttled during runs)\n",
        "analysis views: rebuild from the timeline", rebuildMs);
    return 0;
}
