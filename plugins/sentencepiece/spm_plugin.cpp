// The sentencepiece plugin: the only code in the project that touches libsentencepiece. Everything that
// crosses the C boundary is a plain C type, and no exception may escape it (an exception unwinding through
// dlopen'ed C frames into the engine would terminate the process).

#include "spm_plugin_api.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

// Exported by libsentencepiece but declared only in its private common.h. sentencepiece logs the training
// command line before it parses --minloglevel, so the level is set first. Weak, so a library without the
// symbol still loads (and merely logs that one line).
namespace sentencepiece::logging {
__attribute__((weak)) void SetMinLogLevel(int level);
}

struct dlm_spm
{
    sentencepiece::SentencePieceProcessor processor;
};

namespace {

void writeError(char *err, int errCap, const std::string &message)
{
    if (!err || errCap <= 0)
        return;
    const size_t n = std::min(message.size(), static_cast<size_t>(errCap - 1));
    std::memcpy(err, message.data(), n);
    err[n] = '\0';
}

// Copies `bytes` into a caller buffer of `cap` bytes and returns the full length, so a caller whose buffer
// was too small knows how much to ask for. NUL-terminates when there is room, as a convenience for C.
int copyOut(const std::string &bytes, char *out, int cap)
{
    if (out && cap > 0) {
        const size_t n = std::min(bytes.size(), static_cast<size_t>(cap));
        std::memcpy(out, bytes.data(), n);
        if (bytes.size() < static_cast<size_t>(cap))
            out[bytes.size()] = '\0';
    }
    return static_cast<int>(bytes.size());
}

void applyMinLogLevel(const std::string &args)
{
    const std::string flag = "--minloglevel=";
    const size_t at = args.find(flag);
    if (at == std::string::npos || !sentencepiece::logging::SetMinLogLevel)
        return;
    try {
        sentencepiece::logging::SetMinLogLevel(std::stoi(args.substr(at + flag.size())));
    } catch (const std::exception &) {
        // A malformed level is left for the trainer's own flag parser to report.
    }
}

bool validId(const dlm_spm *handle, int32_t id)
{
    return id >= 0 && id < handle->processor.GetPieceSize();
}

} // namespace

