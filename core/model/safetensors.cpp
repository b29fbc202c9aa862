#include "core/model/safetensors.h"

#include "core/base/file_util.h"
#include "core/base/json_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dlm {

namespace {

// A real 8B checkpoint's header is a few hundred kilobytes; anything near this limit is garbage or hostile.
constexpr uint64_t kMaxHeaderBytes = 100u << 20;

std::optional<TensorDType> parseDType(const std::string &name)
{
    for (TensorDType t : {TensorDType::F32, TensorDType::F16, TensorDType::BF16, TensorDType::I64, TensorDType::I32})
        if (name == tensorDTypeName(t))
            return t;
    return std::nullopt;
}

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

std::string offsetsText(uint64_t begin, uint64_t end)
{
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

/** Byte size of a shape, or nothing when the product overflows 64 bits. */
std::optional<uint64_t> byteSizeOf(const std::vector<uint64_t> &shape, size_t elementSize)
{
    uint64_t bytes = elementSize;
    for (uint64_t dim : shape)
        if (__builtin_mul_overflow(bytes, dim, &bytes))
            return std::nullopt;
    return bytes;
}

struct Entry
{
    std::string name;
    TensorDType dtype;
    std::vector<int64_t> shape;
    uint64_t begin;
    uint64_t end;
};

/** Checks one header entry against the data region; false after reporting the problem to `r`. */
bool parseEntry(JsonReader &r, const std::string &name, const Json &value, uint64_t dataSize, Entry &out)
{
    const std::string at = JsonReader::child(JsonReader::root(), name);
    std::string dtypeName;
    const Json *shape = nullptr;
    const Json *offsets = nullptr;
    if (!r.expectObject(value, at) || !r.readString(value, at, "dtype", &dtypeName, Need::Required)
        || !(shape = r.member(value, at, "shape", Need::Required)) || !r.expectArray(*shape, at + ".shape")
        || !(offsets = r.member(value, at, "data_offsets", Need::Required))
        || !r.expectArray(*offsets, at + ".data_offsets"))
        return false;
    const std::optional<TensorDType> dtype = parseDType(dtypeName);
    if (!dtype)
        return r.fail(at + ".dtype",
            "unsupported dtype " + JsonReader::quote(value["dtype"]) + " (expected F32, F16, BF16, I64 or I32)");
    std::vector<uint64_t> dims;
    for (size_t i = 0; i < shape->size(); ++i) {
        int64_t dim = 0;
        if (!r.toInt((*shape)[i], JsonReader::child(at + ".shape", i), 0, INT64_MAX, &dim))
            return false;
        dims.push_back(uint64_t(dim));
    }
    if (offsets->size() != 2)
        return r.fail(
            at + ".data_offsets", "expected [begin, end], got an array of " + std::to_string(offsets->size()));
    uint64_t begin = 0, end = 0;
    if (!r.toUInt64((*offsets)[0], at + ".data_offsets[0]", &begin)
        || !r.toUInt64((*offsets)[1], at + ".data_offsets[1]", &end))
        return false;
    if (end < begin)
        return r.fail(at + ".data_offsets", offsetsText(begin, end) + " ends before it begins");
    if (end > dataSize)
        return r.fail(at + ".data_offsets",
            offsetsText(begin, end) + " lies outside the " + std::to_string(dataSize) + "-byte data region");

    out.name = name;
    out.dtype = *dtype;
    out.shape.assign(dims.begin(), dims.end());
    out.begin = begin;
    out.end = end;
    const std::optional<uint64_t> bytes = byteSizeOf(dims, tensorDTypeSize(*dtype));
    if (!bytes || *bytes != end - begin)
        return r.fail(at,
            "shape " + shapeText(out.shape) + " of " + tensorDTypeName(*dtype) + " needs "
                + (bytes ? std::to_string(*bytes) : std::string("more than 2^64")) + " bytes, but data_offsets "
                + offsetsText(begin, end) + " span " + std::to_string(end - begin) + " bytes");
    return true;
}

/** A file's bytes, mapped read-only; at least the 8 bytes of the header length. */
struct Mapping
{
    void *data = nullptr;
    uint64_t size = 0;
};

Result<Mapping> mapFile(const std::string &path)
{
    using R = Result<Mapping>;
    const Result<int> opened = openRegularFile(path); // a FIFO or device is refused without blocking
    if (!opened)
        return R::failure(opened.error());
    const int fd = *opened;
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return R::failure(path + ": cannot stat: " + std::strerror(errno));
    }
    const uint64_t fileSize = uint64_t(st.st_size);
    if (fileSize == 0) {
        ::close(fd);
        return R::failure(path + ": file is empty, expected an 8-byte header length and a JSON header");
    }
    if (fileSize < 8) {
        ::close(fd);
        return R::failure(
            path + ": file is " + std::to_string(fileSize) + " bytes, too short to hold the 8-byte header length");
    }
    // MAP_PRIVATE + PROT_READ: weights are shared with the page cache and never written back.
    void *map = ::mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
    const int mapError = errno;
    ::close(fd);
    if (map == MAP_FAILED)
        return R::failure(path + ": cannot memory-map: " + std::strerror(mapError));
    return Mapping {map, fileSize};
}

/** The header's tensor entries (each checked against the data region) and its string metadata. */
Status readHeader(const Json &header, const std::string &path, uint64_t dataSize,
    std::map<std::string, std::string> &metadata, std::vector<Entry> &entries)
{
    JsonReader reader(path);
    if (!reader.expectObject(header, JsonReader::root()))
        return Status::failure(reader.error());
    // An 8B checkpoint has ~300 tensors and a large mixture of experts some tens of thousands; a header of
    // millions of tiny entries would cost far more memory in the tables built from it than on disk.
    constexpr size_t kMaxTensors = size_t(1) << 18;
    if (header.size() > kMaxTensors)
        return Status::failure(path + ": header lists " + std::to_string(header.size())
            + " tensors, more than the limit of " + std::to_string(kMaxTensors));
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string at = JsonReader::child(JsonReader::root(), it.key());
        if (it.key() == "__metadata__") {
            if (!reader.expectObject(*it, at))
                return Status::failure(reader.error());
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!reader.toString(*m, JsonReader::child(at, m.key()), &metadata[m.key()]))
                    return Status::failure(reader.error());
            }
            continue;
        }
        Entry entry;
        if (!parseEntry(reader, it.key(), *it, dataSize, entry))
            return Status::failure(reader.error());
        entries.push_back(std::move(entry));
    }
    return {};
}

