#include "app/cli/terminal_canvas.h"

#include "core/sampling/dream_schedule.h"

#include "core/text/piece_text.h"

#include <algorithm>

namespace dlm {

namespace {

const char *const kReset = "\x1b[0m";
const char *const kDim = "\x1b[2m";
const char *const kPrompt = "\x1b[36m";       // cyan
const char *const kNew = "\x1b[1;30;43m";     // bold black on yellow
const char *const kEdited = "\x1b[4;35m";     // underlined magenta
const char *const kMaskGlyph = "\u25A1";      // □
const char *const kRemaskedGlyph = "\u25A3";  // ▣

/** Columns a UTF-8 string takes, counting code points (good enough for the Latin and box glyphs used here). */
int columns(const std::string &s)
{
    int n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

/** Replaces control characters (ESC above all) so that a piece can never move the cursor or recolour. */
std::string sanitize(const std::string &text)
{
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c == '\n')
            out += '\n';
        else if (c == '\t' || c == '\r')
            out += ' ';
        else if (c < 0x20 || c == 0x7F)
            out += "\uFFFD";
        else
            out += static_cast<char>(c);
    }
    return out;
}

/** Accumulates styled words and wraps them at a column limit; escape codes take no columns. */
class LineBuilder
{
public:
    LineBuilder(int width, bool color) : m_width(std::max(8, width)), m_color(color) {}

    void add(const std::string &text, const char *style, const char *open = "", const char *close = "")
    {
        // A newline inside a piece breaks the line; each part is placed on its own.
        size_t start = 0;
        while (true) {
            const size_t nl = text.find('\n', start);
            addPart(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start), style, open,
                    close);
            if (nl == std::string::npos)
                break;
            newline();
            start = nl + 1;
        }
    }

    void newline()
    {
        m_out += '\n';
        m_col = 0;
    }

    std::string take() { return m_out; }

private:
    void addPart(std::string part, const char *style, const char *open, const char *close)
    {
        if (part.empty())
            return;
        // Keep a word's leading space outside the brackets or highlight, where it reads as a gap.
        std::string lead;
        if (part[0] == ' ' && part.size() > 1) {
            lead = " ";
            part.erase(0, 1);
        }
        const int w = columns(lead) + columns(part) + columns(open) + columns(close);
        if (m_col > 0 && m_col + w > m_width)
            newline();
        if (m_col == 0)
            lead.clear(); // a line starts at the word, not at its space

        m_out += lead;
        if (m_color && style && *style) {
            m_out += style;
            m_out += open;
            m_out += part;
            m_out += close;
            m_out += kReset;
        } else {
            m_out += open;
            m_out += part;
            m_out += close;
        }
        m_col += columns(lead) + columns(part) + columns(open) + columns(close);
    }

    std::string m_out;
    int m_width;
    bool m_color;
    int m_col = 0;
};

std::string header(const StepRecord &r, const CanvasOptions &o)
{
    int masked = 0;
    for (PositionState s : r.states)
        masked += s == PositionState::Masked || s == PositionState::Remasked;

    std::string h;
    if (r.kind == RecordKind::Edit)
        h = "edit after step " + std::to_string(r.denoiseStep);
    else
        h = "step " + std::to_string(r.denoiseStep) + (o.totalSteps > 0 ? "/" + std::to_string(o.totalSteps) : "");
    h += "  block " + std::to_string(r.block + 1) + (o.blockCount > 0 ? "/" + std::to_string(o.blockCount) : "");
    h += "  masked " + std::to_string(masked);
    if (r.kind == RecordKind::Denoise)
        h += "  +" + std::to_string(r.committed.size()) + " committed";
    if (r.kind == RecordKind::Denoise && r.sampler == SamplerKind::Dream)
        h += "  (" + dreamDecisionText(r) + ")";
    else if (r.kind == RecordKind::Denoise && r.quota < 0)
        h += "  (threshold)";
    return h;
}

} // namespace

std::string renderCanvas(const StepRecord &record, const PieceLookup &pieces, const CanvasOptions &options)
{
    std::string out = header(record, options);
    if (options.color)
        out = kDim + out + kReset;
    out += '\n';

    const auto text = [&](int32_t id) { return sanitize(pieceText(pieces ? pieces(id) : std::string())); };
    const int n = record.length();
    const auto stateAt = [&](int i) {
        return i < static_cast<int>(record.states.size()) ? record.states[i] : PositionState::Committed;
    };

    LineBuilder prompt(options.width, options.color);
    LineBuilder gen(options.width, options.color);
    bool anyPrompt = false;
    for (int i = 0; i < n; ++i) {
        const PositionState s = stateAt(i);
        switch (s) {
        case PositionState::Prompt:
            anyPrompt = true;
            prompt.add(text(record.tokens[i]), kPrompt);
            break;
        case PositionState::Masked:
            gen.add(kMaskGlyph, kDim);
            break;
        case PositionState::Remasked:
            gen.add(kRemaskedGlyph, kDim);
            break;
        case PositionState::CommittedThisStep:
            if (options.color)
                gen.add(text(record.tokens[i]), kNew);
            else
                gen.add(text(record.tokens[i]), nullptr, "[", "]");
            break;
        case PositionState::Committed:
            gen.add(text(record.tokens[i]), nullptr);
            break;
        case PositionState::Edited:
            if (options.color)
                gen.add(text(record.tokens[i]), kEdited);
            else
                gen.add(text(record.tokens[i]), nullptr, "{", "}");
            break;
        }
    }
    if (options.showPrompt && anyPrompt) {
        out += prompt.take();
        out += '\n';
    }
    out += gen.take();
    out += '\n';
    return out;
}

CanvasPrinter::CanvasPrinter(std::ostream &out, bool terminal, int width)
    : m_out(out), m_terminal(terminal), m_width(std::max(8, width))
{
}

void CanvasPrinter::draw(const std::string &frame)
{
    if (m_terminal) {
        // Clear once, then rewrite in place: clearing before every frame flickers.
        std::string f = m_frames == 0 ? "\x1b[2J\x1b[H" : "\x1b[H";
        for (char c : frame) {
            if (c == '\n')
                f += "\x1b[K";
            f += c;
        }
        f += "\x1b[J";
        m_out << f << std::flush;
    } else {
        if (m_frames > 0)
            m_out << std::string(static_cast<size_t>(std::min(m_width, 80)), '-') << '\n';
        m_out << frame;
    }
    ++m_frames;
}

} // namespace dlm
