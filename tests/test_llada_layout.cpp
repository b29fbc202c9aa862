// A model directory with LLaDA-8B-Instruct's exact layout (sharded BF16 safetensors with index, published
// config.json keys, tokenizer.json with LLaDA's special ids, its chat template, generation_config.json) opens,
// chats and steps unchanged through the core and the CLI's commands (called without a process). The mask is
// found by name when config.json leaves it out, and ids the head can produce but the tokenizer lacks read as
// "<unused N>" everywhere instead of breaking anything.

#include "app/cli/cli_args.h"
#include "app/cli/commands.h"

#include "core/export/timeline_csv.h"
#include "core/export/timeline_table.h"
#include "core/model/logits_model.h"
#include "core/model/model_loader.h"
#include "core/session/session.h"
#include "core/text/tokenizer.h"
#include "core/timeline/timeline_json.h"

#include "cli_process.h"
#include "llada_instruct_model.h"

#include "source_dir.h"

#include <QtTest>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <sstream>

using namespace dlm;
using namespace dlm::testing;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

struct CliRun
{
    int code = -1;
    std::string out, err;
};

CliRun runCli(const QStringList &args)
{
    CliRun r;
    auto parsed = parseCli(toStdArgs(args));
    if (!parsed) {
        r.err = parsed.error();
        return r;
    }
    std::ostringstream out, err;
    r.code = runCommand(*parsed, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

} // namespace

class TestLladaLayout : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = path(QStringLiteral("LLaDA-8B-Instruct"));
        auto written = writeLladaInstructModel(m_model.toStdString());
        QVERIFY2(written.ok(), written.error().c_str());
    }

    void layoutIsThePublishedOne()
    {
        for (const char *name :
            {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json",
                "config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json"})
            QVERIFY2(QFile::exists(m_model + QLatin1Char('/') + QLatin1String(name)), name);
        QVERIFY(!QFile::exists(m_model + QStringLiteral("/model.safetensors")));
        // The fixture's template is the one test_chat_template checks against Jinja2.
        const QByteArray published = readAll(dlm::testing::sourceDir()
            + QStringLiteral("/tests/data/templates/llada-8b-instruct/chat_template.jinja"));
        QVERIFY(!published.isEmpty());
        QCOMPARE(QByteArray(kLladaChatTemplate), published);
    }

    void opensWithLladasIds()
    {
        auto loaded = loadModelDirectory(m_model.toStdString());
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        QCOMPARE(loaded->config.vocabSize, kLladaHeadRows);
        QCOMPARE(loaded->storageDType, std::string("BF16"));
        QCOMPARE(loaded->specialIds.mask.id, kLladaMask);
        QCOMPARE(loaded->specialIds.mask.from, std::string("config.json"));
        QCOMPARE(loaded->specialIds.eos.id, kLladaEos);
        QCOMPARE(loaded->specialIds.bos.id, kLladaBos);
        QCOMPARE(loaded->specialIds.bos.from, std::string("generation_config.json"));
        const Tokenizer &tok = *loaded->tokenizer;
        QVERIFY(tok.vocabSize() < kLladaHeadRows);
        QCOMPARE(tok.pieceToId("<|eot_id|>"), kLladaEot);
        QVERIFY(tok.isSpecial(kLladaStartHeader));
        QVERIFY(!tok.isSpecial(tok.pieceToId("user")));
        // Chat markup written in text becomes the special ids, not their characters.
        QCOMPARE(tok.encode("<|start_header_id|>user<|end_header_id|>"),
            (std::vector<int32_t> {kLladaStartHeader, tok.pieceToId("user"), kLladaEndHeader}));
    }

    void maskFoundByNameWhenConfigLacksIt()
    {
        const QString dir = path(QStringLiteral("no-mask-id"));
        LladaInstructOptions options;
        options.maskIdInConfig = false;
        QVERIFY(writeLladaInstructModel(dir.toStdString(), options).ok());
        QVERIFY(!QJsonDocument::fromJson(readAll(dir + QStringLiteral("/config.json")))
                     .object()
                     .contains(QStringLiteral("mask_token_id")));
        auto loaded = loadModelDirectory(dir.toStdString());
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        QCOMPARE(loaded->specialIds.mask.id, kLladaMask);
        QCOMPARE(loaded->specialIds.mask.from, std::string("tokenizer piece <|mdm_mask|>"));
        // The session and its sampler use that mask: typed [MASK] becomes it, the canvas is filled with it.
        QCOMPARE(loaded->model->config().maskTokenId, kLladaMask);
        GenerationSettings settings;
        settings.genLength = 4;
        settings.steps = 2;
        settings.blockLength = 4;
        auto session = Session::create(loaded->model, loaded->tokenizer, settings, "the [MASK] is");
        QVERIFY2(session.ok(), session.error().c_str());
        Session &s = **session;
        QCOMPARE(s.timeline().model.maskId, kLladaMask);
        const std::vector<int32_t> &prompt = s.timeline().promptIds;
        QCOMPARE(std::count(prompt.begin(), prompt.end(), kLladaMask), 1L);
        QCOMPARE(s.current().maskedCount(kLladaMask), 5);
        QVERIFY(s.step().ok());
        QVERIFY(s.current().maskedCount(kLladaMask) < 5);
        QVERIFY(s.run([](const StepRecord &) { return true; }).ok());
        // As LLaDA's generate(): the block's 4 masks make 4 commits, which the prompt's mask competes for, so
        // one of the 5 masks stays.
        QCOMPARE(s.current().maskedCount(kLladaMask), 1);
        QVERIFY(s.finished());

        // Without the piece either, loading stops with one message naming where it looked.
        QByteArray tokenizer = readAll(dir + QStringLiteral("/tokenizer.json"));
        tokenizer.replace("<|mdm_mask|>", "<|not_a_mask|>");
        QVERIFY(writeAll(dir + QStringLiteral("/tokenizer.json"), tokenizer));
        auto refused = loadModelDirectory(dir.toStdString());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().find("no mask token") != std::string::npos, refused.error().c_str());
        QVERIFY2(refused.error().find("<|mdm_mask|>") != std::string::npos, refused.error().c_str());
        QVERIFY(refused.error().find('\n') == std::string::npos);
    }

    void cliChatsAndSteps()
    {
        const QString messages = path(QStringLiteral("messages.json"));
        QVERIFY(writeAll(messages, R"([{"role": "user", "content": "What is 2 + 2?"}])"));
        const CliRun rendered = runCli(
            {QStringLiteral("template"), QStringLiteral("--model"), m_model, QStringLiteral("--messages"), messages});
        QVERIFY2(rendered.code == 0, rendered.err.c_str());
        QCOMPARE(rendered.out,
            std::string("<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 2?<|eot_id|>"
                        "<|start_header_id|>assistant<|end_header_id|>\n\n"));

        const QString timelinePath = path(QStringLiteral("chat.json"));
        const CliRun generated = runCli({QStringLiteral("generate"), QStringLiteral("--model"), m_model,
            QStringLiteral("--prompt"), QStringLiteral("What is 2 + 2?"), QStringLiteral("--chat"),
            QStringLiteral("--gen-length=8"), QStringLiteral("--steps=4"), QStringLiteral("--block-length=8"),
            QStringLiteral("--timeline"), timelinePath});
        QVERIFY2(generated.code == 0, generated.err.c_str());
        auto timeline = loadTimeline(timelinePath.toStdString());
        QVERIFY2(timeline.ok(), timeline.error().c_str());
        QCOMPARE(timeline->promptText, rendered.out);
        QVERIFY(timeline->chatMessages == (std::vector<ChatMessage> {{"user", "What is 2 + 2?"}}));
        const std::vector<int32_t> &ids = timeline->promptIds;
        QVERIFY(ids.size() > 6);
        QCOMPARE(ids[0], kLladaBos);
        QCOMPARE(ids[1], kLladaStartHeader);
        QCOMPARE(ids[3], kLladaEndHeader);
        QVERIFY(std::find(ids.begin(), ids.end(), kLladaEot) != ids.end());
        // Four denoising steps after the initial record, and the special ids recorded for the views.
        QCOMPARE(timeline->branch(0).size(), 5);
        for (int32_t id : {kLladaBos, kLladaStartHeader, kLladaEndHeader, kLladaEot})
            QVERIFY2(timeline->isSpecial(id), qPrintable(QString::number(id)));
        QVERIFY(!timeline->isSpecial(ids[2])); // "user"

        const CliRun info = runCli({QStringLiteral("info"), QStringLiteral("--model"), m_model});
        QVERIFY2(info.code == 0, info.err.c_str());
        const QJsonObject sources = QJsonDocument::fromJson(QByteArray::fromStdString(info.out))
                                        .object()
                                        .value(QStringLiteral("special_id_sources"))
                                        .toObject();
        QCOMPARE(
            sources.value(QStringLiteral("mask_token_id")).toObject().value(QStringLiteral("id")).toInt(), kLladaMask);
    }

    void unusedIdsAreNamedEverywhere()
    {
        auto loaded = loadModelDirectory(m_model.toStdString());
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        const Tokenizer &tok = *loaded->tokenizer;
        // Past the tokenizer's last token, and in the gap below LLaDA's special ids: both have no token.
        const int32_t past = kLladaHeadRows - 1, gap = 5000;
        QVERIFY(past >= tok.vocabSize());
        QCOMPARE(tok.piece(past), std::string("<unused 126463>"));
        QCOMPARE(tok.piece(gap), std::string("<unused 5000>"));
        QCOMPARE(tok.decode({tok.pieceToId("user"), gap}), std::string("user<unused 5000>"));

        // A prompt holding such ids (as an edit or the model's own prediction would put there) runs and shows.
        GenerationSettings settings;
        settings.genLength = 4;
        settings.steps = 1;
        settings.blockLength = 4;
        auto session
            = Session::createFromIds(loaded->model, loaded->tokenizer, settings, {kLladaBos, gap, past}, std::string());
        QVERIFY2(session.ok(), session.error().c_str());
        Session &s = **session;
        QVERIFY(s.step().ok());
        const Timeline &t = s.timeline();
        QCOMPARE(t.pieceOf(past), std::string("<unused 126463>"));
        QCOMPARE(s.piece(gap), std::string("<unused 5000>"));
        // Every id the model predicted has a piece, most of them "<unused N>" since most rows have no token.
        for (int32_t id : s.current().tokens)
            QVERIFY2(!t.pieceOf(id).empty(), qPrintable(QString::number(id)));
        const int32_t generated = s.current().tokens[3];
        QCOMPARE(t.pieceOf(generated), "<unused " + std::to_string(generated) + ">");
        for (TableFormat format : {TableFormat::Markdown, TableFormat::Latex}) {
            auto table = timelineTable(t, format);
            QVERIFY2(table.ok(), table.error().c_str());
            QVERIFY2(table->find("unused " + std::to_string(generated)) != std::string::npos, table->c_str());
        }
        auto csv = timelineToCsv(t);
        QVERIFY2(csv.ok(), csv.error().c_str());
        QVERIFY(csv->find("<unused 126463>") != std::string::npos);

        // The CLI decodes them the same way.
        const QString idsFile = path(QStringLiteral("unused.json"));
        QVERIFY(writeAll(idsFile, "[126080, 5000, 126463]"));
        const CliRun decoded = runCli(
            {QStringLiteral("tokenize"), QStringLiteral("--model"), m_model, QStringLiteral("--decode"), idsFile});
        QVERIFY2(decoded.code == 0, decoded.err.c_str());
        QCOMPARE(decoded.out, std::string("<|startoftext|><unused 5000><unused 126463>"));
    }
};

QTEST_GUILESS_MAIN(TestLladaLayout)
#include "test_llada_layout.moc"
