#include "core/model/safetensors.h"

#include "core/base/file_util.h"

#include <nlohmann/json.hpp>

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

using Json = nlohmann::json;

// A real 8B checkpoint's header is a few hundred kilobytes; anything near this limit is garbage or hostile.
constexpr uint64_t kMaxHeaderBytes = 100u << 20;
const char *const kIndexFileName = "model.safetensors.index.json";
const char *const kSingleFileName = "model.safetensors";

std::optional<TensorDType> parseDType(const std::string &name)
{
    for (TensorDType t : {TensorDType::F32, TensorDType::F16, TensorDType::BF16, TensorDType::I64, TensorDType::I32})
        if (name == tensorDTypeName(t))
            return t;
    return std::nullopt;
}

/** A non-negative JSON integer; floats, negatives and everything else give nothing. */
std::optional<uint64_t> asUnsigned(const Json &value)
{
    if (value.is_number_unsigned())
        return value.get<uint64_t>();
    if (value.is_number_integer() && value.get<int64_t>() >= 0)
        return uint64_t(value.get<int64_t>());
    return std::nullopt;
}

std::string describe(const Json &value)
{
    std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > 80)
        text = text.substr(0, 77) + "...";
    return text;
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

std::string withoutExceptionPrefix(const std::string &what)
{
    if (!what.empty() && what.front() == '[') {
        const size_t close = what.find("] ");
        if (close != std::string::npos)
            return what.substr(close + 2);
    }
    return what;
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

/** Checks one header entry against the data region; returns the problem, or an empty string. */
std::string parseEntry(const std::string &name, const Json &value, uint64_t dataSize, Entry &out)
{
    const std::string t = "tensor '" + name + "'";
    if (!value.is_object())
        return t + " must be a JSON object, got " + describe(value);

    const auto dtypeIt = value.find("dtype");
    if (dtypeIt == value.end() || !dtypeIt->is_string())
        return t + " has no \"dtype\" string";
    const std::optional<TensorDType> dtype = parseDType(dtypeIt->get<std::string>());
    if (!dtype)
        return t + " has unsupported dtype " + describe(*dtypeIt) + " (expected F32, F16, BF16, I64 or I32)";

    const auto shapeIt = value.find("shape");
    if (shapeIt == value.end() || !shapeIt->is_array())
        return t + " has no \"shape\" array";
    std::vector<uint64_t> dims;
    for (const Json &dim : *shapeIt) {
        const std::optional<uint64_t> v = asUnsigned(dim);
        if (!v || *v > uint64_t(INT64_MAX))
            return t + " has shape " + describe(*shapeIt) + ": entries must be non-negative integers";
        dims.push_back(*v);
    }

    const auto offsetsIt = value.find("data_offsets");
    if (offsetsIt == value.end() || !offsetsIt->is_array() || offsetsIt->size() != 2 || !asUnsigned((*offsetsIt)[0])
        || !asUnsigned((*offsetsIt)[1]))
        return t + " has data_offsets "
            + (offsetsIt == value.end() ? std::string("missing") : describe(*offsetsIt))
            + ": expected [begin, end] with non-negative integers";
    const uint64_t begin = *asUnsigned((*offsetsIt)[0]);
    const uint64_t end = *asUnsigned((*offsetsIt)[1]);
    if (end < begin)
        return t + " has data_offsets " + offsetsText(begin, end) + " with end before begin";
    if (end > dataSize)
        return t + " has data_offsets " + offsetsText(begin, end) + " outside the " + std::to_string(dataSize)
            + "-byte data region";

    out.name = name;
    out.dtype = *dtype;
    out.shape.assign(dims.begin(), dims.end());
    out.begin = begin;
    out.end = end;
    const std::optional<uint64_t> bytes = byteSizeOf(dims, tensorDTypeSize(*dtype));
    if (!bytes || *bytes != end - begin)
        return t + " has shape " + shapeText(out.shape) + " of " + tensorDTypeName(*dtype) + ", which needs "
            + (bytes ? std::to_string(*bytes) : std::string("more than 2^64")) + " bytes, but data_offsets "
            + offsetsText(begin, end) + " span " + std::to_string(end - begin) + " bytes";
    return {};
}

/** Shard names come from a file the user downloaded: never let them point outside the model directory. */
bool isPlainFileName(const std::string &name)
{
    return !name.empty() && name.find('/') == std::string::npos && name.find('\\') == std::string::npos
        && name.find("..") == std::string::npos && name != ".";
}

} // namespace

const char *tensorDTypeName(TensorDType dtype)
{
    switch (dtype) {
    case TensorDType::F32: return "F32";
    case TensorDType::F16: return "F16";
    case TensorDType::BF16: return "BF16";
    case TensorDType::I64: return "I64";
    case TensorDType::I32: return "I32";
    }
    return "?";
}

