#pragma once
// The sequence view over every record of a branch, as an animated GIF or as numbered PNG frames (for a
// video editor), with the step counter in each frame. Long exports report progress and can be cancelled;
// a cancelled or failed export leaves no partial file behind. Needs a QGuiApplication, like the figures.

#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <QSize>
#include <QString>

#include <cstdint>
#include <functional>
#include <vector>

namespace dlm {

enum class AnimationFormat {
    Gif, ///< one animated GIF file, looping forever
    Frames, ///< a folder of frame-0000.png, frame-0001.png, ... one per record
};

struct AnimationOptions
{
    int branch = 0;
    int width = 640; ///< pixels; the height is that of the tallest record at this width
    double fps = 4.0; ///< records per second
    double holdLast = 2.0; ///< seconds the last frame stays before the loop starts again (GIF)
};

/** Called after each frame with (frames done, total); return false to cancel. */
using ExportProgress = std::function<bool(int done, int total)>;

/** Checks the branch, width and frame rate; messages name the value and the valid range. */
Status checkAnimationOptions(const Timeline &timeline, const AnimationOptions &options);

/** The size of every frame: the requested width by the height of the tallest record of the branch. */
Result<QSize> animationFrameSize(const Timeline &timeline, const AnimationOptions &options);

/** The GIF's fixed palette (0xRRGGBB, 255 colours): the app's greys, Okabe-Ito colours and blends of them
 *  with white, and the viridis map finely sampled (its 11 defining stops exactly). */
std::vector<uint32_t> animationPalette();

/** "frame-0007.png": the name of frame `index` in a frames export. */
QString animationFrameName(int index);

/**
 * Writes the animation to `path` (the GIF file, or the folder for frames, made if missing). Fails with
 * "cannot write PATH: reason", an option's message, or "export cancelled" when `progress` returned false;
 * then `*cancelled` is set and nothing is left behind (a GIF's temporary file is removed, frames written
 * so far are deleted).
 */
Status exportAnimation(const Timeline &timeline, const AnimationOptions &options, AnimationFormat format,
    const QString &path, const ExportProgress &progress = {}, bool *cancelled = nullptr);

} // namespace dlm
