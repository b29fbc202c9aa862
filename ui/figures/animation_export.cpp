#include "ui/figures/animation_export.h"

#include "ui/figures/canvas_figure.h"
#include "core/base/atomic_file.h"
#include "ui/figures/color_maps.h"
#include "ui/figures/export_file.h"
#include "core/export/export_util.h"
#include "ui/figures/gif_writer.h"
#include "ui/figures/palette_mapper.h"

#include <QGuiApplication>
#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <unistd.h>

namespace dlm {

namespace {

constexpr int kMinWidth = 64;
constexpr int kMaxWidth = 8192;
constexpr int kMaxHeight = 8192;
constexpr double kMaxFps = 50.0; // GIF delays are hundredths of a second and browsers clamp below 2

uint32_t rgb(const QColor &c)
{
    return static_cast<uint32_t>(c.rgb()) & 0xFFFFFFu;
}

QColor blend(const QColor &a, const QColor &b, double t)
{
    auto mix = [t](int x, int y) { return static_cast<int>(std::lround(x * (1.0 - t) + y * t)); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

QImage renderFrame(const CanvasFigure &figure, const QSize &size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    figure.paint(&painter, size);
    return image;
}

Status cancelledStatus(bool *cancelled)
{
    if (cancelled)
        *cancelled = true;
    return Status::failure("export cancelled");
}

Status writeGif(CanvasFigure &figure, const QSize &size, const AnimationOptions &o, const QString &path,
    const ExportProgress &progress, bool *cancelled)
{
    // Opened before the first frame is drawn, so a bad path fails at once rather than after minutes of work.
    // The temporary file beside the target is removed unless commit() is reached, and one left by a killed
    // export is removed by the next export to the same name.
    AtomicFile file;
    if (const Status opened = file.open(QFile::encodeName(path).toStdString()); !opened)
        return Status::failure(writeFailureMessage(path, opened));
    PaletteMapper mapper(animationPalette());
    GifWriter gif(size.width(), size.height(), mapper.palette());
    const int delay = gifDelayFromFps(o.fps);
    const int lastDelay = std::max(delay, static_cast<int>(std::lround(o.holdLast * 100.0)));
    const int total = figure.recordCount();
    for (int i = 0; i < total; ++i) {
        figure.setRecord(i);
        gif.addFrame(mapper.map(renderFrame(figure, size)), i + 1 == total ? lastDelay : delay);
        if (i + 1 == total)
            gif.finish();
        if (const Status written = file.write(gif.takeBytes()); !written)
            return Status::failure(writeFailureMessage(path, written));
        if (progress && !progress(i + 1, total)) {
            file.cancel();
            return cancelledStatus(cancelled);
        }
    }
    if (const Status committed = file.commit(); !committed)
        return Status::failure(writeFailureMessage(path, committed));
    return {};
}

/** Moves the finished frames from the temporary folder into `path`: the whole folder in one rename when
 *  `path` did not exist (so a killed export leaves nothing or everything), else frame by frame, each
 *  rename atomic. */
Status placeFrames(const QString &tmp, const QString &path, const QStringList &names)
{
    if (!QFileInfo::exists(path)) {
        if (::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(path).constData()) != 0)
            return Status::failure("cannot write " + path.toStdString() + ": cannot rename the temporary folder");
        return {};
    }
    const QDir from(tmp);
    const QDir to(path);
    for (const QString &name : names) {
        const QByteArray source = QFile::encodeName(from.filePath(name));
        if (::rename(source.constData(), QFile::encodeName(to.filePath(name)).constData()) != 0)
            return Status::failure("cannot write " + to.filePath(name).toStdString() + ": cannot move the frame");
    }
    QDir().rmdir(tmp);
    return {};
}

Status writeFrames(
    CanvasFigure &figure, const QSize &size, const QString &path, const ExportProgress &progress, bool *cancelled)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isDir())
        return Status::failure("cannot write " + path.toStdString() + ": it is a file, expected a folder");
    const std::string target = QFile::encodeName(info.absoluteFilePath()).toStdString();
    removeStaleTemporaries(target);
    // The frames are drawn into ".NAME.dlmtmp-PID" beside the target folder; the next export removes it if
    // this process is killed, and a failure or cancel removes it at once.
    const QString tmp = info.absolutePath() + QLatin1Char('/')
        + QFile::decodeName(QByteArray::fromStdString(temporaryPrefix(target))) + QString::number(::getpid());
    QDir(tmp).removeRecursively();
    if (!QDir().mkpath(tmp))
        return Status::failure("cannot write " + path.toStdString() + ": cannot create the folder");
    auto removeTmp = [&tmp] { QDir(tmp).removeRecursively(); };
    const QDir dir(tmp);
    QStringList written;
    const int total = figure.recordCount();
    for (int i = 0; i < total; ++i) {
        figure.setRecord(i);
        QByteArray png;
        {
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            renderFrame(figure, size).save(&buffer, "PNG");
        }
        // The folder is this export's own until it is placed, so plain writes suffice (an atomic write per
        // frame would scan the growing folder for stale temporaries each time).
        const QString name = animationFrameName(i);
        QFile frame(dir.filePath(name));
        if (!frame.open(QIODevice::WriteOnly) || frame.write(png) != png.size() || !frame.flush()) {
            const std::string message = writeFailureMessage(frame.fileName(), frame);
            removeTmp();
            return Status::failure(message);
        }
        frame.close();
        written << name;
        if (progress && !progress(i + 1, total)) {
            removeTmp();
            return cancelledStatus(cancelled);
        }
    }
    const Status placed = placeFrames(tmp, path, written);
    removeTmp();
    return placed;
}

} // namespace

