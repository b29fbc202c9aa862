#include "core/train/train_files.h"

#include "core/base/file_util.h"
#include "core/base/json_reader.h"
#include "core/train/train_config_json.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace dlm {

namespace fs = std::filesystem;

std::string trainStateToJson(const TrainState &s)
{
    nlohmann::ordered_json j;
    j["format"] = "dlmstudio-train-state";
    j["version"] = 1;
    j["step"] = s.step;
    j["train_tokens"] = s.trainTokens;
    j["train_fingerprint"] = s.trainFingerprint;
    j["elapsed_s"] = s.elapsedSeconds;
    j["loss_ema"] = s.lossEma;
    j["loss_ema_weight"] = s.lossEmaWeight;
    // Batches and masks are pure functions of (seed, step): there is no generator state to store.
    j["rng"] = {{"kind", "counter"}, {"seed", s.config.seed}};
    j["config"] = nlohmann::ordered_json::parse(trainConfigToJson(s.config));
    return j.dump(2) + "\n";
}

Result<TrainState> readTrainState(const std::string &path)
{
    using R = Result<TrainState>;
    auto text = readTextFile(path, 16u << 20);
    if (!text)
        return R::failure(text.error());
    const Result<Json> parsed = parseJson(*text, path);
    if (!parsed)
        return R::failure(parsed.error());
    const Json &j = *parsed;
    const std::string top = JsonReader::root();
    JsonReader r(path);
    std::string format;
    if (!r.expectObject(j, top) || !r.readString(j, top, "format", &format, Need::Required))
        return R::failure(r.error());
    if (format != "dlmstudio-train-state")
        return R::failure(path + ": $.format: not a DLM Studio train state file (got \"" + format + "\")");
    int version = 0;
    if (!r.readInt(j, top, "version", &version, Need::Required))
        return R::failure(r.error());
    if (version != 1)
        return R::failure(path + ": $.version: unsupported train state version " + std::to_string(version));
    TrainState s;
    const Json *config = nullptr;
    if (!r.readInt(j, top, "step", &s.step, Need::Required, 0)
        || !r.readInt(j, top, "train_tokens", &s.trainTokens, Need::Required)
        || !r.readString(j, top, "train_fingerprint", &s.trainFingerprint, Need::Required)
        || !r.readNumber(j, top, "elapsed_s", &s.elapsedSeconds) || !r.readNumber(j, top, "loss_ema", &s.lossEma)
        || !r.readNumber(j, top, "loss_ema_weight", &s.lossEmaWeight)
        || !(config = r.member(j, top, "config", Need::Required))
        || !readTrainConfigJson(*config, JsonReader::child(top, "config"), r, &s.config))
        return R::failure(r.error());
    return s;
}

std::string fingerprintTokens(const std::vector<int32_t> &ids)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int32_t id : ids) {
        auto v = static_cast<uint32_t>(id);
        for (int i = 0; i < 4; ++i, v >>= 8) {
            h ^= v & 0xff;
            h *= 0x100000001b3ull;
        }
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

Result<std::string> makeTempDirectory(const std::string &finalDir)
{
    std::string tmpl = finalDir + ".tmp-XXXXXX";
    if (!::mkdtemp(tmpl.data()))
        return Result<std::string>::failure(
            finalDir + ": cannot create a temporary directory beside it: " + std::strerror(errno));
    return tmpl;
}

Status replaceDirectory(const std::string &tmpDir, const std::string &finalDir)
{
    std::error_code ec;
    if (!fs::exists(finalDir, ec)) {
        if (::rename(tmpDir.c_str(), finalDir.c_str()) != 0)
            return Status::failure(finalDir + ": cannot move the new directory into place: " + std::strerror(errno));
        return {};
    }
    if (::renameat2(AT_FDCWD, tmpDir.c_str(), AT_FDCWD, finalDir.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(tmpDir, ec); // now holds the previous contents
        return {};
    }
    // No exchange on this file system: two renames, with a window that recoverDirectory() repairs.
    const std::string old = finalDir + ".old";
    fs::remove_all(old, ec);
    if (::rename(finalDir.c_str(), old.c_str()) != 0)
        return Status::failure(finalDir + ": cannot move the previous directory aside: " + std::strerror(errno));
    if (::rename(tmpDir.c_str(), finalDir.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::rename(old.c_str(), finalDir.c_str());
        return Status::failure(finalDir + ": cannot move the new directory into place: " + why);
    }
    fs::remove_all(old, ec);
    return {};
}

void recoverDirectory(const std::string &finalDir)
{
    std::error_code ec;
    const std::string old = finalDir + ".old";
    if (!fs::exists(finalDir, ec) && fs::exists(old, ec))
        ::rename(old.c_str(), finalDir.c_str());
    // Temporary siblings are leftovers of a write that died before its rename; they are never read.
    const fs::path parent = fs::path(finalDir).parent_path().empty() ? fs::path(".") : fs::path(finalDir).parent_path();
    const std::string prefix = fs::path(finalDir).filename().string() + ".tmp-";
    for (const auto &entry : fs::directory_iterator(parent, ec)) {
        if (entry.path().filename().string().rfind(prefix, 0) == 0)
            fs::remove_all(entry.path(), ec);
    }
}

namespace {

const char *const kLogHeader = "step,loss,lr,grad_norm,tokens_per_s,elapsed_s,val_loss";

} // namespace

Status TrainLog::open(const std::string &path, int64_t keepUpToStep)
{
    m_path = path;
    std::string kept = std::string(kLogHeader) + "\n";
    if (keepUpToStep >= 0 && fileExists(path)) {
        auto text = readTextFile(path, size_t(1) << 34);
        if (!text)
            return Status::failure(text.error());
        std::istringstream in(*text);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            const long long step = std::atoll(line.c_str());
            if (step >= 1 && step <= keepUpToStep)
                kept += line + "\n";
        }
    }
    const Status written = writeFileAtomic(path, kept);
    if (!written)
        return written;
    m_out.open(path, std::ios::app);
    if (!m_out)
        return Status::failure(path + ": cannot open for appending: " + std::strerror(errno));
    return {};
}

Status TrainLog::append(const TrainLogRow &r)
{
    char buf[256];
    std::snprintf(buf, sizeof buf, "%lld,%.6f,%.6g,%.6g,%.1f,%.3f,", static_cast<long long>(r.step), r.loss, r.lr,
        r.gradNorm, r.tokensPerSecond, r.elapsedSeconds);
    m_out << buf;
    if (r.hasValLoss) {
        std::snprintf(buf, sizeof buf, "%.6f", r.valLoss);
        m_out << buf;
    }
    m_out << '\n';
    m_out.flush();
    if (!m_out)
        return Status::failure(m_path + ": write failed (disk full?)");
    return {};
}

} // namespace dlm
