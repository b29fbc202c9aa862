#include "core/text/sentencepiece_tokenizer.h"

#include "core/base/message_quote.h"

#include "plugins/sentencepiece/spm_plugin_api.h"
#include "core/base/file_util.h"
#include "core/base/plugin_path.h"

#include <climits>
#include <memory>
#include <mutex>

#include <dlfcn.h>
#include <sys/stat.h>

namespace dlm {

namespace detail {

/** The plugin's entry points, resolved once per process. */
struct SpmApi
{
    std::string path;
    decltype(&dlm_spm_api_version) apiVersion = nullptr;
    decltype(&dlm_spm_load) load = nullptr;
    decltype(&dlm_spm_free) free = nullptr;
    decltype(&dlm_spm_encode) encode = nullptr;
    decltype(&dlm_spm_decode) decode = nullptr;
    decltype(&dlm_spm_id_to_piece) idToPiece = nullptr;
    decltype(&dlm_spm_piece_to_id) pieceToId = nullptr;
    decltype(&dlm_spm_vocab_size) vocabSize = nullptr;
    decltype(&dlm_spm_bos_id) bosId = nullptr;
    decltype(&dlm_spm_eos_id) eosId = nullptr;
    decltype(&dlm_spm_unk_id) unkId = nullptr;
    decltype(&dlm_spm_train) train = nullptr;
};

} // namespace detail

namespace {

using detail::SpmApi;

constexpr int kErrorCapacity = 2048;

// AddressSanitizer refuses RTLD_DEEPBIND (it would bypass its malloc interposition), so sanitizer builds
// load without it; they then rely on RTLD_LOCAL alone, which suffices while LibTorch is not in the process.
// (GCC says so with __SANITIZE_ADDRESS__, clang only through __has_feature.)
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DLM_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(DLM_ADDRESS_SANITIZER)
constexpr int kDlopenFlags = RTLD_NOW | RTLD_LOCAL;
#else
constexpr int kDlopenFlags = RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND;
#endif

std::mutex g_apiMutex;
// Never unloaded: tokenizers and the trainer may be used until exit, and dlclose of a library with
// C++ statics (protobuf's) at exit is a classic source of crashes.
SpmApi *g_api = nullptr;

template <typename Fn>
bool resolve(void *library, const char *name, Fn &target, std::string &missing)
{
    dlerror();
    void *symbol = ::dlsym(library, name);
    if (!symbol) {
        if (!missing.empty())
            missing += ", ";
        missing += name;
        return false;
    }
    target = reinterpret_cast<Fn>(symbol);
    return true;
}

Result<const SpmApi *> loadPluginLocked()
{
    if (g_api)
        return static_cast<const SpmApi *>(g_api);

    const PluginSearch search = findSpmPlugin();
    if (search.found.empty())
        return Result<const SpmApi *>::failure(
            std::string("the sentencepiece plugin ") + kSpmPluginFileName + " was not found; looked at: "
            + describeTried(search) + " (set " + kSpmPluginEnvVar + " to its full path to override)");

    // RTLD_LOCAL keeps sentencepiece's protobuf out of the global namespace and RTLD_DEEPBIND makes the
    // plugin prefer its own copies over LibTorch's protobuf, which the process may already have loaded.
    void *library = ::dlopen(search.found.c_str(), kDlopenFlags);
    if (!library) {
        const char *why = dlerror();
        return Result<const SpmApi *>::failure(search.found + ": cannot load the sentencepiece plugin: "
                                               + (why ? why : "unknown dlopen error"));
    }

    auto api = std::make_unique<SpmApi>();
    api->path = search.found;
    std::string missing;
    resolve(library, "dlm_spm_api_version", api->apiVersion, missing);
    resolve(library, "dlm_spm_load", api->load, missing);
    resolve(library, "dlm_spm_free", api->free, missing);
    resolve(library, "dlm_spm_encode", api->encode, missing);
    resolve(library, "dlm_spm_decode", api->decode, missing);
    resolve(library, "dlm_spm_id_to_piece", api->idToPiece, missing);
    resolve(library, "dlm_spm_piece_to_id", api->pieceToId, missing);
    resolve(library, "dlm_spm_vocab_size", api->vocabSize, missing);
    resolve(library, "dlm_spm_bos_id", api->bosId, missing);
    resolve(library, "dlm_spm_eos_id", api->eosId, missing);
    resolve(library, "dlm_spm_unk_id", api->unkId, missing);
    resolve(library, "dlm_spm_train", api->train, missing);
    if (!missing.empty()) {
        ::dlclose(library);
        return Result<const SpmApi *>::failure(search.found + ": the sentencepiece plugin lacks the symbols "
                                               + missing + " (built from another version?)");
    }
    const int version = api->apiVersion();
    if (version != DLM_SPM_API_VERSION) {
        ::dlclose(library);
        return Result<const SpmApi *>::failure(search.found + ": the sentencepiece plugin has API version "
                                               + std::to_string(version) + ", this program needs "
                                               + std::to_string(DLM_SPM_API_VERSION));
    }
    g_api = api.release();
    return static_cast<const SpmApi *>(g_api);
}

// A failed load is not remembered, so a plugin installed (or an override set) later is still picked up.
Result<const SpmApi *> loadPlugin()
{
    std::lock_guard<std::mutex> lock(g_apiMutex);
    return loadPluginLocked();
}

} // namespace

Result<std::shared_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::load(const std::string &modelPath)
{
    using R = Result<std::shared_ptr<SentencePieceTokenizer>>;
    if (!fileExists(modelPath))
        return R::failure(modelPath + ": tokenizer file not found");
    // sentencepiece opens and reads the whole file itself: a FIFO would block it, a huge file fill memory.
    if (const Status regular = checkRegularFile(modelPath); !regular)
        return R::failure(regular.error());
    struct stat st
    {
    };
    constexpr off_t kMaxModelBytes = off_t(256) << 20; // real models are a few MB
    if (::stat(modelPath.c_str(), &st) == 0 && st.st_size > kMaxModelBytes)
        return R::failure(modelPath + ": file is " + std::to_string(st.st_size) + " bytes, more than the "
            + std::to_string(kMaxModelBytes) + "-byte limit for sentencepiece models");

    auto api = loadPlugin();
    if (!api)
        return R::failure(modelPath + ": cannot load the tokenizer: " + api.error());

    char err[kErrorCapacity] = {};
    dlm_spm *handle = (*api)->load(modelPath.c_str(), err, kErrorCapacity);
    if (!handle) {
        // sentencepiece quotes bytes of the file in its messages (found by fuzz_spm_model).
        const std::string why = err[0] ? messageQuote(err, 400) : std::string("unknown error");
        return R::failure(modelPath + ": not a valid sentencepiece model: " + why);
    }
    return std::shared_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer(*api, handle, modelPath));
}

