#include "core/base/file_util.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dlm {

namespace {

std::string errnoText(int error)
{
    return std::strerror(error);
}

// Closes a descriptor on every return path, so early failures never leak it.
class FdGuard
{
public:
    explicit FdGuard(int fd) : m_fd(fd) {}
    ~FdGuard()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FdGuard(const FdGuard &) = delete;
    FdGuard &operator=(const FdGuard &) = delete;
    int get() const { return m_fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd;
};

std::string dirName(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

} // namespace

Result<std::string> readTextFile(const std::string &path, size_t maxBytes)
{
    FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        return Result<std::string>::failure(path + ": cannot open: " + errnoText(errno));

    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return Result<std::string>::failure(path + ": cannot stat: " + errnoText(errno));
    if (S_ISDIR(st.st_mode))
        return Result<std::string>::failure(path + ": is a directory, expected a file");
    // Check the size before allocating, so a huge file named by mistake costs nothing.
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > maxBytes)
        return Result<std::string>::failure(path + ": file is " + std::to_string(st.st_size)
                                            + " bytes, more than the " + std::to_string(maxBytes)
                                            + "-byte limit");

    std::string contents;
    if (S_ISREG(st.st_mode))
        contents.reserve(static_cast<size_t>(st.st_size));
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Result<std::string>::failure(path + ": read failed: " + errnoText(errno));
        }
        if (n == 0)
            break;
        // The file may grow between fstat and read (or be a pipe): keep enforcing the limit.
        if (contents.size() + static_cast<size_t>(n) > maxBytes)
            return Result<std::string>::failure(path + ": file is more than the " + std::to_string(maxBytes)
                                                + "-byte limit");
        contents.append(buffer.data(), static_cast<size_t>(n));
    }
    return contents;
}

Status writeFileAtomic(const std::string &path, const std::string &contents)
{
    // The temporary lives in the destination folder so rename() stays on one filesystem and is atomic:
    // readers see either the old file or the complete new one, never a torn write.
    std::string tmpl = path + ".tmp-XXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    FdGuard fd(::mkstemp(name.data()));
    if (fd.get() < 0)
        return Status::failure(path + ": cannot create temporary file: " + errnoText(errno));
    const std::string tmpPath(name.data());

    auto fail = [&](const std::string &what) {
        const int error = errno;
        ::unlink(tmpPath.c_str());
        return Status::failure(path + ": " + what + ": " + errnoText(error));
    };

    // mkstemp creates 0600. Keep the mode of the file being replaced, else use the usual 0644; reading the
    // umask would need umask(), which is process-wide and racy with other threads creating files.
    struct stat old {};
    const mode_t mode = ::stat(path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644;
    if (::fchmod(fd.get(), mode) != 0)
        return fail("cannot set permissions");

    size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd.get(), contents.data() + written, contents.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail("write failed");
        }
        written += static_cast<size_t>(n);
    }
    // fsync before rename: otherwise a crash can leave the new name pointing at an empty file.
    if (::fsync(fd.get()) != 0)
        return fail("fsync failed");
    if (::close(fd.release()) != 0)
        return fail("close failed");
    if (::rename(tmpPath.c_str(), path.c_str()) != 0)
        return fail("cannot rename temporary file into place");

    // Persist the rename itself; failure here is not fatal because the data is already complete.
    FdGuard dirFd(::open(dirName(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirFd.get() >= 0)
        ::fsync(dirFd.get());
    return {};
}

bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string joinPath(const std::string &dir, const std::string &name)
{
    if (dir.empty())
        return name;
    if (name.empty())
        return dir;
    if (name.front() == '/')
        return name;
    if (dir.back() == '/')
        return dir + name;
    return dir + '/' + name;
}

std::string baseName(const std::string &path)
{
    size_t end = path.size();
    while (end > 1 && path[end - 1] == '/')
        --end;
    const std::string trimmed = path.substr(0, end);
    const size_t slash = trimmed.find_last_of('/');
    if (slash == std::string::npos || trimmed == "/")
        return trimmed;
    return trimmed.substr(slash + 1);
}

} // namespace dlm
