// The stages of the Hugging Face tokenizer one by one, on small tokenizer.json files written here, with the
// expected pieces worked out by hand from the tokenizers library's documentation; and bad files, which must
// give one line naming the file and what is wrong.

#include "core/text/hf_decoder.h"
#include "core/text/hf_normalizer.h"
#include "core/text/hf_pre_tokenizer.h"
#include "core/text/hf_tokenizer.h"
#include "core/text/hf_vocab_merges.h"
#include "core/base/utf8.h"

#include <QtTest>

#include <fstream>

using namespace dlm;
using nlohmann::json;

namespace {

using Words = std::vector<std::string>;

Words texts(const std::vector<PreToken> &tokens)
{
    Words out;
    for (const PreToken &t : tokens)
        out.push_back(t.text);
    return out;
}

Words preTokenize(const json &j, std::vector<PreToken> tokens)
{
    makeHfPreTokenizer(j, "pre_tokenizer")(tokens);
    return texts(tokens);
}

/** A small BPE tokenizer: a b c x, their merges ab and abc, <unk>, and whatever `extra` adds. */
json tinyTokenizer(const json &extra = json::object())
{
    json j = {{"model",
                  {{"type", "BPE"},
                      {"vocab", {{"<unk>", 0}, {"a", 1}, {"b", 2}, {"c", 3}, {"ab", 4}, {"abc", 5}, {"<0x78>", 6}}},
                      {"merges", {"a b", {"ab", "c"}}}, {"unk_token", "<unk>"}}},
        {"added_tokens", json::array()}};
    j.merge_patch(extra);
    return j;
}

std::shared_ptr<HfTokenizer> build(const json &j)
{
    auto tok = HfTokenizer::fromJson(j, json(), "tiny.json");
    if (!tok)
        qWarning("%s", tok.error().c_str());
    return tok ? *tok : nullptr;
}

/**
 * A byte-level vocab.json + merges.txt whose merges build "held", "out", "-out" and "123", so GPT-2's and
 * Qwen2's word rules give different ids for "held-out 12345"; `config` is tokenizer_config.json (empty: none).
 */
void writeHeldOutVocab(const QString &dir, const QByteArray &config)
{
    std::ofstream(QDir(dir).filePath(QStringLiteral("vocab.json")).toStdString())
        << R"({"h": 0, "e": 1, "l": 2, "d": 3, "-": 4, "o": 5, "u": 6, "t": 7, "1": 8, "2": 9, "3": 10, "4": 11,)"
           R"( "5": 12, "\u0120": 13, "he": 14, "hel": 15, "held": 16, "ou": 17, "out": 18, "-out": 19, "12": 20,)"
           R"( "123": 21, "<|endoftext|>": 22})";
    std::ofstream(QDir(dir).filePath(QStringLiteral("merges.txt")).toStdString())
        << "#version: 0.2\nh e\nhe l\nhel d\no u\nou t\n- out\n1 2\n12 3\n";
    if (!config.isEmpty())
        std::ofstream(QDir(dir).filePath(QStringLiteral("tokenizer_config.json")).toStdString())
            << config.toStdString();
}

} // namespace

