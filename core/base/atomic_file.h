#pragma once
// The one way this project writes a file a user could lose: the bytes go to a temporary file in the
// destination's folder (".NAME.dlmtmp-PID"), are fsync'ed, then renamed over the destination. Readers, and
// anyone who kills the process half-way, see the old file (or none) or the complete new one. A destination
// that exists and is not a regular file (device, FIFO, socket, folder) is refused before anything is
// written, and temporaries left by processes that died are removed by the next write of the same name.

#include "core/base/result.h"

#include <string>

namespace dlm {

/**
 * A file being written atomically: open(), write() any number of times (for exports that stream), then
 * commit(). Destroying it without a successful commit() removes the temporary file.
 */
class AtomicFile
{
public:
    AtomicFile() = default;
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    /** Checks the destination, removes stale temporaries of it, and creates this write's temporary file. */
    Status open(const std::string &path);
    /** Appends bytes; a short write (a full disk, a file size limit) is an error naming the path. */
    Status write(const char *data, size_t size);
    Status write(const std::string &bytes) { return write(bytes.data(), bytes.size()); }
    /** fsync, close, rename over the destination. */
    Status commit();
    /** Removes the temporary file; the destination is untouched. */
    void cancel();

    const std::string &temporaryPath() const { return m_tmpPath; }

private:
    Status fail(const std::string &what, int error);

    std::string m_path;
    std::string m_tmpPath;
    int m_fd = -1;
};

/** Writes `contents` to `path` atomically (see AtomicFile). */
Status writeFileAtomic(const std::string &path, const std::string &contents);

/** Refuses a destination that exists and is not a regular file: "PATH: is a FIFO, not a regular file". */
Status checkOutputPath(const std::string &path);

/** ".NAME.dlmtmp-" : the start of every temporary file name for destination `path` (without its folder). */
std::string temporaryPrefix(const std::string &path);

/** Removes the temporaries of `path` (files, or folders of a frames export) whose writing process is gone.
 *  Returns how many were removed. */
int removeStaleTemporaries(const std::string &path);

} // namespace dlm
