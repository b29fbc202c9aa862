#include "core/train/token_data.h"

#include "core/base/file_util.h"
#include "core/text/tokenizer.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include <sys/stat.h>

namespace dlm {

namespace {

uint32_t readU32(const unsigned char *p)
{
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

void appendU32(std::string &out, uint32_t v)
{
    const char bytes[4] = {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char((v >> 24) & 0xff)};
    out.append(bytes, 4);
}

struct FileCloser
{
    void operator()(std::FILE *f) const { std::fclose(f); }
};

/** Checks the 16-byte header (`got` bytes of it were read) against the file's `size`; sets the vocabulary. */
Status checkHeader(const unsigned char *header, size_t got, uint64_t size, const std::string &path, uint32_t *vocab)
{
    if (got < 8 || std::memcmp(header, kTokenDataMagic, 8) != 0)
        return Status::failure(path
            + ": not a token file (expected the magic \"DLMIDS01\" at the start; make one with "
              "dlmstudio-cli tokenize)");
    if (got < kTokenDataHeaderSize)
        return Status::failure(path + ": truncated header (" + std::to_string(got) + " of 16 bytes)");
    if ((size - kTokenDataHeaderSize) % 4 != 0)
        return Status::failure(path + ": size " + std::to_string(size) + " bytes is not a 16-byte header plus whole "
            + "4-byte ids (truncated file?)");
    *vocab = readU32(header + 8);
    if (*vocab == 0)
        return Status::failure(path + ": header gives a vocabulary size of 0");
    // No tokenizer comes near this; a larger claim is a corrupt header (and ids past INT32_MAX would turn
    // negative after this reader).
    if (*vocab > kTokenDataMaxVocab)
        return Status::failure(path + ": header gives a vocabulary size of " + std::to_string(*vocab)
            + ", more than the limit of " + std::to_string(kTokenDataMaxVocab));
    return {};
}

/** Turns the little-endian ids read into `data.ids` into host order, checking each against the vocabulary. */
Status checkIds(TokenData &data, const std::string &path)
{
    auto *bytes = reinterpret_cast<unsigned char *>(data.ids.data());
    for (size_t i = 0; i < data.ids.size(); ++i) {
        const uint32_t v = readU32(bytes + 4 * i);
        if (v >= data.vocabSize)
            return Status::failure(path + ": token " + std::to_string(i) + " has id " + std::to_string(v)
                + ", outside the vocabulary of " + std::to_string(data.vocabSize));
        data.ids[i] = static_cast<int32_t>(v);
    }
    return {};
}

} // namespace

Result<TokenData> readTokenData(const std::string &path)
{
    using R = Result<TokenData>;
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return R::failure(path + ": cannot open: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        return R::failure(path + ": is a directory, expected a token file");
    if (const Status regular = checkRegularFile(path); !regular)
        return R::failure(regular.error());
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file)
        return R::failure(path + ": cannot open: " + std::strerror(errno));

    unsigned char header[kTokenDataHeaderSize];
    const size_t got = std::fread(header, 1, sizeof header, file.get());
    TokenData data;
    const Status headerOk = checkHeader(header, got, static_cast<uint64_t>(st.st_size), path, &data.vocabSize);
    if (!headerOk)
        return R::failure(headerOk.error());
    const uint64_t count = (static_cast<uint64_t>(st.st_size) - kTokenDataHeaderSize) / 4;
    data.ids.resize(count);
    // Read straight into the id vector, then fix the byte order in place: a corpus can be hundreds of MB.
    const size_t read = std::fread(data.ids.data(), 4, count, file.get());
    if (read != count)
        return R::failure(path + ": read " + std::to_string(read) + " of " + std::to_string(count)
            + " ids (file changed or read error)");
    const Status idsOk = checkIds(data, path);
    if (!idsOk)
        return R::failure(idsOk.error());
    return data;
}

Result<TokenData> parseTokenData(std::string_view bytes, const std::string &name)
{
    using R = Result<TokenData>;
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    TokenData data;
    const Status headerOk
        = checkHeader(p, std::min(bytes.size(), kTokenDataHeaderSize), bytes.size(), name, &data.vocabSize);
    if (!headerOk)
        return R::failure(headerOk.error());
    data.ids.resize((bytes.size() - kTokenDataHeaderSize) / 4);
    if (!data.ids.empty())
        std::memcpy(data.ids.data(), p + kTokenDataHeaderSize, data.ids.size() * 4);
    const Status idsOk = checkIds(data, name);
    if (!idsOk)
        return R::failure(idsOk.error());
    return data;
}

Status writeTokenData(const std::string &path, const std::vector<int32_t> &ids, uint32_t vocabSize)
{
    if (vocabSize == 0)
        return Status::failure(path + ": vocabulary size must be positive");
    std::string bytes;
    bytes.reserve(kTokenDataHeaderSize + 4 * ids.size());
    bytes.append(kTokenDataMagic, 8);
    appendU32(bytes, vocabSize);
    appendU32(bytes, 0);
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || static_cast<uint32_t>(ids[i]) >= vocabSize)
            return Status::failure(path + ": token " + std::to_string(i) + " has id " + std::to_string(ids[i])
                + ", outside the vocabulary of " + std::to_string(vocabSize));
        appendU32(bytes, static_cast<uint32_t>(ids[i]));
    }
    return writeFileAtomic(path, bytes);
}

Result<EncodedText> encodeTextFile(const Tokenizer &tokenizer, const std::string &path, int32_t eosId)
{
    using R = Result<EncodedText>;
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return R::failure(path + ": cannot open: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        return R::failure(path + ": is a directory, expected a text file");
    if (const Status regular = checkRegularFile(path); !regular)
        return R::failure(regular.error());
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return R::failure(path + ": cannot open: " + std::strerror(errno));

    EncodedText out;
    const int32_t unk = tokenizer.unkId();
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') // Windows line ends
            line.pop_back();
        if (line.empty())
            continue;
        const std::vector<int32_t> ids = tokenizer.encode(line);
        for (int32_t id : ids)
            out.unknownTokens += id == unk ? 1 : 0;
        out.ids.insert(out.ids.end(), ids.begin(), ids.end());
        if (eosId >= 0)
            out.ids.push_back(eosId);
        ++out.lines;
    }
    if (in.bad())
        return R::failure(path + ": read failed");
    return out;
}

} // namespace dlm
