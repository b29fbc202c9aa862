// WeightStore: the weights of a model directory, from one safetensors file or the shards an index lists.
#include "core/model/safetensors.h"

#include "core/base/file_util.h"
#include "core/base/json_reader.h"
#include "core/model/load_progress.h"

#include <map>

namespace dlm {

namespace {

const char *const kIndexFileName = "model.safetensors.index.json";
const char *const kSingleFileName = "model.safetensors";
constexpr size_t kChunk = size_t(16) << 20;

/** Shard names come from a file the user downloaded: never let them point outside the model directory. */
bool isPlainFileName(const std::string &name)
{
    return !name.empty() && name.find('/') == std::string::npos && name.find('\\') == std::string::npos
        && name.find("..") == std::string::npos && name != ".";
}

} // namespace

Result<std::map<std::string, std::string>> parseShardIndex(const std::string &text, const std::string &indexPath)
{
    using R = Result<std::map<std::string, std::string>>;
    const Result<Json> index = parseJson(text, indexPath);
    if (!index)
        return R::failure(index.error());
    JsonReader reader(indexPath);
    const std::string mapPath = JsonReader::child(JsonReader::root(), "weight_map");
    const Json *map = nullptr;
    if (!reader.expectObject(*index, JsonReader::root())
        || !(map = reader.member(*index, JsonReader::root(), "weight_map", Need::Required))
        || !reader.expectObject(*map, mapPath))
        return R::failure(reader.error());
    if (map->empty())
        return R::failure(indexPath + ": " + mapPath + ": is empty, expected tensor names mapped to shard files");

    std::map<std::string, std::string> weightMap;
    for (auto it = map->begin(); it != map->end(); ++it) {
        const std::string at = JsonReader::child(mapPath, it.key());
        std::string shard;
        if (!reader.toString(*it, at, &shard))
            return R::failure(reader.error());
        if (!isPlainFileName(shard))
            return R::failure(
                indexPath + ": " + at + ": shard name '" + shard + "' must be a plain file name (no '/' or '..')");
        weightMap.emplace(it.key(), shard);
    }
    return weightMap;
}

Result<std::shared_ptr<WeightStore>> WeightStore::openDirectory(const std::string &dir, LoadReporter *reporter)
{
    using R = Result<std::shared_ptr<WeightStore>>;
    auto store = std::make_shared<WeightStore>();
    const std::string indexPath = joinPath(dir, kIndexFileName);
    const std::string singlePath = joinPath(dir, kSingleFileName);

    if (!fileExists(indexPath)) {
        if (!fileExists(singlePath))
            return R::failure(dir + ": no model weights found: expected " + kSingleFileName + " or " + kIndexFileName);
        if (reporter && !reporter->report(LoadStage::Mapping, 0, 1, "files", kSingleFileName))
            return R::failure(kLoadCancelled);
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
    const Result<std::map<std::string, std::string>> weightMap = parseShardIndex(*text, indexPath);
    if (!weightMap)
        return R::failure(weightMap.error());
    const std::string mapPath = JsonReader::child(JsonReader::root(), "weight_map");
    std::map<std::string, std::string> firstEntry; // shard -> path of the first entry naming it, for messages
    for (const auto &[tensor, shard] : *weightMap)
        firstEntry.emplace(shard, JsonReader::child(mapPath, tensor));

    size_t mapped = 0;
    for (const auto &[shard, at] : firstEntry) {
        if (reporter && !reporter->report(LoadStage::Mapping, mapped++, firstEntry.size(), "files", shard))
            return R::failure(kLoadCancelled);
        const std::string shardPath = joinPath(dir, shard);
        if (!fileExists(shardPath))
            return R::failure(indexPath + ": " + at + ": shard '" + shard + "' is missing from " + dir);
        Result<std::shared_ptr<SafetensorsFile>> file = SafetensorsFile::open(shardPath);
        if (!file)
            return R::failure(file.error());
        for (const auto &tensor : (*file)->tensors()) {
            const auto inserted = store->m_tensors.insert(tensor);
            if (!inserted.second)
                return R::failure(indexPath + ": " + mapPath + ": tensor '" + tensor.first + "' appears in both shard '"
                    + baseName(inserted.first->second.file) + "' and shard '" + shard + "'");
        }
        store->m_files.push_back(*file);
    }

    for (const auto &[tensor, shard] : *weightMap) {
        const auto found = store->m_tensors.find(tensor);
        if (found == store->m_tensors.end() || baseName(found->second.file) != shard)
            return R::failure(indexPath + ": " + JsonReader::child(mapPath, tensor) + ": shard '" + shard
                + "' does not contain this tensor");
    }
    return store;
}

Status WeightStore::readAhead(ReadAhead mode, LoadReporter &reporter, ReadAheadCounts *counts) const
{
    const uint64_t total = mappedBytes();
    uint64_t before = 0;
    if (!reporter.report(LoadStage::ReadAhead, 0, total, "bytes"))
        return Status::stoppedOnRequest();
    for (const auto &file : m_files) {
        const std::string name = baseName(file->path());
        const auto advance
            = [&](uint64_t done) { return reporter.report(LoadStage::ReadAhead, before + done, total, "bytes", name); };
        // 16 MB chunks: at a slow disk's 200 MB/s a cancel still waits under 100 ms.
        const Status s = readAheadMapping(file->mappedData(), file->mappedSize(), mode, advance, counts, kChunk);
        if (!s)
            return s.stopped() ? s : Status::failure(file->path() + ": " + s.error());
        before += file->mappedSize();
    }
    return {};
}

uint64_t WeightStore::mappedBytes() const
{
    uint64_t total = 0;
    for (const auto &file : m_files)
        total += file->mappedData() ? file->mappedSize() : 0;
    return total;
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

} // namespace dlm
