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
    explicit FdGuard(int fd)
        : m_fd(fd)
    {
    }
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

} // namespace

std::string fileTypeName(unsigned mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

Result<int> openRegularFile(const std::string &path)
{
    // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, for ever. It changes nothing for
    // regular files, whose reads never block.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return Result<int>::failure(path + ": cannot open: " + errnoText(errno));
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        return Result<int>::failure(path + ": cannot stat: " + errnoText(error));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return Result<int>::failure(path + ": is " + fileTypeName(st.st_mode) + ", expected a regular file");
    }
    return fd;
}

Status checkRegularFile(const std::string &path)
{
    const Result<int> fd = openRegularFile(path);
    if (!fd)
        return Status::failure(fd.error());
    ::close(*fd);
    return {};
}

Result<std::string> readTextFile(const std::string &path, size_t maxBytes)
{
    const Result<int> opened = openRegularFile(path);
    if (!opened)
        return Result<std::string>::failure(opened.error());
    FdGuard fd(*opened);

    struct stat st
    {
    };
    if (::fstat(fd.get(), &st) != 0)
        return Result<std::string>::failure(path + ": cannot stat: " + errnoText(errno));
    // Check the size before allocating, so a huge file named by mistake costs nothing.
    if (static_cast<uint64_t>(st.st_size) > maxBytes)
        return Result<std::string>::failure(path + ": file is " + std::to_string(st.st_size) + " bytes, more than the "
            + std::to_string(maxBytes) + "-byte limit");

    std::string contents;
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
        // The file may grow between fstat and read: keep enforcing the limit.
        if (contents.size() + static_cast<size_t>(n) > maxBytes)
            return Result<std::string>::failure(
                path + ": file is more than the " + std::to_string(maxBytes) + "-byte limit");
        contents.append(buffer.data(), static_cast<size_t>(n));
    }
    return contents;
}

bool fileExists(const std::string &path)
{
    struct stat st
    {
    };
    return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
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
