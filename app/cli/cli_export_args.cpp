// `export`: its options, and which of them go with which format.

#include "app/cli/cli_export_args.h"

#include "app/cli/cli_declare.h"
#include "app/cli/cli_options.h"

#include <limits>
#include <memory>

namespace dlm {

namespace {

const char *const kFormatHelp = "what to write:\n"
                                "json    the timeline again, as this build writes it\n"
                                "csv     one row per branch, record and position: token, piece, state, candidate,\n"
                                "        confidence, probability, margin, entropy (columns: docs/exports.md)\n"
                                "html    one self-contained page that replays a branch in a browser, offline\n"
                                "md      Markdown table of the sequence at chosen records, for handouts\n"
                                "tex     the same table in LaTeX\n"
                                "png     a figure (--figure) at one record, as an image\n"
                                "svg     the same figure as SVG (vector)\n"
                                "pdf     the same figure as a one-page PDF (vector)\n"
                                "gif     animation of the sequence view over every record of a branch, looping\n"
                                "frames  the same animation as a folder of PNGs: frame-0000.png, frame-0001.png...";

using Fail = CLI::ValidationError;

// Which image options go with which formats; an option that would be silently ignored is refused instead.
void checkImageExport(const ExportArgs &e)
{
    const bool figure = isFigureFormat(e.format);
    const bool animation = e.format == "gif" || e.format == "frames";
    const std::string format = "--format " + e.format;
    if (!figure && !animation) {
        if (!e.figure.empty() || e.width || e.height || e.scale || e.fps)
            throw Fail("export: --figure, --width, --height, --scale and --fps apply to png, svg, pdf, gif and "
                       "frames, not to "
                + format);
        return;
    }
    if (e.outPath.empty())
        throw Fail("export: " + format + " needs --out PATH (images are not written to standard output)");
    if (figure) {
        if (e.steps.size() > 1)
            throw Fail("--step: " + e.format + " draws one record, got " + std::to_string(e.steps.size()));
        if (e.fps)
            throw Fail("export: --fps applies to gif and frames, not to " + format);
        if (e.scale && e.format != "png")
            throw Fail("export: --scale applies to png only (svg and pdf are vector drawings)");
        if (e.height && (e.figure.empty() || e.figure == "canvas"))
            throw Fail("export: --height does not apply to the canvas figure: it is as tall as its text (set --width)");
        return;
    }
    if (!e.steps.empty())
        throw Fail("export: " + format + " shows every record of the branch; --step does not apply");
    if (!e.figure.empty() || e.height || e.scale)
        throw Fail("export: " + format + " animates the sequence view; --figure, --height and --scale do not apply");
}

void checkExport(const ExportArgs &e)
{
    if (e.format == "json" && (!e.steps.empty() || e.branch))
        throw Fail("export: --format json writes the whole timeline; --step and --branch do not apply");
    if (e.format == "html" && e.steps.size() > 1)
        throw Fail("--step: html takes one record to start at, got " + std::to_string(e.steps.size()));
    checkImageExport(e);
}

std::vector<std::pair<std::string, std::string>> words(const std::vector<std::string> &list)
{
    std::vector<std::pair<std::string, std::string>> choices;
    for (const std::string &w : list)
        choices.emplace_back(w, w);
    return choices;
}

} // namespace

const std::vector<std::string> &exportFormats()
{
    static const std::vector<std::string> formats
        = {"json", "csv", "html", "md", "tex", "png", "svg", "pdf", "gif", "frames"};
    return formats;
}

bool isFigureFormat(const std::string &format)
{
    return format == "png" || format == "svg" || format == "pdf";
}

bool isImageExportFormat(const std::string &format)
{
    return isFigureFormat(format) || format == "gif" || format == "frames";
}

namespace cli {

void declareExport(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<ExportArgs>();
    CLI::App *sub = app.add_subcommand("export",
        "write a saved timeline as CSV, a web player, tables, figures (PNG, SVG, PDF) or a GIF\n\n"
        "Writes a saved timeline (generate --timeline) in another form. No model is needed: everything comes\n"
        "from the file.");
    constexpr long long kMaxInt = std::numeric_limits<int>::max();
    addPath(*sub, "--timeline", a->timelinePath, "FILE", "the timeline to read")->required();
    addChoice(*sub, "--format", a->format, words(exportFormats()), kFormatHelp)->required();
    addOption(*sub, "--step", a->steps, integerList<int>(0, kMaxInt, "record numbers (0 or more)"), "N[,N...]",
        "records to include (0 = the initial canvas; without edits record N is the canvas after N steps); "
        "default all. html: the record shown first (one value); png, svg, pdf: the record drawn (one value, "
        "default the last)");
    addOption(*sub, "--branch", a->branch, integerIn(0, kMaxInt), "B",
        "branch to export; default: every branch for csv (shared records once), else 0");
    addPath(*sub, "--out", a->outPath, "PATH",
        "file to write, replaced atomically; default: standard output. Required for png, svg, pdf and gif; "
        "for frames, the folder to write the frames into");
    addChoice(*sub, "--figure", a->figure, words({"canvas", "heatmap", "decisions", "plots"}),
        "png, svg, pdf: canvas (the sequence view with a step counter, the default), heatmap (confidence per "
        "position and record), decisions (the remasking decision of the record) or plots (masked count, "
        "commits and confidence per record)");
    addOption(*sub, "--width", a->width, integerIn(16, 16384), "PX",
        "figure or frame width in pixels (default 800; gif and frames 640)");
    addOption(*sub, "--height", a->height, integerIn(16, 16384), "PX",
        "figure height in pixels for heatmap, decisions and plots (default 500, 400, 600); the canvas and the "
        "animations are as tall as their text");
    addNumber(*sub, "--scale", a->scale, 0.25, 8.0,
        "png: pixels per figure pixel (2 = twice the pixels each way, for high-DPI screens and print)")
        ->default_str("1");
    addNumber(*sub, "--fps", a->fps, 0.0, 50.0,
        "gif and frames: records per second. The last frame of a gif stays 2 s before the loop starts again", true)
        ->default_str("4");
    sub->final_callback([a, &result] {
        checkExport(*a);
        result = std::move(*a);
    });
}

} // namespace cli

} // namespace dlm
