#include "app/cli/cli_export_args.h"

#include "app/cli/cli_values.h"

#include <algorithm>
#include <limits>

namespace dlm {

namespace {

using Failure = Result<CliCommand>;

const char *const kExportHelp
    = "Usage: dlmstudio-cli export --timeline FILE.json --format F [options]\n"
      "\n"
      "Writes a saved timeline (generate --timeline) in another form. No model is needed: everything comes\n"
      "from the file.\n"
      "\n"
      "  --timeline FILE     the timeline to read\n"
      "  --format F          json    the timeline again, as this build writes it\n"
      "                      csv     one row per branch, record and position: token, piece, state, candidate,\n"
      "                              confidence, probability, margin, entropy (columns: docs/exports.md)\n"
      "                      html    one self-contained page that replays a branch in a browser, offline\n"
      "                      md      Markdown table of the sequence at chosen records, for handouts\n"
      "                      tex     the same table in LaTeX\n"
      "                      png     a figure (--figure) at one record, as an image\n"
      "                      svg     the same figure as SVG (vector)\n"
      "                      pdf     the same figure as a one-page PDF (vector)\n"
      "                      gif     animation of the sequence view over every record of a branch, looping\n"
      "                      frames  the same animation as a folder of PNGs: frame-0000.png, frame-0001.png...\n"
      "  --step N[,N...]     records to include (0 = the initial canvas; without edits record N is the\n"
      "                      canvas after N steps); default all. html: the record shown first (one value);\n"
      "                      png, svg, pdf: the record drawn (one value, default the last)\n"
      "  --branch B          branch to export; default: every branch for csv (shared records once), else 0\n"
      "  --out PATH          file to write, replaced atomically; default: standard output. Required for\n"
      "                      png, svg, pdf and gif; for frames, the folder to write the frames into\n"
      "  --figure NAME       png, svg, pdf: canvas (the sequence view with a step counter, the default),\n"
      "                      heatmap (confidence per position and record), decisions (the remasking decision\n"
      "                      of the record) or plots (masked count, commits and confidence per record)\n"
      "  --width PX          figure or frame width in pixels (default 800; gif and frames 640)\n"
      "  --height PX         figure height in pixels for heatmap, decisions and plots (default 500, 400,\n"
      "                      600); the canvas and the animations are as tall as their text\n"
      "  --scale F           png: pixels per figure pixel, 0.25..8 (2 = twice the pixels each way, for\n"
      "                      high-DPI screens and print); default 1\n"
      "  --fps F             gif and frames: records per second, at most 50; default 4. The last frame of\n"
      "                      a gif stays 2 s before the loop starts again\n"
      "  -h, --help          show this help\n";

std::string stepsOption(const std::string &text, std::vector<int> *out)
{
    std::vector<int> steps;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        // Tolerate spaces after commas ("0, 4, 8" from copy-paste).
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        long long v = 0;
        if (!parseInt64(item, &v) || v < 0 || v > std::numeric_limits<int>::max())
            return "--step: expected comma-separated record numbers (0 or more), got " + quoted(item) + " in "
                + quoted(text);
        steps.push_back(static_cast<int>(v));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    *out = std::move(steps);
    return {};
}

std::string applyExportOption(CliCommand &c, const std::string &name, const std::string &value)
{
    ExportOptions &e = c.exportOptions;
    if (name == "--timeline") {
        if (value.empty())
            return "--timeline: expected a file name, got an empty string";
        c.timelinePath = value;
    } else if (name == "--format") {
        const auto &formats = exportFormats();
        if (std::find(formats.begin(), formats.end(), value) == formats.end())
            return "--format: expected json, csv, html, md, tex, png, svg, pdf, gif or frames, got " + quoted(value);
        e.format = value;
    } else if (name == "--step") {
        return stepsOption(value, &e.steps);
    } else if (name == "--branch") {
        long long b = 0;
        const std::string error = intOption(name, value, 0, std::numeric_limits<int>::max(), &b);
        if (!error.empty())
            return error;
        e.branch = static_cast<int>(b);
    } else if (name == "--out") {
        if (value.empty())
            return "--out: expected a file name, got an empty string";
        c.outPath = value;
    } else if (name == "--figure") {
        if (value != "canvas" && value != "heatmap" && value != "decisions" && value != "plots")
            return "--figure: expected canvas, heatmap, decisions or plots, got " + quoted(value);
        e.figure = value;
    } else if (name == "--width" || name == "--height") {
        long long px = 0;
        const std::string error = intOption(name, value, 16, 16384, &px);
        if (!error.empty())
            return error;
        (name == "--width" ? e.width : e.height) = static_cast<int>(px);
    } else if (name == "--scale") {
        double f = 0.0;
        if (!parseDouble(value, &f) || f < 0.25 || f > 8.0)
            return "--scale: expected a number from 0.25 to 8, got " + quoted(value);
        e.scale = f;
    } else if (name == "--fps") {
        double f = 0.0;
        if (!parseDouble(value, &f) || !(f > 0.0) || f > 50.0)
            return "--fps: expected a number of frames per second above 0, at most 50, got " + quoted(value);
        e.fps = f;
    } else {
        return "export: unknown option " + name + " (see dlmstudio-cli export --help)";
    }
    return {};
}

// Which image options go with which formats; an option that would be silently ignored is refused instead.
std::string checkImageExport(const CliCommand &c)
{
    const ExportOptions &e = c.exportOptions;
    const bool figure = isFigureFormat(e.format);
    const bool animation = e.format == "gif" || e.format == "frames";
    const std::string format = "--format " + e.format;
    if (!figure && !animation) {
        if (!e.figure.empty() || e.width || e.height || e.scale || e.fps)
            return "export: --figure, --width, --height, --scale and --fps apply to png, svg, pdf, gif and frames, "
                   "not to "
                + format;
        return {};
    }
    if (c.outPath.empty())
        return "export: " + format + " needs --out PATH (images are not written to standard output)";
    if (figure) {
        if (e.steps.size() > 1)
            return "--step: " + e.format + " draws one record, got " + std::to_string(e.steps.size());
        if (e.fps)
            return "export: --fps applies to gif and frames, not to " + format;
        if (e.scale && e.format != "png")
            return "export: --scale applies to png only (svg and pdf are vector drawings)";
        if (e.height && (e.figure.empty() || e.figure == "canvas"))
            return "export: --height does not apply to the canvas figure: it is as tall as its text (set --width)";
        return {};
    }
    if (!e.steps.empty())
        return "export: " + format + " shows every record of the branch; --step does not apply";
    if (!e.figure.empty() || e.height || e.scale)
        return "export: " + format + " animates the sequence view; --figure, --height and --scale do not apply";
    return {};
}

std::string checkExport(const CliCommand &c)
{
    const ExportOptions &e = c.exportOptions;
    if (c.timelinePath.empty())
        return "export: --timeline FILE is required";
    if (e.format.empty())
        return "export: --format json|csv|html|md|tex|png|svg|pdf|gif|frames is required";
    if (e.format == "json" && (!e.steps.empty() || e.branch))
        return "export: --format json writes the whole timeline; --step and --branch do not apply";
    if (e.format == "html" && e.steps.size() > 1)
        return "--step: html takes one record to start at, got " + std::to_string(e.steps.size());
    return checkImageExport(c);
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

std::string exportCommandHelp()
{
    return kExportHelp;
}

Result<CliCommand> parseExportCommand(const std::vector<std::string> &args)
{
    CliCommand c;
    c.kind = CliCommandKind::Export;
    static const std::vector<std::string> valued = {"--timeline", "--format", "--step", "--branch", "--out",
                                                    "--figure", "--width", "--height", "--scale", "--fps"};
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg == "-h" || arg == "--help") {
            c.helpText = exportCommandHelp();
            return c;
        }
        std::string name;
        std::optional<std::string> inlineValue;
        if (const std::string error = splitOptionArgument("export", arg, &name, &inlineValue); !error.empty())
            return Failure::failure(error);
        if (std::find(valued.begin(), valued.end(), name) == valued.end())
            return Failure::failure("export: unknown option " + name + " (see dlmstudio-cli export --help)");
        std::string value;
        if (const std::string error = takeOptionValue(args, &i, name, inlineValue, true, &value); !error.empty())
            return Failure::failure(error);
        if (const std::string error = applyExportOption(c, name, value); !error.empty())
            return Failure::failure(error);
    }
    if (const std::string error = checkExport(c); !error.empty())
        return Failure::failure(error);
    return c;
}

} // namespace dlm
