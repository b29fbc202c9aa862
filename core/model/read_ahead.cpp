#include "core/model/read_ahead.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 // Linux 5.14; older headers lack it, and older kernels answer EINVAL
#endif

namespace dlm {

namespace {

size_t pageSize()
{
    static const size_t size = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

/** True when every page of [p, p + n) is in the page cache: reading it again would only map it. */
bool whollyResident(const uint8_t *p, size_t n, std::vector<unsigned char> &pages)
{
    pages.resize((n + pageSize() - 1) / pageSize());
    if (::mincore(const_cast<uint8_t *>(p), n, pages.data()) != 0)
        return false;
    return std::all_of(pages.begin(), pages.end(), [](unsigned char v) { return (v & 1) != 0; });
}

/** Brings [p, p + n) in; the fallback reads one byte per page, which the kernel turns into a disk read. */
Status populate(const uint8_t *p, size_t n)
{
    static bool populateWorks = true;
    if (populateWorks && ::madvise(const_cast<uint8_t *>(p), n, MADV_POPULATE_READ) == 0)
        return {};
    if (populateWorks && errno != EINVAL)
        return Status::failure(std::string("reading weights into memory failed: ") + std::strerror(errno));
    populateWorks = false;
    ::madvise(const_cast<uint8_t *>(p), n, MADV_WILLNEED);
    volatile uint8_t sink = 0;
    for (size_t at = 0; at < n; at += pageSize())
        sink = sink ^ p[at];
    (void)sink;
    return {};
}

} // namespace

Status readAheadMapping(const void *base, size_t size, ReadAhead mode, const std::function<bool(uint64_t)> &advance,
    ReadAheadCounts *counts, size_t chunkBytes)
{
    if (mode == ReadAhead::Off || size == 0)
        return {};
    const auto *bytes = static_cast<const uint8_t *>(base);
    const size_t chunk = std::max(pageSize(), chunkBytes / pageSize() * pageSize());
    std::vector<unsigned char> pages;
    for (size_t at = 0; at < size; at += chunk) {
        const size_t n = std::min(chunk, size - at);
        if (mode == ReadAhead::SkipResident && whollyResident(bytes + at, n, pages)) {
            if (counts)
                counts->resident += n;
        } else {
            if (const Status s = populate(bytes + at, n); !s)
                return s;
            if (counts)
                counts->read += n;
        }
        if (advance && !advance(at + n))
            return Status::stoppedOnRequest();
    }
    return {};
}

} // namespace dlm