extern "C" {

int dlm_spm_api_version(void)
{
    return DLM_SPM_API_VERSION;
}

dlm_spm *dlm_spm_load(const char *path, char *err, int errCap)
{
    if (!path) {
        writeError(err, errCap, "no path given");
        return nullptr;
    }
    try {
        auto handle = std::make_unique<dlm_spm>();
        // A model whose self-test samples fail makes sentencepiece log each failing sample (INFO, and a
        // WARNING from the unigram model) before it returns "Self-test failures. See LOG(INFO)."; the
        // caller's one line says it instead. Errors still show. Level 0 (INFO) is sentencepiece's default,
        // restored so the trainer's own logging is unchanged.
        if (sentencepiece::logging::SetMinLogLevel)
            sentencepiece::logging::SetMinLogLevel(2);
        const auto status = handle->processor.Load(path);
        if (sentencepiece::logging::SetMinLogLevel)
            sentencepiece::logging::SetMinLogLevel(0);
        if (!status.ok()) {
            const std::string message = status.ToString();
            writeError(err, errCap,
                message.find("Self-test failures") != std::string::npos
                    ? "the model fails its own self-test (its self_test_data samples do not encode as recorded): "
                      "the file is damaged or was edited"
                    : message);
            return nullptr;
        }
        if (handle->processor.GetPieceSize() <= 0) {
            writeError(err, errCap, "the model has an empty vocabulary");
            return nullptr;
        }
        return handle.release();
    } catch (const std::exception &e) {
        writeError(err, errCap, std::string("sentencepiece failed: ") + e.what());
    } catch (...) {
        writeError(err, errCap, "sentencepiece failed with an unknown exception");
    }
    return nullptr;
}

void dlm_spm_free(dlm_spm *handle)
{
    try {
        delete handle;
    } catch (...) {
        // Destructors should not throw; if one does, leaking is better than terminating.
    }
}

int dlm_spm_encode(const dlm_spm *handle, const char *text, int textLen, int32_t *ids, int cap)
{
    if (!handle || (!text && textLen > 0) || textLen < 0)
        return -1;
    try {
        std::vector<int> result;
        const auto status = handle->processor.Encode(std::string(text ? text : "", textLen), &result);
        if (!status.ok())
            return -1;
        if (ids && cap > 0) {
            const size_t n = std::min(result.size(), static_cast<size_t>(cap));
            for (size_t i = 0; i < n; ++i)
                ids[i] = static_cast<int32_t>(result[i]);
        }
        return static_cast<int>(result.size());
    } catch (...) {
        return -1;
    }
}

int dlm_spm_decode(const dlm_spm *handle, const int32_t *ids, int count, char *out, int cap)
{
    if (!handle || (!ids && count > 0) || count < 0)
        return -1;
    try {
        // Models may predict ids beyond the tokenizer's vocabulary (embedding tables are often padded);
        // they carry no text, so they are skipped rather than failing the whole decode.
        std::vector<int> valid;
        valid.reserve(count);
        for (int i = 0; i < count; ++i) {
            if (validId(handle, ids[i]))
                valid.push_back(ids[i]);
        }
        std::string text;
        const auto status = handle->processor.Decode(valid, &text);
        if (!status.ok())
            return -1;
        return copyOut(text, out, cap);
    } catch (...) {
        return -1;
    }
}

int dlm_spm_id_to_piece(const dlm_spm *handle, int32_t id, char *out, int cap)
{
    if (!handle)
        return -1;
    try {
        if (!validId(handle, id))
            return copyOut(std::string(), out, cap);
        return copyOut(handle->processor.IdToPiece(id), out, cap);
    } catch (...) {
        return -1;
    }
}

int32_t dlm_spm_piece_to_id(const dlm_spm *handle, const char *piece)
{
    if (!handle || !piece)
        return -1;
    try {
        const int id = handle->processor.PieceToId(piece);
        // sentencepiece answers unk_id for unknown pieces; only the unknown piece itself maps there.
        if (id < 0 || (id == handle->processor.unk_id() && handle->processor.IdToPiece(id) != piece))
            return -1;
        return id;
    } catch (...) {
        return -1;
    }
}

int dlm_spm_vocab_size(const dlm_spm *handle)
{
    if (!handle)
        return 0;
    try {
        return handle->processor.GetPieceSize();
    } catch (...) {
        return 0;
    }
}

int32_t dlm_spm_bos_id(const dlm_spm *handle)
{
    if (!handle)
        return -1;
    try {
        return handle->processor.bos_id();
    } catch (...) {
        return -1;
    }
}

int32_t dlm_spm_eos_id(const dlm_spm *handle)
{
    if (!handle)
        return -1;
    try {
        return handle->processor.eos_id();
    } catch (...) {
        return -1;
    }
}

int32_t dlm_spm_unk_id(const dlm_spm *handle)
{
    if (!handle)
        return -1;
    try {
        return handle->processor.unk_id();
    } catch (...) {
        return -1;
    }
}

int dlm_spm_train(const char *args, char *err, int errCap)
{
    if (!args) {
        writeError(err, errCap, "no training arguments given");
        return 1;
    }
    try {
        applyMinLogLevel(args);
        const auto status = sentencepiece::SentencePieceTrainer::Train(args);
        if (!status.ok()) {
            writeError(err, errCap, status.ToString());
            return 1;
        }
        return 0;
    } catch (const std::exception &e) {
        writeError(err, errCap, std::string("sentencepiece training failed: ") + e.what());
    } catch (...) {
        writeError(err, errCap, "sentencepiece training failed with an unknown exception");
    }
    return 1;
}

} // extern "C"