size_t tensorDTypeSize(TensorDType dtype)
{
    switch (dtype) {
    case TensorDType::F32: return 4;
    case TensorDType::F16: return 2;
    case TensorDType::BF16: return 2;
    case TensorDType::I64: return 8;
    case TensorDType::I32: return 4;
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
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return R::failure(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return R::failure(path + ": not a regular file");
    }
    const uint64_t fileSize = uint64_t(st.st_size);
    if (fileSize == 0) {
        ::close(fd);
        return R::failure(path + ": file is empty, expected an 8-byte header length and a JSON header");
    }
    if (fileSize < 8) {
        ::close(fd);
        return R::failure(path + ": file is " + std::to_string(fileSize)
                          + " bytes, too short to hold the 8-byte header length");
    }
    // MAP_PRIVATE + PROT_READ: weights are shared with the page cache and never written back.
    void *map = ::mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
    const int mapError = errno;
    ::close(fd);
    if (map == MAP_FAILED)
        return R::failure(path + ": cannot memory-map: " + std::strerror(mapError));

    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile);
    file->m_path = path;
    file->m_map = map;
    file->m_mapSize = fileSize;
    const uint8_t *base = static_cast<const uint8_t *>(map);

    uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i)
        headerSize = (headerSize << 8) | base[i];
    if (headerSize > fileSize - 8)
        return R::failure(path + ": header length " + std::to_string(headerSize) + " is larger than the file ("
                          + std::to_string(fileSize) + " bytes)");
    if (headerSize > kMaxHeaderBytes)
        return R::failure(path + ": header length " + std::to_string(headerSize) + " exceeds the "
                          + std::to_string(kMaxHeaderBytes) + "-byte limit");

    Json header;
    try {
        header = Json::parse(reinterpret_cast<const char *>(base + 8), reinterpret_cast<const char *>(base + 8 + headerSize));
    } catch (const Json::exception &e) {
        return R::failure(path + ": header is not valid JSON: " + withoutExceptionPrefix(e.what()));
    }
    if (!header.is_object())
        return R::failure(path + ": header must be a JSON object, got " + std::string(header.type_name()));

    const uint64_t dataStart = 8 + headerSize;
    const uint64_t dataSize = fileSize - dataStart;
    std::vector<Entry> entries;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object())
                return R::failure(path + ": __metadata__ must be an object of strings, got " + describe(*it));
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string())
                    return R::failure(path + ": __metadata__ entry '" + m.key() + "' must be a string, got "
                                      + describe(*m));
                file->m_metadata[m.key()] = m->get<std::string>();
            }
            continue;
        }
        Entry entry;
        const std::string problem = parseEntry(it.key(), *it, dataSize, entry);
        if (!problem.empty())
            return R::failure(path + ": " + problem);
        entries.push_back(std::move(entry));
    }

    // Overlap check on the sorted ranges; empty tensors occupy no bytes and cannot overlap anything.
    std::sort(entries.begin(), entries.end(),
              [](const Entry &a, const Entry &b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
    const Entry *furthest = nullptr;
    for (const Entry &e : entries) {
        if (e.begin == e.end)
            continue;
        if (furthest && e.begin < furthest->end)
            return R::failure(path + ": tensors '" + furthest->name + "' " + offsetsText(furthest->begin, furthest->end)
                              + " and '" + e.name + "' " + offsetsText(e.begin, e.end) + " overlap in the data region");
        if (!furthest || e.end > furthest->end)
            furthest = &e;
    }

    for (const Entry &e : entries) {
        TensorView view;
        view.name = e.name;
        view.dtype = e.dtype;
        view.shape = e.shape;
        view.data = base + dataStart + e.begin;
        view.byteSize = size_t(e.end - e.begin);
        view.file = path;
        file->m_tensors.emplace(e.name, std::move(view));
    }
    return file;
}

Result<std::shared_ptr<WeightStore>> WeightStore::openDirectory(const std::string &dir)
{
    using R = Result<std::shared_ptr<WeightStore>>;
    auto store = std::make_shared<WeightStore>();
    const std::string indexPath = joinPath(dir, kIndexFileName);
    const std::string singlePath = joinPath(dir, kSingleFileName);

    if (!fileExists(indexPath)) {
        if (!fileExists(singlePath))
            return R::failure(dir + ": no model weights found: expected " + kSingleFileName + " or " + kIndexFileName);
        Result<std::shared_ptr<SafetensorsFile>> file = SafetensorsFile::open(singlePath);
        if (!file)
            return R::failure(file.error());
        store->m_tensors = (*file)->tensors();
        store->m_files.push_back(*file);
        return store;
    }

    const Result<std::string> text = readTextFile(indexPath, 64u << 20);
    if (!text)
        return R::failure(text.error());
    Json index;
    try {
        index = Json::parse(*text);
    } catch (const Json::exception &e) {
        return R::failure(indexPath + ": not valid JSON: " + withoutExceptionPrefix(e.what()));
    }
    if (!index.is_object())
        return R::failure(indexPath + ": top level must be a JSON object, got " + std::string(index.type_name()));
    const auto mapIt = index.find("weight_map");
    if (mapIt == index.end() || !mapIt->is_object())
        return R::failure(indexPath + ": field 'weight_map' must be an object mapping tensor names to shard files");
    if (mapIt->empty())
        return R::failure(indexPath + ": 'weight_map' is empty");

    std::set<std::string> shards;
    for (auto it = mapIt->begin(); it != mapIt->end(); ++it) {
        if (!it->is_string())
            return R::failure(indexPath + ": weight_map entry for tensor '" + it.key() + "' must be a file name, got "
                              + describe(*it));
        const std::string shard = it->get<std::string>();
        if (!isPlainFileName(shard))
            return R::failure(indexPath + ": shard name '" + shard + "' for tensor '" + it.key()
                              + "' must be a plain file name (no '/' or '..')");
        shards.insert(shard);
    }

    for (const std::string &shard : shards) {
        const std::string shardPath = joinPath(dir, shard);
        if (!fileExists(shardPath))
            return R::failure(indexPath + ": shard '" + shard + "' listed in weight_map is missing from " + dir);
        Result<std::shared_ptr<SafetensorsFile>> file = SafetensorsFile::open(shardPath);
        if (!file)
            return R::failure(file.error());
        for (const auto &tensor : (*file)->tensors()) {
            const auto inserted = store->m_tensors.insert(tensor);
            if (!inserted.second)
                return R::failure(indexPath + ": tensor '" + tensor.first + "' appears in both shard '"
                                  + baseName(inserted.first->second.file) + "' and shard '" + shard + "'");
        }
        store->m_files.push_back(*file);
    }

    for (auto it = mapIt->begin(); it != mapIt->end(); ++it) {
        const std::string shard = it->get<std::string>();
        const auto found = store->m_tensors.find(it.key());
        if (found == store->m_tensors.end() || baseName(found->second.file) != shard)
            return R::failure(indexPath + ": weight_map puts tensor '" + it.key() + "' in shard '" + shard
                              + "', but that shard does not contain it");
    }
    return store;
}

const TensorView *WeightStore::find(const std::string &name) const
{
    const auto it = m_tensors.find(name);
    return it == m_tensors.end() ? nullptr : &it->second;
}

std::vector<std::string> WeightStore::files() const
{
    std::vector<std::string> paths;
    for (const auto &file : m_files)
        paths.push_back(file->path());
    return paths;
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
                                   + " needs " + (bytes ? std::to_string(*bytes) : std::string("too many"))
                                   + " bytes, got " + std::to_string(t.bytes.size()));
        header[t.name] = {{"dtype", tensorDTypeName(t.dtype)},
                          {"shape", t.shape},
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

float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h & 0x8000) << 16;
    const uint32_t exponent = (h >> 10) & 0x1f;
    uint32_t mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000 | (mantissa << 13); // inf, or NaN with its payload kept
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        // Subnormal half: shift until the leading 1 becomes the implicit bit of a normal float.
        int e = 113;
        while (!(mantissa & 0x400)) {
            mantissa <<= 1;
            --e;
        }
        bits = sign | (uint32_t(e) << 23) | ((mantissa & 0x3ff) << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

float bf16ToFloat(uint16_t b)
{
    const uint32_t bits = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t floatToBf16(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    if ((bits & 0x7fffffff) > 0x7f800000)
        return uint16_t((bits >> 16) | 0x40); // keep NaN a (quiet) NaN even if its payload sat in the low bits
    // Round to nearest even: add just under half an ulp, plus one if the kept part is odd.
    bits += 0x7fff + ((bits >> 16) & 1);
    return uint16_t(bits >> 16);
}

uint16_t floatToHalf(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
    const uint32_t magnitude = bits & 0x7fffffff;

    if (magnitude > 0x7f800000)
        return uint16_t(sign | 0x7e00 | ((magnitude >> 13) & 0x3ff)); // quiet NaN
    if (magnitude >= 0x477ff000)
        return uint16_t(sign | 0x7c00); // inf, or at least 65520, which rounds (to even) past 65504
    if (magnitude >= 0x38800000) {
        // Normal half: rebias the exponent from 127 to 15, then round away the low 13 mantissa bits.
        const uint32_t rebiased = magnitude - 0x38000000;
        uint32_t h = rebiased >> 13;
        const uint32_t rest = rebiased & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
            ++h; // a carry into the exponent is the correct next value
        return uint16_t(sign | h);
    }
    // Subnormal half (units of 2^-24). Below 2^-25 everything rounds to zero; exactly 2^-25 ties to even (0).
    const uint32_t exponent = magnitude >> 23;
    if (exponent < 102)
        return sign;
    const uint32_t mantissa = (magnitude & 0x7fffff) | 0x800000;
    const uint32_t shift = 126 - exponent; // 14..24
    uint32_t h = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rest > half || (rest == half && (h & 1)))
        ++h;
    return uint16_t(sign | h);
}

} // namespace dlm
