#include "core/base/atomic_file.h"

#include "core/base/file_util.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dlm {

namespace {

std::string errnoText(int error)
{
    return std::strerror(error);
}

std::string folderOf(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

/** The PID a temporary's name carries after the prefix, or -1 when the rest is not "DIGITS[.N]". */
long pidInName(const std::string &rest)
{
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 9 || (digits < rest.size() && rest[digits] != '.'))
        return -1;
    return std::strtol(rest.substr(0, digits).c_str(), nullptr, 10);
}

bool processIsGone(long pid)
{
    if (pid <= 0 || pid == static_cast<long>(::getpid()))
        return false;
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

/** A stale temporary is a file, or the folder of a frames export holding only files. */
bool removeTemporary(const std::string &path)
{
    struct stat st
    {
    };
    if (::lstat(path.c_str(), &st) != 0)
        return false;
    if (!S_ISDIR(st.st_mode))
        return ::unlink(path.c_str()) == 0;
    if (DIR *dir = ::opendir(path.c_str())) {
        while (const dirent *entry = ::readdir(dir)) {
            const std::string name = entry->d_name;
            if (name != "." && name != "..")
                ::unlink(joinPath(path, name).c_str());
        }
        ::closedir(dir);
    }
    return ::rmdir(path.c_str()) == 0;
}

} // namespace

std::string temporaryPrefix(const std::string &path)
{
    return "." + baseName(path) + ".dlmtmp-";
}

int removeStaleTemporaries(const std::string &path)
{
    const std::string folder = folderOf(path);
    const std::string prefix = temporaryPrefix(path);
    DIR *dir = ::opendir(folder.c_str());
    if (!dir)
        return 0;
    std::vector<std::string> stale;
    while (const dirent *entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name.compare(0, prefix.size(), prefix) == 0 && processIsGone(pidInName(name.substr(prefix.size()))))
            stale.push_back(name);
    }
    ::closedir(dir);
    int removed = 0;
    for (const std::string &name : stale)
        removed += removeTemporary(joinPath(folder, name)) ? 1 : 0;
    return removed;
}

Status checkOutputPath(const std::string &path)
{
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return {}; // absent (or unreachable: creating the temporary file says why)
    if (!S_ISREG(st.st_mode))
        return Status::failure(path + ": is " + fileTypeName(st.st_mode) + ", not a regular file; not writing to it");
    return {};
}

AtomicFile::~AtomicFile()
{
    cancel();
}

Status AtomicFile::open(const std::string &path)
{
    cancel();
    m_path = path;
    if (const Status ok = checkOutputPath(path); !ok)
        return ok;
    removeStaleTemporaries(path);
    const std::string base = joinPath(folderOf(path), temporaryPrefix(path)) + std::to_string(::getpid());
    // The PID alone names the writer; a counter after it keeps two writes of one process apart.
    for (int attempt = 0; m_fd < 0; ++attempt) {
        m_tmpPath = attempt == 0 ? base : base + "." + std::to_string(attempt);
        m_fd = ::open(m_tmpPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (m_fd < 0 && (errno != EEXIST || attempt > 1000)) {
            const int error = errno;
            m_tmpPath.clear();
            return Status::failure(path + ": cannot create temporary file: " + errnoText(error));
        }
    }
    // Keep the mode of the file being replaced, else the usual 0644; reading the umask would need umask(),
    // which is process-wide and racy with other threads creating files.
    struct stat old
    {
    };
    const mode_t mode = ::stat(path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644;
    if (::fchmod(m_fd, mode) != 0)
        return fail("cannot set permissions", errno);
    return {};
}

Status AtomicFile::write(const char *data, size_t size)
{
    if (m_fd < 0)
        return Status::failure(m_path + ": write failed: the file is not open");
    size_t written = 0;
    while (written < size) {
        const ssize_t n = ::write(m_fd, data + written, size - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail("write failed", n < 0 ? errno : ENOSPC);
        written += static_cast<size_t>(n);
    }
    return {};
}

Status AtomicFile::commit()
{
    if (m_fd < 0)
        return Status::failure(m_path + ": write failed: the file is not open");
    // fsync before rename: otherwise a crash can leave the new name pointing at an empty file. A full disk
    // may only show here (delayed allocation), so its failure is a failed write.
    if (::fsync(m_fd) != 0)
        return fail("fsync failed", errno);
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0)
        return fail("close failed", errno);
    // Checked again: a FIFO or device made at the destination while we wrote must not be replaced.
    if (const Status ok = checkOutputPath(m_path); !ok) {
        cancel();
        return ok;
    }
    if (::rename(m_tmpPath.c_str(), m_path.c_str()) != 0)
        return fail("cannot rename temporary file into place", errno);
    m_tmpPath.clear();
    // Persist the rename itself; failure here is not fatal because the data is already complete.
    const int dirFd = ::open(folderOf(m_path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return {};
}

void AtomicFile::cancel()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_tmpPath.empty()) {
        ::unlink(m_tmpPath.c_str());
        m_tmpPath.clear();
    }
}

Status AtomicFile::fail(const std::string &what, int error)
{
    cancel();
    return Status::failure(m_path + ": " + what + ": " + errnoText(error));
}

Status writeFileAtomic(const std::string &path, const std::string &contents)
{
    AtomicFile file;
    if (Status ok = file.open(path); !ok)
        return ok;
    if (Status ok = file.write(contents); !ok)
        return ok;
    return file.commit();
}

} // namespace dlm
