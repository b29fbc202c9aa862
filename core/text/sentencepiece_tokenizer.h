#pragma once
// The sentencepiece tokenizer (tokenizer.model). libsentencepiece carries its own protobuf, which clashes
// with LibTorch's, so it lives in a plugin (libdlm_spm_plugin.so) that this class loads on first use with
// dlopen(RTLD_LOCAL | RTLD_DEEPBIND) and drives through the plain C API of spm_plugin_api.h.

#include "core/text/tokenizer.h"

struct dlm_spm;

namespace dlm {

namespace detail {
struct SpmApi;
}

/**
 * A sentencepiece model loaded through the plugin. Pieces are returned as sentencepiece spells them, with
 * "▁" (U+2581) for a word start and "<0x0A>" style byte pieces; pieceText() (piece_text.h) converts them
 * for views. Ids outside the vocabulary decode to nothing and have an empty piece.
 */
class SentencePieceTokenizer : public Tokenizer
{
public:
    /** Loads `modelPath` (a tokenizer.model file); the message names the file or the plugin paths tried. */
    static Result<std::shared_ptr<SentencePieceTokenizer>> load(const std::string &modelPath);

    ~SentencePieceTokenizer() override;
    SentencePieceTokenizer(const SentencePieceTokenizer &) = delete;
    SentencePieceTokenizer &operator=(const SentencePieceTokenizer &) = delete;

    std::vector<int32_t> encode(const std::string &text) const override;
    std::string decode(const std::vector<int32_t> &ids) const override;
    std::string piece(int32_t id) const override;
    int32_t pieceToId(const std::string &piece) const override;
    int vocabSize() const override;
    int32_t bosId() const override;
    int32_t eosId() const override;
    /** bos and eos: sentencepiece's control pieces (user-defined pieces such as the mask are text to it). */
    bool isSpecial(int32_t id) const override;
    int32_t unkId() const override;
    std::string sourcePath() const override;

private:
    SentencePieceTokenizer(const detail::SpmApi *api, dlm_spm *handle, std::string path);

    const detail::SpmApi *m_api;
    dlm_spm *m_handle;
    std::string m_path;
    // Cached because they never change and views ask for them per token.
    int m_vocabSize;
    int32_t m_bosId;
    int32_t m_eosId;
    int32_t m_unkId;
};

/**
 * Runs sentencepiece's trainer through the plugin with spm_train style arguments
 * ("--input=corpus.txt --model_prefix=dir/tokenizer --vocab_size=200 ...").
 */
Status trainSentencePiece(const std::string &args);

/** Path of the sentencepiece plugin if this process has loaded it, else empty. */
std::string loadedSpmPluginPath();

} // namespace dlm