/** Sorts the entries by offset and refuses two that share bytes; empty tensors occupy none and overlap nothing. */
Status checkDisjoint(const std::string &path, std::vector<Entry> &entries)
{
    std::sort(entries.begin(), entries.end(),
        [](const Entry &a, const Entry &b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
    const Entry *furthest = nullptr;
    for (const Entry &e : entries) {
        if (e.begin == e.end)
            continue;
        if (furthest && e.begin < furthest->end)
            return Status::failure(path + ": tensors '" + furthest->name + "' "
                + offsetsText(furthest->begin, furthest->end) + " and '" + e.name + "' " + offsetsText(e.begin, e.end)
                + " overlap in the data region");
        if (!furthest || e.end > furthest->end)
            furthest = &e;
    }
    return {};
}

} // namespace

const char *tensorDTypeName(TensorDType dtype)
{
    switch (dtype) {
    case TensorDType::F32:
        return "F32";
    case TensorDType::F16:
        return "F16";
    case TensorDType::BF16:
        return "BF16";
    case TensorDType::I64:
        return "I64";
    case TensorDType::I32:
        return "I32";
    }
    return "?";
}

size_t tensorDTypeSize(TensorDType dtype)
{
    switch (dtype) {
    case TensorDType::F32:
        return 4;
    case TensorDType::F16:
        return 2;
    case TensorDType::BF16:
        return 2;
    case TensorDType::I64:
        return 8;
    case TensorDType::I32:
        return 4;
    }
    return 1;
}

int64_t TensorView::elementCount() const
{
    int64_t count = 1;
    for (int64_t dim : shape)
        count *= dim;
    return count;
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map)
        ::munmap(m_map, m_mapSize);
}

Result<std::shared_ptr<SafetensorsFile>> SafetensorsFile::open(const std::string &path)
{
    using R = Result<std::shared_ptr<SafetensorsFile>>;
    auto mapped = mapFile(path);
    if (!mapped)
        return R::failure(mapped.error());
    // Owned by the file object from here on, so every failure below unmaps it.
    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile);
    file->m_map = mapped->data;
    file->m_mapSize = mapped->size;
    const Status parsed = file->parse(static_cast<const uint8_t *>(mapped->data), mapped->size, path);
    if (!parsed)
        return R::failure(parsed.error());
    return file;
}