SentencePieceTokenizer::SentencePieceTokenizer(const SpmApi *api, dlm_spm *handle, std::string path)
    : m_api(api), m_handle(handle), m_path(std::move(path)), m_vocabSize(api->vocabSize(handle)),
      m_bosId(api->bosId(handle)), m_eosId(api->eosId(handle)), m_unkId(api->unkId(handle))
{
}

SentencePieceTokenizer::~SentencePieceTokenizer()
{
    m_api->free(m_handle);
}

std::vector<int32_t> SentencePieceTokenizer::encode(const std::string &text) const
{
    if (text.size() > static_cast<size_t>(INT_MAX / 2))
        return {};
    const int textLen = static_cast<int>(text.size());
    // Each piece covers at least one character, plus possibly a lone word-start piece.
    std::vector<int32_t> ids(text.size() + 4);
    int n = m_api->encode(m_handle, text.data(), textLen, ids.data(), static_cast<int>(ids.size()));
    if (n > static_cast<int>(ids.size())) {
        ids.resize(static_cast<size_t>(n));
        n = m_api->encode(m_handle, text.data(), textLen, ids.data(), n);
    }
    if (n < 0)
        return {};
    ids.resize(static_cast<size_t>(n));
    return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int32_t> &ids) const
{
    if (ids.empty() || ids.size() > static_cast<size_t>(INT_MAX / 64))
        return {};
    const int count = static_cast<int>(ids.size());
    std::string text(ids.size() * 8 + 16, '\0');
    int n = m_api->decode(m_handle, ids.data(), count, text.data(), static_cast<int>(text.size()));
    if (n > static_cast<int>(text.size())) {
        text.resize(static_cast<size_t>(n));
        n = m_api->decode(m_handle, ids.data(), count, text.data(), n);
    }
    if (n < 0)
        return {};
    text.resize(static_cast<size_t>(n));
    return text;
}

std::string SentencePieceTokenizer::piece(int32_t id) const
{
    if (id < 0 || id >= m_vocabSize)
        return {};
    std::string text(64, '\0');
    int n = m_api->idToPiece(m_handle, id, text.data(), static_cast<int>(text.size()));
    if (n > static_cast<int>(text.size())) {
        text.resize(static_cast<size_t>(n));
        n = m_api->idToPiece(m_handle, id, text.data(), n);
    }
    if (n < 0)
        return {};
    text.resize(static_cast<size_t>(n));
    return text;
}

int32_t SentencePieceTokenizer::pieceToId(const std::string &piece) const
{
    // The C API takes NUL-terminated strings; a piece with an embedded NUL cannot be in the vocabulary.
    if (piece.empty() || piece.find('\0') != std::string::npos)
        return -1;
    return m_api->pieceToId(m_handle, piece.c_str());
}

int SentencePieceTokenizer::vocabSize() const
{
    return m_vocabSize;
}

int32_t SentencePieceTokenizer::bosId() const
{
    return m_bosId;
}

int32_t SentencePieceTokenizer::eosId() const
{
    return m_eosId;
}

bool SentencePieceTokenizer::isSpecial(int32_t id) const
{
    return id >= 0 && (id == m_bosId || id == m_eosId);
}

int32_t SentencePieceTokenizer::unkId() const
{
    return m_unkId;
}

std::string SentencePieceTokenizer::sourcePath() const
{
    return m_path;
}

Status trainSentencePiece(const std::string &args)
{
    auto api = loadPlugin();
    if (!api)
        return Status::failure("cannot train a sentencepiece model: " + api.error());
    char err[kErrorCapacity] = {};
    if ((*api)->train(args.c_str(), err, kErrorCapacity) != 0) {
        const std::string why = err[0] ? std::string(err) : std::string("unknown error");
        return Status::failure("sentencepiece training failed: " + why);
    }
    return {};
}

std::string loadedSpmPluginPath()
{
    std::lock_guard<std::mutex> lock(g_apiMutex);
    return g_api ? g_api->path : std::string();
}

} // namespace dlm
