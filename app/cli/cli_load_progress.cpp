#include "app/cli/cli_load_progress.h"

#include <iostream>

#include <unistd.h>

namespace dlm {

namespace {

// Redraws at most this often: a terminal over ssh should not be flooded by the read-ahead's chunks.
constexpr double kRedrawSeconds = 0.1;

double seconds(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

} // namespace

bool isTerminalStderr(const std::ostream &err)
{
    return &err == &std::cerr && isatty(STDERR_FILENO);
}

LoadProgressLine::LoadProgressLine(std::ostream &err, bool terminal, double quietSeconds)
    : m_err(err)
    , m_terminal(terminal)
    , m_quietSeconds(quietSeconds)
    , m_start(Clock::now())
{
}

LoadProgressLine::~LoadProgressLine()
{
    finish();
}

LoadProgress LoadProgressLine::callback()
{
    return [this](const LoadProgressInfo &info) {
        show(info);
        return true;
    };
}

void LoadProgressLine::show(const LoadProgressInfo &info)
{
    const Clock::time_point now = Clock::now();
    m_lastReport = now;
    if (info.stage == LoadStage::ReadAhead && !m_readAhead) {
        m_readAhead = true;
        m_readAheadStart = now;
    }
    if (!m_terminal || seconds(now - m_start) < m_quietSeconds || seconds(now - m_lastDraw) < kRedrawSeconds)
        return;
    m_lastDraw = now;
    m_drawn = true;
    char percent[16];
    std::snprintf(percent, sizeof percent, "%3.0f%%", info.fraction * 100.0);
    m_err << "\r\x1b[Kloading " << percent << "  " << describeLoadProgress(info) << std::flush;
}

void LoadProgressLine::finish()
{
    if (m_drawn)
        m_err << "\r\x1b[K" << std::flush;
    m_drawn = false;
}

double LoadProgressLine::readAheadSeconds() const
{
    return m_readAhead ? seconds(m_lastReport - m_readAheadStart) : 0.0;
}

} // namespace dlm
