#pragma once
// The command line's view of a model load: one line on stderr, redrawn in place, once the load has taken
// half a second (a small model loads silently, rather than flash a line at every command), and nothing at all when
// stderr is not a terminal (scripts read stderr for messages). It also times the read-ahead, which bench reports as its
// share of the load.

#include "core/model/load_progress.h"

#include <chrono>
#include <ostream>

namespace dlm {

/** True when `err` is this process's stderr and that is a terminal. */
bool isTerminalStderr(const std::ostream &err);

/** Draws a load's progress on `err` (see the file comment) and measures its stages. */
class LoadProgressLine
{
public:
    /**
     * `terminal`: draw at all (isTerminalStderr(err) for the real stderr); `quietSeconds`: how long a load
     * runs before the line appears.
     */
    LoadProgressLine(std::ostream &err, bool terminal, double quietSeconds = 0.5);
    /** Erases the line if one was drawn. */
    ~LoadProgressLine();
    LoadProgressLine(const LoadProgressLine &) = delete;
    LoadProgressLine &operator=(const LoadProgressLine &) = delete;

    /** The callback to hand to the loader; it never cancels. Valid while this object lives. */
    LoadProgress callback();
    /** Erases the line (before anything else is printed). */
    void finish();
    /** Seconds from the first read-ahead report to the last report of the load (0 when there was none). */
    double readAheadSeconds() const;

private:
    void show(const LoadProgressInfo &info);

    using Clock = std::chrono::steady_clock;
    std::ostream &m_err;
    bool m_terminal;
    double m_quietSeconds;
    bool m_drawn = false;
    Clock::time_point m_start;
    Clock::time_point m_lastDraw {};
    Clock::time_point m_readAheadStart {};
    Clock::time_point m_lastReport {};
    bool m_readAhead = false;
};

} // namespace dlm
