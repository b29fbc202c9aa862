// `export`: a saved timeline as JSON, CSV, a standalone HTML player, a Markdown or LaTeX table, or (through
// cmd_export_image.cpp) a figure or an animation. Everything comes from the file, so no model is loaded.

#include "app/cli/cli_common.h"
#include "app/cli/cli_export_args.h"
#include "app/cli/cmd_export_image.h"
#include "app/cli/commands.h"

#include "core/base/file_util.h"
#include "core/export/html_player.h"
#include "core/export/timeline_csv.h"
#include "core/timeline/timeline_json.h"
#include "core/export/timeline_table.h"

namespace dlm {

namespace {

Result<std::string> render(const Timeline &timeline, const ExportArgs &o)
{
    if (o.format == "json")
        return timelineToJson(timeline);
    if (o.format == "csv")
        return timelineToCsv(timeline, {o.branch.value_or(kAllBranches), o.steps});
    if (o.format == "html")
        return timelinePlayerHtml(timeline, {o.branch.value_or(0), o.steps.empty() ? 0 : o.steps.front()});
    const TableFormat table = o.format == "md" ? TableFormat::Markdown : TableFormat::Latex;
    return timelineTable(timeline, table, {o.branch.value_or(0), o.steps});
}

} // namespace

int runExport(const ExportArgs &args, std::ostream &out, std::ostream &err)
{
    // Refuse an unwritable destination before reading what may be a large file. (frames: --out is a folder,
    // made if missing, checked by the export itself.)
    if (!args.outPath.empty() && args.format != "frames") {
        const Status writable = checkWritableFile(args.outPath, "the export");
        if (!writable)
            return reportFailure(err, ExitBadInput, writable.error());
    }
    auto timeline = loadTimeline(args.timelinePath);
    if (!timeline)
        return reportFailure(err, ExitBadInput, timeline.error());
    if (isImageExportFormat(args.format))
        return runImageExport(args, *timeline, err);

    const auto text = render(*timeline, args);
    if (!text)
        return reportFailure(err, ExitBadInput, "cannot export " + args.timelinePath + ": " + text.error());

    if (args.outPath.empty()) {
        out << *text;
        out.flush();
        return out ? ExitOk : reportFailure(err, ExitBadInput, "cannot write the export to standard output");
    }
    const Status written = writeFileAtomic(args.outPath, *text);
    if (!written)
        return reportFailure(err, ExitBadInput, "cannot write the export: " + written.error());
    return ExitOk;
}

} // namespace dlm
