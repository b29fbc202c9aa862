#include "cli_export_args.h"

#include "cli_values.h"

#include <algorithm>
#include <limits>

namespace dlm {

namespace {

using Failure = Result<CliCommand>;

const char *const kExportHelp
    = "Usage: dlmstudio-cli export --timeline FILE.json --format json|csv|html|md|tex [options]\n"
      "\n"
      "Writes a saved timeline (generate --timeline) in another form. No model is needed: everything comes\n"
      "from the file.\n"
      "\n"
      "  --timeline FILE     the timeline to read\n"
      "  --format F          json  the timeline again, as this build writes it\n"
      "                      csv   one row per branch, record and position: token, piece, state, candidate,\n"
      "                            confidence, probability, margin, entropy (columns: docs/exports.md)\n"
      "                      html  one self-contained page that replays a branch in a browser, offline\n"
      "                      md    Markdown table of the sequence at chosen records, for handouts\n"
      "                      tex   the same table in LaTeX\n"
      "  --step N[,N...]     records to include (0 = the initial canvas; without edits record N is the\n"
      "                      canvas after N steps); default all. html: the record shown first (one value)\n"
      "  --branch B          branch to export; default: every branch for csv (shared records once), else 0\n"
      "  --out PATH          file to write, replaced atomically; default: standard output\n"
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
            return "--format: expected json, csv, html, md or tex, got " + quoted(value);
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
    } else {
        return "export: unknown option " + name + " (see dlmstudio-cli export --help)";
    }
    return {};
}

std::string checkExport(const CliCommand &c)
{
    const ExportOptions &e = c.exportOptions;
    if (c.timelinePath.empty())
        return "export: --timeline FILE is required";
    if (e.format.empty())
        return "export: --format json|csv|html|md|tex is required";
    if (e.format == "json" && (!e.steps.empty() || e.branch))
        return "export: --format json writes the whole timeline; --step and --branch do not apply";
    if (e.format == "html" && e.steps.size() > 1)
        return "--step: html takes one record to start at, got " + std::to_string(e.steps.size());
    return {};
}

} // namespace

const std::vector<std::string> &exportFormats()
{
    static const std::vector<std::string> formats = {"json", "csv", "html", "md", "tex"};
    return formats;
}

std::string exportCommandHelp()
{
    return kExportHelp;
}

Result<CliCommand> parseExportCommand(const std::vector<std::string> &args)
{
    CliCommand c;
    c.kind = CliCommandKind::Export;
    static const std::vector<std::string> valued = {"--timeline", "--format", "--step", "--branch", "--out"};
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
        if (inlineValue) {
            value = *inlineValue;
        } else {
            if (i + 1 >= args.size())
                return Failure::failure(name + ": missing value");
            value = args[++i];
        }
        if (const std::string error = applyExportOption(c, name, value); !error.empty())
            return Failure::failure(error);
    }
    if (const std::string error = checkExport(c); !error.empty())
        return Failure::failure(error);
    return c;
}

} // namespace dlm
