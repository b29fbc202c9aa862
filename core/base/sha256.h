#pragma once
// SHA-256 (FIPS 180-4), used to fingerprint config and tokenizer files in saved timelines so a replay can
// tell whether it is looking at the same model.

#include "core/base/result.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace dlm {

/** Incremental SHA-256: feed bytes with update(), then take the digest once with finishHex(). */
class Sha256
{
public:
    Sha256();
    void update(const void *data, size_t size);
    /** Lower-case hex digest (64 characters). The object must not be updated afterwards. */
    std::string finishHex();

private:
    void processBlock(const uint8_t *block);

    uint32_t m_state[8];
    uint8_t m_buffer[64];
    size_t m_bufferSize = 0;
    uint64_t m_totalBytes = 0;
};

/** Lower-case hex SHA-256 of a byte string. */
std::string sha256Hex(const std::string &bytes);
/** Lower-case hex SHA-256 of a file, read in chunks so large weight files need little memory. */
Result<std::string> sha256File(const std::string &path);

} // namespace dlm