Status checkAnimationOptions(const Timeline &timeline, const AnimationOptions &o)
{
    if (o.branch < 0)
        return Status::failure("branch " + std::to_string(o.branch) + " does not exist");
    if (const Status selection = checkExportSelection(timeline, o.branch, {}); !selection)
        return selection;
    if (timeline.branch(o.branch).records.empty())
        return Status::failure("branch " + std::to_string(o.branch) + " has no records");
    if (o.width < kMinWidth || o.width > kMaxWidth)
        return Status::failure("width " + std::to_string(o.width) + " is out of range: " + std::to_string(kMinWidth)
            + ".." + std::to_string(kMaxWidth) + " pixels");
    if (!(o.fps > 0.0 && o.fps <= kMaxFps))
        return Status::failure("frame rate " + exportNumber(o.fps) + " is out of range: more than 0, at most 50");
    if (!(o.holdLast >= 0.0 && o.holdLast <= 600.0))
        return Status::failure("hold " + exportNumber(o.holdLast) + " is out of range: 0..600 seconds");
    return {};
}

Result<QSize> animationFrameSize(const Timeline &timeline, const AnimationOptions &o)
{
    using Failure = Result<QSize>;
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return Failure::failure("animations need a QGuiApplication (for their fonts)");
    if (const Status ok = checkAnimationOptions(timeline, o); !ok)
        return Failure::failure(ok.error());
    // One size for every frame (GIF frames share one screen, and video tools want equal frames): the
    // tallest record, so no step is ever cut off.
    CanvasFigure figure(timeline, o.branch);
    int height = 1;
    for (int i = 0; i < figure.recordCount(); ++i) {
        figure.setRecord(i);
        height = std::max(height, figure.heightForWidth(o.width));
    }
    if (height > kMaxHeight)
        return Failure::failure("the sequence is " + std::to_string(height) + " pixels tall at width "
            + std::to_string(o.width) + "; choose a larger width");
    return QSize(o.width, height);
}

std::vector<uint32_t> animationPalette()
{
    // 255 colours: the 256th index is GifWriter's "unchanged" (transparent) entry, which keeps frames small.
    constexpr size_t kColours = 255;
    std::vector<uint32_t> palette;
    auto add = [&palette](const QColor &c) {
        const uint32_t v = rgb(c);
        if (palette.size() < kColours && std::find(palette.begin(), palette.end(), v) == palette.end())
            palette.push_back(v);
    };
    // White first: index 0 is the GIF background colour.
    add(Qt::white);
    add(Qt::black);
    // The chip painter's greys exactly, then a ramp for antialiased text and edges.
    for (int g : {0x30, 0x80, 0x8C, 0xA0, 0xE4, 0xEE})
        add(QColor(g, g, g));
    for (int g = 0; g <= 0xFF; g += 0x11)
        add(QColor(g, g, g));
    const QColor okabe[] = {colors::kOkabeOrange, colors::kOkabeSkyBlue, colors::kOkabeGreen, colors::kOkabeYellow,
        colors::kOkabeBlue, colors::kOkabeVermillion, colors::kOkabePurple};
    for (const QColor &c : okabe) {
        add(c);
        for (double t : {0.25, 0.5, 0.75})
            add(blend(c, Qt::white, t)); // the antialiased rims of outlines and glyphs
    }
    // Viridis: the 11 stops the map is defined by, then 128 samples for the confidence fills, and the
    // darker borders the chip painter draws around them.
    for (int k = 0; k <= 10; ++k)
        add(colors::viridis(k / 10.0));
    for (int k = 0; k < 128; ++k)
        add(colors::viridis(k / 127.0));
    for (int k = 0; k < 32; ++k)
        add(colors::viridis(k / 31.0).darker(140));
    // Whatever room is left refines the fills further.
    for (int k = 0; palette.size() < kColours && k < 255; ++k)
        add(colors::viridis((2 * k + 1) / 510.0));
    return palette;
}

QString animationFrameName(int index)
{
    return QStringLiteral("frame-%1.png").arg(index, 4, 10, QLatin1Char('0'));
}

Status exportAnimation(const Timeline &timeline, const AnimationOptions &o, AnimationFormat format, const QString &path,
    const ExportProgress &progress, bool *cancelled)
{
    if (cancelled)
        *cancelled = false;
    const auto size = animationFrameSize(timeline, o);
    if (!size)
        return Status::failure(size.error());
    CanvasFigure figure(timeline, o.branch);
    if (progress && !progress(0, figure.recordCount()))
        return cancelledStatus(cancelled);
    if (format == AnimationFormat::Gif)
        return writeGif(figure, *size, o, path, progress, cancelled);
    return writeFrames(figure, *size, path, progress, cancelled);
}

} // namespace dlm
