#include "core/train/train_files.h"

#include "core/base/file_util.h"

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
    const nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != "dlmstudio-train-state")
        return R::failure(path + ": not a DLM Studio train state file");
    if (j.value("version", 0) != 1)
        return R::failure(path + ": unsupported train state version " + j.value("version", nlohmann::json()).dump());
    TrainState s;
    try {
        s.step = j.at("step").get<int64_t>();
        s.trainTokens = j.at("train_tokens").get<int64_t>();
        s.trainFingerprint = j.at("train_fingerprint").get<std::string>();
        s.elapsedSeconds = j.value("elapsed_s", 0.0);
        s.lossEma = j.value("loss_ema", 0.0);
        s.lossEmaWeight = j.value("loss_ema_weight", 0.0);
    } catch (const nlohmann::json::exception &) {
        return R::failure(path + ": missing or malformed step, train_tokens or train_fingerprint");
    }
    if (!j.contains("config"))
        return R::failure(path + ": missing field 'config'");
    auto config = trainConfigFromJson(j["config"].dump(), path + " (config)");
    if (!config)
        return R::failure(config.error());
    s.config = *config;
    if (s.step < 0)
        return R::failure(path + ": negative step " + std::to_string(s.step));
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
