#pragma once
// The standalone web player: one self-contained HTML file (inline CSS and JavaScript, no network access)
// that replays the denoising of one branch in any current browser, opened straight from disk.
//
// The page is the template in resources/player/ (player.html, player.css, player.js), baked into the
// build, with the branch's records inserted as JSON. Every "<", ">" and "&" in that JSON is written as a
// \u escape, so no piece or label can close the script element ("</script>"), open a comment ("<!--") or
// otherwise reach the HTML parser; the player reads the data with JSON.parse and writes text only through
// textContent.

#include "core/export/export_util.h"
#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <string>

namespace dlm {

struct PlayerExportOptions
{
    int branch = 0; ///< the branch to replay (its whole history, shared records included)
    int startRecord = 0; ///< the record shown when the page opens
};

/** The player page. Fails with a message on a branch or start record that does not exist. */
Result<std::string> timelinePlayerHtml(const Timeline &timeline, const PlayerExportOptions &options = {});

/** The JSON the page embeds (what the player reads); exposed for tests and tools. */
Result<std::string> timelinePlayerData(const Timeline &timeline, const PlayerExportOptions &options = {});

} // namespace dlm