class TestHfTokenizerStages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The tokenizers documentation's example: "the-final--countdown" split on "-".
    void splitBehaviors_data()
    {
        QTest::addColumn<int>("behavior");
        QTest::addColumn<bool>("invert");
        QTest::addColumn<QByteArray>("expected"); // the pieces joined by "|"
        const auto b = [](SplitBehavior x) { return static_cast<int>(x); };
        QTest::newRow("removed") << b(SplitBehavior::Removed) << false << QByteArray("the|final|countdown");
        QTest::newRow("isolated") << b(SplitBehavior::Isolated) << false << QByteArray("the|-|final|-|-|countdown");
        QTest::newRow("merged with previous")
            << b(SplitBehavior::MergedWithPrevious) << false << QByteArray("the-|final-|-|countdown");
        QTest::newRow("merged with next")
            << b(SplitBehavior::MergedWithNext) << false << QByteArray("the|-final|-|-countdown");
        QTest::newRow("contiguous") << b(SplitBehavior::Contiguous) << false << QByteArray("the|-|final|--|countdown");
        QTest::newRow("removed, inverted") << b(SplitBehavior::Removed) << true << QByteArray("-|-|-");
    }
    void splitBehaviors()
    {
        QFETCH(int, behavior);
        QFETCH(bool, invert);
        QFETCH(QByteArray, expected);
        const json j = {{"type", "Split"}, {"pattern", {{"String", "-"}}},
            {"behavior",
                json(std::vector<std::string> {
                    "Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"}[behavior])},
            {"invert", invert}};
        QByteArray got;
        for (const std::string &w : preTokenize(j, {{"the-final--countdown", true}}))
            got += (got.isEmpty() ? "" : "|") + QByteArray::fromStdString(w);
        QCOMPARE(got, expected);
    }

    void metaspacePrependScheme()
    {
        const std::string s = "\xE2\x96\x81"; // ▁
        const std::vector<PreToken> in {{"hi there", true}, {"again", false}};
        const json base = {{"type", "Metaspace"}, {"replacement", s}, {"split", true}};
        json always = base, first = base, never = base;
        always["prepend_scheme"] = "always";
        first["prepend_scheme"] = "first";
        never["prepend_scheme"] = "never";
        QCOMPARE(preTokenize(always, in), (Words {s + "hi", s + "there", s + "again"}));
        QCOMPARE(preTokenize(first, in), (Words {s + "hi", s + "there", "again"}));
        QCOMPARE(preTokenize(never, in), (Words {"hi", s + "there", "again"}));
        json unsplit = always;
        unsplit["split"] = false;
        QCOMPARE(preTokenize(unsplit, in), (Words {s + "hi" + s + "there", s + "again"}));
    }

    void digitsWhitespacePunctuation()
    {
        const std::vector<PreToken> in {{"ab12 3,x!", true}};
        QCOMPARE(preTokenize({{"type", "Digits"}, {"individual_digits", true}}, in),
            (Words {"ab", "1", "2", " ", "3", ",x!"}));
        QCOMPARE(
            preTokenize({{"type", "Digits"}, {"individual_digits", false}}, in), (Words {"ab", "12", " ", "3", ",x!"}));
        QCOMPARE(preTokenize({{"type", "Whitespace"}}, in), (Words {"ab12", "3", ",", "x", "!"}));
        QCOMPARE(preTokenize({{"type", "WhitespaceSplit"}}, in), (Words {"ab12", "3,x!"}));
        QCOMPARE(preTokenize({{"type", "Punctuation"}}, in), (Words {"ab12 3", ",", "x", "!"}));
    }

    void byteLevelPreTokenizer()
    {
        // GPT-2's regex keeps a space with the word after it; the byte map spells the space "Ġ" (C4 A0).
        QCOMPARE(preTokenize({{"type", "ByteLevel"}, {"add_prefix_space", true}}, {{"hello world\n", true}}),
            (Words {"\xC4\xA0hello", "\xC4\xA0world", "\xC4\x8A"}));
        QCOMPARE(
            preTokenize({{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}, {{"a b", true}}),
            (Words {"a\xC4\xA0"
                    "b"}));
    }

    void normalizers()
    {
        const auto norm = [](const json &j, const std::string &text) { return makeHfNormalizer(j, "n")(text); };
        QCOMPARE(norm({{"type", "NFD"}}, "\xC3\xA9"), std::string("e\xCC\x81"));
        QCOMPARE(norm({{"type", "NFC"}}, "e\xCC\x81"), std::string("\xC3\xA9"));
        QCOMPARE(norm({{"type", "NFKC"}}, "\xEF\xAC\x81"), std::string("fi")); // the ligature ﬁ
        QCOMPARE(norm({{"type", "NFKD"}}, "\xC2\xB2"), std::string("2"));
        QCOMPARE(norm({{"type", "Lowercase"}}, "\xC4\xB0SA"), std::string("i\xCC\x87sa")); // İ: i + dot above
        QCOMPARE(norm({{"type", "Strip"}, {"strip_left", true}, {"strip_right", false}}, " \t x "), std::string("x "));
        QCOMPARE(norm({{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "_"}}, "a b c"),
            std::string("a_b_c"));
        QCOMPARE(norm({{"type", "Replace"}, {"pattern", {{"Regex", "\\d+"}}}, {"content", "#"}}, "a1 22"),
            std::string("a# #"));
        QCOMPARE(norm({{"type", "Prepend"}, {"prepend", "_"}}, "x"), std::string("_x"));
        QCOMPARE(norm({{"type", "Sequence"},
                          {"normalizers", {{{"type", "Lowercase"}}, {{"type", "Prepend"}, {"prepend", ">"}}}}},
                     "AB"),
            std::string(">ab"));
    }

    void bpeMergesUnknownAndByteFallback()
    {
        auto tok = build(tinyTokenizer());
        QVERIFY(tok);
        // "abc" merges a+b then ab+c; "z" is unknown; without fuse_unk each unknown character is one <unk>.
        QCOMPARE(tok->encode("abcab"), (std::vector<int32_t> {5, 4}));
        QCOMPARE(tok->encode("azzb"), (std::vector<int32_t> {1, 0, 0, 2}));
        auto fused = build(tinyTokenizer({{"model", {{"fuse_unk", true}}}}));
        QCOMPARE(fused->encode("azzb"), (std::vector<int32_t> {1, 0, 2}));
        // byte_fallback: "x" has no token but its byte <0x78> has; "z" has neither and stays unknown.
        auto bytes = build(tinyTokenizer({{"model", {{"byte_fallback", true}}}}));
        QCOMPARE(bytes->encode("xz"), (std::vector<int32_t> {6, 0}));
        // ignore_merges: a word that is a token is taken whole even if merges would not build it.
        auto whole = build(tinyTokenizer({{"model", {{"merges", json::array()}, {"ignore_merges", true}}}}));
        QCOMPARE(whole->encode("abc"), (std::vector<int32_t> {5}));
        QCOMPARE(whole->encode("abca"), (std::vector<int32_t> {1, 2, 3, 1}));
    }

    void addedTokensLongestFirstAndStrip()
    {
        auto tok = build(tinyTokenizer({{"pre_tokenizer", {{"type", "WhitespaceSplit"}}},
            {"added_tokens",
                {{{"id", 10}, {"content", "<x>"}, {"special", true}},
                    {{"id", 11}, {"content", "<x><y>"}, {"special", true}},
                    {{"id", 12}, {"content", "[m]"}, {"special", true}, {"lstrip", true}, {"rstrip", true}}}}}));
        QVERIFY(tok);
        QCOMPARE(tok->encode("a<x><y>b<x>"), (std::vector<int32_t> {1, 11, 2, 10}));
        QCOMPARE(tok->encode("ab   [m]   c"), (std::vector<int32_t> {4, 12, 3}));
        QVERIFY(tok->isSpecial(12) && !tok->isSpecial(1));
        QCOMPARE(tok->decode({1, 11, 2}, true), std::string("a b")); // no decoder: tokens joined by spaces
    }

    void postProcessorTemplate()
    {
        const json processor = {{"type", "TemplateProcessing"},
            {"single",
                {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
            {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {9}}, {"tokens", {"<s>"}}}}}}};
        auto tok = build(tinyTokenizer({{"post_processor", processor}}));
        QVERIFY(tok);
        QCOMPARE(tok->encode("ab", true), (std::vector<int32_t> {9, 4}));
        QCOMPARE(tok->encode("ab", false), (std::vector<int32_t> {4}));
    }

    void decodeCutCharactersAndUnusedIds()
    {
        // "我" is E6 88 91, byte-level "æĪĳ"; split over two tokens it still decodes whole, cut it is one U+FFFD.
        const HfDecoder decoder = makeHfDecoder({{"type", "ByteLevel"}}, "decoder");
        QCOMPARE(decoder({"\xC3\xA6\xC4\xAA", "\xC4\xB3"}).at(0), std::string("\xE6\x88\x91"));
        QCOMPARE(decoder({"\xC3\xA6\xC4\xAA", "a"}).at(0),
            std::string("\xEF\xBF\xBD"
                        "a"));
        const HfDecoder fallback = makeHfDecoder(
            {{"type", "Sequence"}, {"decoders", {{{"type", "ByteFallback"}}, {{"type", "Fuse"}}}}}, "decoder");
        QCOMPARE(fallback({"<0xC3>", "<0xA9>", "x"}).at(0), std::string("\xC3\xA9x"));
        QCOMPARE(fallback({"<0xC3>", "x"}).at(0), std::string("\xEF\xBF\xBDx"));

        auto tok = build(tinyTokenizer());
        QCOMPARE(tok->vocabSize(), 7);
        QCOMPARE(tok->piece(126463), std::string("<unused 126463>"));
        QCOMPARE(tok->piece(-1), std::string());
        QCOMPARE(tok->decode({1, 126463}), std::string("a <unused 126463>"));
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("expected");
        const std::string good = tinyTokenizer().dump();
        QTest::newRow("truncated JSON") << QByteArray::fromStdString(good.substr(0, good.size() / 2))
                                        << QStringLiteral("not valid JSON");
        json wordPiece = tinyTokenizer();
        wordPiece["model"]["type"] = "WordPiece";
        QTest::newRow("unknown model type") << QByteArray::fromStdString(wordPiece.dump())
                                            << QStringLiteral("model.type: model type 'WordPiece' is not supported");
        json badMerge = tinyTokenizer();
        badMerge["model"]["merges"].push_back("a q");
        QTest::newRow("merge naming an unknown token") << QByteArray::fromStdString(
            badMerge.dump()) << QStringLiteral("model.merges[2]: 'q' is not in the vocabulary");
        const json badRegex = tinyTokenizer({{"pre_tokenizer",
            {{"type", "Sequence"}, {"pretokenizers", {{{"type", "Split"}, {"pattern", {{"Regex", "(\\p{L}+"}}}}}}}}});
        QTest::newRow("regex that does not compile") << QByteArray::fromStdString(
            badRegex.dump()) << QStringLiteral("pre_tokenizer.pretokenizers[0].pattern.Regex: regex");
        // Found by fuzz_vocab_merges: one id of 60 million made an 80-byte file take 2 GB (the id table).
        json sparse = tinyTokenizer();
        sparse["model"]["vocab"]["far"] = 60000000;
        QTest::newRow("id far past the vocabulary") << QByteArray::fromStdString(
            sparse.dump()) << QStringLiteral("expected a token id (an integer from 0 to 16777215)");
        json gappy = tinyTokenizer();
        gappy["model"]["vocab"]["far"] = 5000000;
        QTest::newRow("ids running far past the size")
            << QByteArray::fromStdString(gappy.dump()) << QStringLiteral("model.vocab: ids run to 5000000");
        // Found by fuzz_hf_tokenizer: a type name with a line break made a two-line message.
        const json brokenType = tinyTokenizer({{"decoder", {{"type", "Sequ\nce"}}}});
        QTest::newRow("type name with a line break") << QByteArray::fromStdString(brokenType.dump())
                                                     << QStringLiteral("decoder type 'Sequ ce' is not supported");
        const json badNormalizer = tinyTokenizer({{"normalizer", {{"type", "Precompiled"}}}});
        QTest::newRow("unsupported normalizer") << QByteArray::fromStdString(badNormalizer.dump())
                                                << QStringLiteral("normalizer.type: normalizer type 'Precompiled'");
    }
    void badFiles()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("tokenizer.json")).toStdString();
        std::ofstream(path, std::ios::binary) << contents.toStdString();
        auto tok = loadTokenizer(dir.path().toStdString());
        QVERIFY(!tok.ok());
        QVERIFY2(tok.error().rfind(path + ": ", 0) == 0, tok.error().c_str());
        QVERIFY2(tok.error().find(expected.toStdString()) != std::string::npos, tok.error().c_str());
        QVERIFY2(tok.error().find('\n') == std::string::npos, tok.error().c_str());
    }

    void badMergesTxt()
    {
        QTemporaryDir dir;
        std::ofstream(dir.filePath(QStringLiteral("vocab.json")).toStdString()) << R"({"a": 0, "b": 1, "ab": 2})";
        std::ofstream(dir.filePath(QStringLiteral("merges.txt")).toStdString()) << "#version: 0.2\na b\na zz\n";
        auto tok = loadTokenizer(dir.path().toStdString());
        QVERIFY(!tok.ok());
        const std::string merges = dir.filePath(QStringLiteral("merges.txt")).toStdString();
        QCOMPARE(tok.error(), merges + ": line 3: 'zz' is not in vocab.json");
    }

    // Raw bytes of merges.txt went into the message (found by fuzz_vocab_merges, corpus/vocab_merges/crash-*);
    // a non-string added token content threw out of the loader (found while writing the target).
    void badVocabMergesTexts_data()
    {
        QTest::addColumn<QByteArray>("merges");
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("expected");
        QTest::newRow("raw byte") << QByteArray("a \x8e\x01\n") << QByteArray()
                                  << QString::fromUtf8("merges.txt: line 1: '\xEF\xBF\xBD ' is not in vocab.json");
        QTest::newRow("content not a string")
            << QByteArray("a b\n") << QByteArray(R"({"added_tokens_decoder": {"7": {"content": 7}}})")
            << QStringLiteral("$.added_tokens_decoder[\"7\"]: expected {\"content\"");
        QTest::newRow("key not an id") << QByteArray("a b\n")
                                       << QByteArray(R"({"added_tokens_decoder": {"x7": {"content": "<x>"}}})")
                                       << QStringLiteral("$.added_tokens_decoder.x7: the key is not a token id");
        QTest::newRow("config not an object")
            << QByteArray("a b\n") << QByteArray("[1]") << QStringLiteral("tokenizer_config.json: expected an object");
    }

    void badVocabMergesTexts()
    {
        QFETCH(QByteArray, merges);
        QFETCH(QByteArray, config);
        QFETCH(QString, expected);
        VocabMergesTexts texts;
        texts.dir = "model";
        texts.vocab = R"({"a": 0, "b": 1, "ab": 2})";
        texts.merges = merges.toStdString();
        if (!config.isEmpty())
            texts.tokenizerConfig = config.toStdString();
        const auto j = vocabMergesFromTexts(texts, nullptr);
        QVERIFY(!j.ok());
        QVERIFY2(QString::fromStdString(j.error()).contains(expected), j.error().c_str());
        QVERIFY2(j.error().find('\n') == std::string::npos && isValidUtf8(j.error()), j.error().c_str());
    }

    // Which word rules vocab.json + merges.txt gets from tokenizer_config.json's tokenizer_class. The pieces are
    // worked out by hand from the two regexes: GPT-2's cuts "held-out 12345" into held | - | out | " 12345",
    // Qwen2's (and Dream's, whose tokenizer is Qwen2's) into held | -out | " " | 1 | 2 | 3 | 4 | 5.
    void vocabMergesTokenizerClass_data()
    {
        QTest::addColumn<QByteArray>("config"); // tokenizer_config.json; empty: no such file
        QTest::addColumn<QVector<int>>("ids");
        // held 16, - 4, out 18, Ġ 13, 123 21, 4 11, 5 12 (the digits merge as one word)
        const QVector<int> gpt2 {16, 4, 18, 13, 21, 11, 12};
        // held 16, -out 19, Ġ 13, then each digit alone: 1 8, 2 9, 3 10, 4 11, 5 12
        const QVector<int> qwen2 {16, 19, 13, 8, 9, 10, 11, 12};
        QTest::newRow("Dream") << QByteArray(R"({"tokenizer_class": "DreamTokenizer"})") << qwen2;
        QTest::newRow("Qwen2") << QByteArray(R"({"tokenizer_class": "Qwen2Tokenizer"})") << qwen2;
        QTest::newRow("Qwen2 fast") << QByteArray(R"({"tokenizer_class": "Qwen2TokenizerFast"})") << qwen2;
        QTest::newRow("GPT-2") << QByteArray(R"({"tokenizer_class": "GPT2Tokenizer"})") << gpt2;
        QTest::newRow("GPT-2 fast") << QByteArray(R"({"tokenizer_class": "GPT2TokenizerFast"})") << gpt2;
        QTest::newRow("CodeGen") << QByteArray(R"({"tokenizer_class": "CodeGenTokenizer"})") << gpt2;
        QTest::newRow("no class") << QByteArray(R"({"model_max_length": 1024})") << gpt2;
        QTest::newRow("no tokenizer_config.json") << QByteArray() << gpt2;
    }
    void vocabMergesTokenizerClass()
    {
        QFETCH(QByteArray, config);
        QFETCH(QVector<int>, ids);
        QTemporaryDir dir;
        writeHeldOutVocab(dir.path(), config);
        auto tok = loadTokenizer(dir.path().toStdString());
        QVERIFY2(tok.ok(), tok.ok() ? "" : tok.error().c_str());
        const std::vector<int32_t> got = (*tok)->encode("held-out 12345");
        QCOMPARE(QVector<int>(got.begin(), got.end()), ids);
        QCOMPARE((*tok)->decode(got), std::string("held-out 12345"));
    }

    // A class the table does not know is refused with one line naming the file, the class and the known ones.
    void vocabMergesUnknownClass_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("expected");
        QTest::newRow("sentencepiece class") << QByteArray(R"({"tokenizer_class": "LlamaTokenizer"})")
                                             << QStringLiteral("$.tokenizer_class: unknown tokenizer class "
                                                               "'LlamaTokenizer' for vocab.json + merges.txt; "
                                                               "supported: GPT2Tokenizer, GPT2TokenizerFast, ");
        QTest::newRow("RoBERTa (adds <s> </s>)") << QByteArray(R"({"tokenizer_class": "RobertaTokenizer"})")
                                                 << QStringLiteral("unknown tokenizer class 'RobertaTokenizer'");
        QTest::newRow("not a string") << QByteArray(R"({"tokenizer_class": 7})")
                                      << QStringLiteral("$.tokenizer_class: expected a string, got");
    }
    void vocabMergesUnknownClass()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        writeHeldOutVocab(dir.path(), config);
        auto tok = loadTokenizer(dir.path().toStdString());
        QVERIFY(!tok.ok());
        const QString error = QString::fromStdString(tok.error());
        QVERIFY2(error.startsWith(dir.filePath(QStringLiteral("tokenizer_config.json: "))), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
        if (config.contains("LlamaTokenizer"))
            QVERIFY2(
                error.contains(QStringLiteral("DreamTokenizer")) && error.contains(QStringLiteral("Qwen2Tokenizer")),
                qPrintable(error));
    }

    void gpt2VocabMerges()
    {
        // GPT-2's rules: no normalizer, GPT-2's regex, byte-level; <|endoftext|> is special and the eos.
        QTemporaryDir dir;
        std::ofstream(dir.filePath(QStringLiteral("vocab.json")).toStdString())
            << R"({"h": 0, "i": 1, "hi": 2, "\u0120": 3, "\u0120hi": 4, "<|endoftext|>": 5})";
        std::ofstream(dir.filePath(QStringLiteral("merges.txt")).toStdString()) << "#version: 0.2\nh i\n\xC4\xA0 hi\n";
        auto tok = loadTokenizer(dir.path().toStdString());
        QVERIFY2(tok.ok(), tok.ok() ? "" : tok.error().c_str());
        QCOMPARE((*tok)->encode("hi hi<|endoftext|>"), (std::vector<int32_t> {2, 4, 5}));
        QCOMPARE((*tok)->eosId(), 5);
        QCOMPARE((*tok)->decode({2, 4, 5}), std::string("hi hi<|endoftext|>"));
    }
};

QTEST_GUILESS_MAIN(TestHfTokenizerStages)
#include "test_hf_tokenizer_stages.moc"
