#pragma once
// The canvas of one step as terminal text, for `generate --show`: a pure function from a record to a
// string (so tests check it without a terminal) plus the redraw that puts frames on screen.

#include "core/timeline/step_record.h"

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace dlm {

/** Looks up the raw piece of a token id (e.g. "▁the"); the canvas turns it into display text. */
using PieceLookup = std::function<std::string(int32_t id)>;

/** How a frame is drawn. */
struct CanvasOptions
{
    int width = 80;     ///< columns to wrap the text at
    bool color = false; ///< ANSI colours; without them states are marked by glyphs and brackets alone
    int totalSteps = 0; ///< shown as "step n/N"; 0 when unknown (threshold decoding)
    int blockCount = 0; ///< shown as "block b/B"; 0 to leave B out
    bool showPrompt = true;
};

/**
 * One frame: a header line ("step n/N  block b/B  masked m  +c committed"), the prompt, then the
 * generation region on its own line(s), wrapped at `width`. Glyphs carry the state even without colour:
 * a masked position is "□", a position remasked this step is "▣", a token committed this step is "[tok]"
 * (highlighted instead when coloured) and an edited token is "{tok}". Control characters in pieces are
 * replaced so that model output cannot drive the terminal.
 */
std::string renderCanvas(const StepRecord &record, const PieceLookup &pieces, const CanvasOptions &options);

/**
 * Puts frames on a stream. On a terminal each frame replaces the previous one in place (cursor home,
 * rewrite, clear the rest); elsewhere (a pipe, a file) frames follow each other separated by a rule line.
 */
class CanvasPrinter
{
public:
    CanvasPrinter(std::ostream &out, bool terminal, int width);
    void draw(const std::string &frame);

private:
    std::ostream &m_out;
    bool m_terminal;
    int m_width;
    int m_frames = 0;
};

} // namespace dlm