Result<std::shared_ptr<SafetensorsFile>> SafetensorsFile::fromBytes(
    const uint8_t *bytes, size_t size, const std::string &name)
{
    using R = Result<std::shared_ptr<SafetensorsFile>>;
    if (size < 8)
        return R::failure(
            name + ": file is " + std::to_string(size) + " bytes, too short to hold the 8-byte header length");
    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile);
    const Status parsed = file->parse(bytes, size, name);
    if (!parsed)
        return R::failure(parsed.error());
    return file;
}

Status SafetensorsFile::parse(const uint8_t *base, uint64_t fileSize, const std::string &path)
{
    m_path = path;
    uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i)
        headerSize = (headerSize << 8) | base[i];
    if (headerSize > fileSize - 8)
        return Status::failure(path + ": header length " + std::to_string(headerSize) + " is larger than the file ("
            + std::to_string(fileSize) + " bytes)");
    if (headerSize > kMaxHeaderBytes)
        return Status::failure(path + ": header length " + std::to_string(headerSize) + " exceeds the "
            + std::to_string(kMaxHeaderBytes) + "-byte limit");

    const Result<Json> header
        = parseJson(std::string_view(reinterpret_cast<const char *>(base + 8), size_t(headerSize)), path, "header");
    if (!header)
        return Status::failure(header.error());
    const uint64_t dataStart = 8 + headerSize;
    std::vector<Entry> entries;
    Status read = readHeader(*header, path, fileSize - dataStart, m_metadata, entries);
    if (!read)
        return read;
    read = checkDisjoint(path, entries);
    if (!read)
        return read;

    for (const Entry &e : entries) {
        TensorView view;
        view.name = e.name;
        view.dtype = e.dtype;
        view.shape = e.shape;
        view.data = base + dataStart + e.begin;
        view.byteSize = size_t(e.end - e.begin);
        view.file = path;
        m_tensors.emplace(e.name, std::move(view));
    }
    return {};
}

Status writeSafetensors(const std::string &path, const std::vector<TensorToWrite> &tensors,
    const std::map<std::string, std::string> &metadata)
{
    // ordered_json keeps the header in the caller's order, which makes files diffable and reproducible.
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;

    std::set<std::string> names;
    uint64_t offset = 0;
    for (const TensorToWrite &t : tensors) {
        const std::string prefix = path + ": cannot write tensor '" + t.name + "': ";
        if (t.name.empty() || t.name == "__metadata__")
            return Status::failure(prefix + "invalid tensor name");
        if (!names.insert(t.name).second)
            return Status::failure(prefix + "name used twice");
        std::vector<uint64_t> dims;
        for (int64_t dim : t.shape) {
            if (dim < 0)
                return Status::failure(prefix + "shape " + shapeText(t.shape) + " has a negative entry");
            dims.push_back(uint64_t(dim));
        }
        const std::optional<uint64_t> bytes = byteSizeOf(dims, tensorDTypeSize(t.dtype));
        if (!bytes || *bytes != t.bytes.size())
            return Status::failure(prefix + "shape " + shapeText(t.shape) + " of " + tensorDTypeName(t.dtype)
                + " needs " + (bytes ? std::to_string(*bytes) : std::string("too many")) + " bytes, got "
                + std::to_string(t.bytes.size()));
        header[t.name] = {{"dtype", tensorDTypeName(t.dtype)}, {"shape", t.shape},
            {"data_offsets", {offset, offset + t.bytes.size()}}};
        offset += t.bytes.size();
    }

    std::string headerText = header.dump();
    // Padding keeps the data region 8-byte aligned, so mapped F32/I64 tensors can be read in place.
    headerText.append((8 - headerText.size() % 8) % 8, ' ');

    std::string contents;
    contents.reserve(8 + headerText.size() + offset);
    const uint64_t headerSize = headerText.size();
    for (int i = 0; i < 8; ++i)
        contents.push_back(char((headerSize >> (8 * i)) & 0xff));
    contents += headerText;
    for (const TensorToWrite &t : tensors)
        contents.append(reinterpret_cast<const char *>(t.bytes.data()), t.bytes.size());
    return writeFileAtomic(path, contents);
}

} // namespace dlm
