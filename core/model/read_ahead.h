#pragma once
// Bringing a memory-mapped weight file into memory before the first step needs it, with progress in bytes:
// otherwise the first step of a 16 GB model is a silent 16 GB disk read that looks like a hang.

#include "core/base/result.h"

#include <cstddef>
#include <cstdint>
#include <functional>

namespace dlm {

/** What a load does with the mapped weights before it reports the model ready. */
enum class ReadAhead {
    Off, ///< nothing: pages come from disk when the first forward pass touches them
    SkipResident, ///< read the chunks the page cache does not hold (sampled every 256 KB; the default)
    All, ///< map every page into the process, resident or not (measured against SkipResident)
};

/** Bytes a read-ahead passed over because the page cache held them, and bytes it read. */
struct ReadAheadCounts
{
    uint64_t resident = 0;
    uint64_t read = 0;
};

/**
 * Reads the mapping [base, base + size) into memory in chunks of `chunkBytes`, calling `advance(bytesDone)`
 * after each; stops with Status::stoppedOnRequest() as soon as `advance` returns false, so a cancel waits for
 * one chunk at most. Uses MADV_POPULATE_READ, or on kernels before 5.14 MADV_WILLNEED and one read per page.
 * `base` must be page-aligned (an mmap result). Adds to `counts` when given.
 */
Status readAheadMapping(const void *base, size_t size, ReadAhead mode, const std::function<bool(uint64_t)> &advance,
    ReadAheadCounts *counts = nullptr, size_t chunkBytes = size_t(32) << 20);

} // namespace dlm
