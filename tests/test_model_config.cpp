// config.json parsing: every field, the defaults, one row per kind of bad input with the message it must give,
// parameter counts computed by hand, and the writer/parser round trip.

#include "core/model/llada_tensors.h"
#include "core/model/model_config.h"

#include <nlohmann/json.hpp>

#include "source_dir.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace {

using Json = nlohmann::json;

/** The smallest valid config: only the required fields. */
Json minimalConfig()
{
    return Json {{"d_model", 64}, {"n_heads", 4}, {"n_layers", 2}, {"mlp_hidden_size", 128}, {"vocab_size", 200},
        {"max_sequence_length", 512}, {"mask_token_id", 3}};
}

/** The minimal config with one field replaced by raw JSON text, or removed when `valueJson` is empty. */
QByteArray withField(const char *key, const char *valueJson)
{
    Json config = minimalConfig();
    if (valueJson[0] == '\0')
        config.erase(key);
    else
        config[key] = Json::parse(valueJson);
    return QByteArray::fromStdString(config.dump());
}

/** The minimal config with several fields set, for cross-field checks. */
QByteArray withFields(std::initializer_list<std::pair<const char *, Json>> fields)
{
    Json config = minimalConfig();
    for (const auto &f : fields)
        config[f.first] = f.second;
    return QByteArray::fromStdString(config.dump());
}

} // namespace

class TestModelConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesAllFields()
    {
        // LLaDA-8B-Instruct's published values, plus fields the parser must ignore.
        const std::string text = R"({
            "architectures": ["LLaDAModelLM"], "model_type": "llada",
            "d_model": 4096, "n_heads": 32, "n_kv_heads": 32, "n_layers": 32, "mlp_hidden_size": 12288,
            "vocab_size": 126464, "embedding_size": 126464, "max_sequence_length": 4096,
            "rope_theta": 500000.0, "rms_norm_eps": 1e-05, "mask_token_id": 126336,
            "eos_token_id": 126081, "pad_token_id": 126081, "bos_token_id": 126080, "weight_tying": false,
            "include_bias": false, "activation_type": "silu"
        })";
        const dlm::Result<dlm::ModelConfig> config = dlm::parseModelConfig(text, "config.json");
        QVERIFY2(config.ok(), config.error().c_str());
        QCOMPARE(config->dModel, 4096);
        QCOMPARE(config->nHeads, 32);
        QCOMPARE(config->nKvHeads, 32);
        QCOMPARE(config->nLayers, 32);
        QCOMPARE(config->mlpHiddenSize, 12288);
        QCOMPARE(config->vocabSize, 126464);
        QCOMPARE(config->embeddingSize, 126464);
        QCOMPARE(config->maxSequenceLength, 4096);
        QCOMPARE(config->ropeTheta, 500000.0);
        QCOMPARE(config->rmsNormEps, 1e-5);
        QCOMPARE(config->maskTokenId, 126336);
        QCOMPARE(config->eosTokenId, 126081);
        QCOMPARE(config->padTokenId, 126081);
        QCOMPARE(config->bosTokenId, 126080);
        QCOMPARE(config->weightTying, false);
        QCOMPARE(config->headDim(), 128);
        // 32 blocks of 2*4096 + 4*4096^2 + 3*12288*4096, untied embedding and head, final norm.
        QCOMPARE(config->parameterCount(), int64_t(8015581184));
    }

    void defaults()
    {
        const dlm::Result<dlm::ModelConfig> config = dlm::parseModelConfig(minimalConfig().dump(), "config.json");
        QVERIFY2(config.ok(), config.error().c_str());
        QCOMPARE(config->nKvHeads, 4);
        QCOMPARE(config->embeddingSize, 200);
        QCOMPARE(config->ropeTheta, 10000.0);
        QCOMPARE(config->rmsNormEps, 1e-5);
        QCOMPARE(config->eosTokenId, -1);
        QCOMPARE(config->padTokenId, -1);
        QCOMPARE(config->bosTokenId, -1);
        QCOMPARE(config->weightTying, false);
    }

    void acceptsNullIdsAndIntegralFloats()
    {
        const dlm::Result<dlm::ModelConfig> config = dlm::parseModelConfig(
            withFields({{"pad_token_id", nullptr}, {"d_model", 64.0}, {"eos_token_id", 7}, {"mask_token_id", nullptr}})
                .toStdString(),
            "config.json");
        QVERIFY2(config.ok(), config.error().c_str());
        QCOMPARE(config->padTokenId, -1);
        // LLaDA-MoE's config.json has no mask id: the loader finds it in the other files or by name.
        QCOMPARE(config->maskTokenId, -1);
        QCOMPARE(config->dModel, 64);
        QCOMPARE(config->eosTokenId, 7);
    }

    void rejectsBadConfig_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("fragment");

        QTest::newRow("not json") << QByteArray("d_model = 4096") << QStringLiteral("config.json: not valid JSON");
        QTest::newRow("empty text") << QByteArray("") << QStringLiteral("config.json: not valid JSON");
        QTest::newRow("array") << QByteArray("[1, 2]")
                               << QStringLiteral("config.json: $: expected an object, got an array");
        QTest::newRow("nested too deep") << QByteArray(std::string(100000, '[').c_str())
                                         << QStringLiteral("nest deeper than 64 levels");
        QTest::newRow("string d_model") << withField("d_model", "\"big\"")
                                        << QStringLiteral("config.json: $.d_model: expected an integer, got \"big\"");
        QTest::newRow("zero d_model") << withField(
            "d_model", "0") << QStringLiteral("$.d_model: the value 0 is outside the allowed range [1, 65536]");
        QTest::newRow("fractional d_model")
            << withField("d_model", "64.5") << QStringLiteral("$.d_model: expected an integer, got 64.5");
        QTest::newRow("huge d_model") << withField("d_model", "131072")
                                      << QStringLiteral("$.d_model: the value 131072 is outside the allowed range");
        QTest::newRow("bool n_layers") << withField("n_layers", "true")
                                       << QStringLiteral("$.n_layers: expected an integer, got true");
        QTest::newRow("negative n_layers")
            << withField("n_layers", "-2") << QStringLiteral("$.n_layers: the value -2 is outside the allowed range");
        QTest::newRow("too many layers") << withField(
            "n_layers", "5000") << QStringLiteral("$.n_layers: the value 5000 is outside the allowed range [1, 1024]");
        QTest::newRow("huge vocab") << withField("vocab_size",
            "5000000") << QStringLiteral("$.vocab_size: the value 5000000 is outside the allowed range [1, 4000000]");
        QTest::newRow("missing n_layers")
            << withField("n_layers", "") << QStringLiteral("config.json: $.n_layers: the required field is missing");
        QTest::newRow("heads do not divide")
            << withField("n_heads", "3") << QStringLiteral("$.n_heads: d_model (64) must be divisible by n_heads (3)");
        QTest::newRow("odd head dim") << withFields({{"d_model", 36}, {"n_heads", 4}})
                                      << QStringLiteral("head dimension d_model / n_heads = 9 must be even");
        QTest::newRow("kv heads do not divide") << withField(
            "n_kv_heads", "3") << QStringLiteral("$.n_kv_heads: n_heads (4) must be a multiple of n_kv_heads (3)");
        QTest::newRow("more kv heads than heads")
            << withField("n_kv_heads", "8") << QStringLiteral("must be a multiple of n_kv_heads (8)");
        QTest::newRow("small embedding") << withField("embedding_size",
            "100") << QStringLiteral("$.embedding_size: embedding_size (100) must be at least vocab_size (200)");
        QTest::newRow("mask id = vocab") << withField("mask_token_id",
            "200") << QStringLiteral("$.mask_token_id: the value 200 is outside the allowed range [0, 199]");
        QTest::newRow("negative eos") << withField("eos_token_id",
            "-5") << QStringLiteral("$.eos_token_id: the value -5 is outside the allowed range [0, 199]");
        QTest::newRow("string pad") << withField("pad_token_id", "\"4\"")
                                    << QStringLiteral("$.pad_token_id: expected an integer, got \"4\"");
        QTest::newRow("bos out of range") << withField("bos_token_id",
            "1000") << QStringLiteral("$.bos_token_id: the value 1000 is outside the allowed range [0, 199]");
        QTest::newRow("zero theta") << withField("rope_theta", "0")
                                    << QStringLiteral("$.rope_theta: expected a positive number, got 0");
        QTest::newRow("string theta") << withField("rope_theta", "\"abc\"")
                                      << QStringLiteral("config.json: $.rope_theta: expected a number, got \"abc\"");
        QTest::newRow("string eps") << withField("rms_norm_eps", "\"small\"")
                                    << QStringLiteral("$.rms_norm_eps: expected a number, got \"small\"");
        QTest::newRow("negative eps") << withField("rms_norm_eps", "-1e-5")
                                      << QStringLiteral("$.rms_norm_eps: expected a positive number, got -1e-05");
        QTest::newRow("string tying") << withField("weight_tying", "\"yes\"")
                                      << QStringLiteral("$.weight_tying: expected true or false, got \"yes\"");
        QTest::newRow("number tying") << withField("weight_tying", "1")
                                      << QStringLiteral("$.weight_tying: expected true or false, got 1");
        QTest::newRow("long array value")
            << withField("d_model", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]")
            << QStringLiteral("$.d_model: expected an integer, got an array");
    }

    void rejectsBadConfig()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, fragment);
        const dlm::Result<dlm::ModelConfig> config = dlm::parseModelConfig(text.toStdString(), "config.json");
        QVERIFY(!config.ok());
        const std::string &msg = config.error();
        QVERIFY2(msg.find(fragment.toStdString()) != std::string::npos, msg.c_str());
        QVERIFY2(msg.rfind("config.json: ", 0) == 0, msg.c_str());
        QVERIFY2(msg.size() < 300, msg.c_str());
    }

    void parameterCountByHand()
    {
        // d=8, 2 heads of 4, 1 kv head (kv dim 4), 1 layer, hidden 16, 12 embedding rows:
        // wte 96; block 8 + 64 + 32 + 32 + 64 + 8 + 128 + 128 + 128 = 592; ln_f 8; head 96.
        dlm::ModelConfig c;
        c.dModel = 8;
        c.nHeads = 2;
        c.nKvHeads = 1;
        c.nLayers = 1;
        c.mlpHiddenSize = 16;
        c.vocabSize = 10;
        c.embeddingSize = 12;
        c.maxSequenceLength = 32;
        c.maskTokenId = 3;
        QCOMPARE(c.parameterCount(), int64_t(792));
        c.weightTying = true;
        QCOMPARE(c.parameterCount(), int64_t(696));
        c.weightTying = false;
        c.nLayers = 3;
        QCOMPARE(c.parameterCount(), int64_t(96 + 3 * 592 + 8 + 96));
    }

    void tensorShapes()
    {
        dlm::ModelConfig c;
        c.dModel = 8;
        c.nHeads = 2;
        c.nKvHeads = 1;
        c.nLayers = 2;
        c.mlpHiddenSize = 16;
        c.vocabSize = 10;
        c.embeddingSize = 12;
        const auto shapes = dlm::lladaTensors(c);
        QCOMPARE(shapes.size(), size_t(1 + 2 * 9 + 2));
        QCOMPARE(shapes.front().name, std::string("model.transformer.wte.weight"));
        QCOMPARE(shapes.front().shape, (std::vector<int64_t> {12, 8}));
        QCOMPARE(shapes[1].name, std::string("model.transformer.blocks.0.attn_norm.weight"));
        QCOMPARE(shapes[3].name, std::string("model.transformer.blocks.0.k_proj.weight"));
        QCOMPARE(shapes[3].shape, (std::vector<int64_t> {4, 8}));
        QCOMPARE(shapes[9].name, std::string("model.transformer.blocks.0.ff_out.weight"));
        QCOMPARE(shapes[9].shape, (std::vector<int64_t> {8, 16}));
        QCOMPARE(shapes[10].name, std::string("model.transformer.blocks.1.attn_norm.weight"));
        QCOMPARE(shapes[19].name, std::string("model.transformer.ln_f.weight"));
        QCOMPARE(shapes[20].name, std::string("model.transformer.ff_out.weight"));
        QCOMPARE(shapes[20].shape, (std::vector<int64_t> {12, 8}));
        c.weightTying = true;
        QCOMPARE(dlm::lladaTensors(c).back().name, std::string("model.transformer.ln_f.weight"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<bool>("withOptionalIds");
        QTest::newRow("all ids") << true;
        QTest::newRow("mask id only") << false;
    }

    void roundTrip()
    {
        QFETCH(bool, withOptionalIds);
        dlm::ModelConfig c;
        c.dModel = 96;
        c.nHeads = 6;
        c.nKvHeads = 2;
        c.nLayers = 3;
        c.mlpHiddenSize = 200;
        c.vocabSize = 300;
        c.embeddingSize = 320;
        c.maxSequenceLength = 1024;
        c.ropeTheta = 500000.0;
        c.rmsNormEps = 1e-6;
        c.maskTokenId = 299;
        if (withOptionalIds) {
            c.eosTokenId = 4;
            c.padTokenId = 5;
            c.bosTokenId = 1;
        }
        c.weightTying = true;

        const std::string text = dlm::modelConfigToJson(c);
        const Json j = Json::parse(text);
        QCOMPARE(j.at("model_type").get<std::string>(), std::string("llada"));
        QCOMPARE(j.at("activation_type").get<std::string>(), std::string("silu"));
        QCOMPARE(j.at("block_type").get<std::string>(), std::string("llama"));
        QCOMPARE(j.at("include_bias").get<bool>(), false);

        const dlm::Result<dlm::ModelConfig> back = dlm::parseModelConfig(text, "config.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QCOMPARE(back->dModel, c.dModel);
        QCOMPARE(back->nHeads, c.nHeads);
        QCOMPARE(back->nKvHeads, c.nKvHeads);
        QCOMPARE(back->nLayers, c.nLayers);
        QCOMPARE(back->mlpHiddenSize, c.mlpHiddenSize);
        QCOMPARE(back->vocabSize, c.vocabSize);
        QCOMPARE(back->embeddingSize, c.embeddingSize);
        QCOMPARE(back->maxSequenceLength, c.maxSequenceLength);
        QCOMPARE(back->ropeTheta, c.ropeTheta);
        QCOMPARE(back->rmsNormEps, c.rmsNormEps);
        QCOMPARE(back->maskTokenId, c.maskTokenId);
        QCOMPARE(back->eosTokenId, c.eosTokenId);
        QCOMPARE(back->padTokenId, c.padTokenId);
        QCOMPARE(back->bosTokenId, c.bosTokenId);
        QCOMPARE(back->weightTying, c.weightTying);
    }

    void loadFromFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("config.json")).toStdString();

        const dlm::Result<dlm::ModelConfig> missing = dlm::loadModelConfig(path);
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().find(path) != std::string::npos, missing.error().c_str());

        {
            std::ofstream out(path);
            out << R"({"d_model": 64, "n_heads": 4, "n_layers": 2, "mlp_hidden_size": 128,
                       "vocab_size": 200, "max_sequence_length": 512, "mask_token_id": 3, "n_kv_heads": "two"})";
        }
        const dlm::Result<dlm::ModelConfig> bad = dlm::loadModelConfig(path);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find(path + ": $.n_kv_heads: expected an integer, got \"two\"") != std::string::npos,
            bad.error().c_str());
    }
    // What LLaDA's own code (configuration_llada.py's ModelConfig dataclass, loaded by modeling_llada.py with
    // trust_remote_code) needs to find in config.json to build this architecture: every dataclass field, with
    // the values of a LLaDA-8B-style network. A field left out takes the dataclass's GPT-2 default (rope false:
    // learned position embeddings; weight_tying true; dropout 0.1; layer norm with bias).
    void configLoadsInLladaCode_data()
    {
        QTest::addColumn<QString>("which");
        QTest::newRow("written") << "written";
        QTest::newRow("models/demo") << "demo";
    }

    void configLoadsInLladaCode()
    {
        QFETCH(QString, which);
        Json j;
        if (which == QLatin1String("written")) {
            dlm::ModelConfig c;
            c.dModel = 64;
            c.nHeads = 4;
            c.nKvHeads = 2;
            c.nLayers = 2;
            c.mlpHiddenSize = 160;
            c.vocabSize = 300;
            c.embeddingSize = 320;
            c.maxSequenceLength = 128;
            c.maskTokenId = 299;
            c.eosTokenId = 4;
            j = Json::parse(dlm::modelConfigToJson(c));
            QCOMPARE(j.at("d_model").get<int>(), 64);
            QCOMPARE(j.at("mlp_hidden_size").get<int>(), 160);
            QCOMPARE(j.at("embedding_size").get<int>(), 320);
            QCOMPARE(j.at("mask_token_id").get<int>(), 299);
        } else {
            std::ifstream in(dlm::testing::sourceDir().toStdString() + "/models/demo/config.json");
            QVERIFY(in.good());
            j = Json::parse(in);
        }
        const char *const dataclassFields[] = {"d_model", "n_heads", "n_kv_heads", "n_layers", "mlp_ratio",
            "mlp_hidden_size", "activation_type", "block_type", "block_group_size", "alibi", "alibi_bias_max", "rope",
            "rope_full_precision", "flash_attention", "attention_dropout", "multi_query_attention",
            "attention_layer_norm", "residual_dropout", "embedding_dropout", "input_emb_norm", "layer_norm_type",
            "layer_norm_with_affine", "rms_norm_eps", "attention_layer_norm_with_affine", "max_sequence_length",
            "rope_theta", "include_qkv_bias", "include_bias", "bias_for_layer_norm", "scale_logits", "vocab_size",
            "embedding_size", "weight_tying", "eos_token_id", "pad_token_id", "mask_token_id", "init_device", "init_fn",
            "init_std", "init_cutoff_factor", "precision"};
        for (const char *field : dataclassFields)
            QVERIFY2(j.contains(field), field);
        // The values that decide the network's shape and arithmetic.
        const Json expected = Json::parse(R"({"rope": true, "alibi": false, "weight_tying": false,
            "layer_norm_type": "rms", "layer_norm_with_affine": true, "include_bias": false,
            "bias_for_layer_norm": false, "include_qkv_bias": false, "activation_type": "silu", "block_type": "llama",
            "attention_layer_norm": false, "input_emb_norm": false, "scale_logits": false,
            "multi_query_attention": null, "attention_dropout": 0.0, "residual_dropout": 0.0,
            "embedding_dropout": 0.0, "flash_attention": false, "model_type": "llada",
            "architectures": ["LLaDAModelLM"]})");
        for (auto it = expected.begin(); it != expected.end(); ++it)
            QVERIFY2(j.at(it.key()) == it.value(), (it.key() + " is " + j.at(it.key()).dump()).c_str());
        QCOMPARE(j.at("auto_map").at("AutoConfig").get<std::string>(), std::string("configuration_llada.LLaDAConfig"));
        QCOMPARE(j.at("auto_map").at("AutoModel").get<std::string>(), std::string("modeling_llada.LLaDAModelLM"));
        // n_kv_heads with multi_query_attention null is taken as given; the head size must divide evenly.
        QCOMPARE(j.at("d_model").get<int>() % j.at("n_heads").get<int>(), 0);
    }
};

QTEST_GUILESS_MAIN(TestModelConfig)
#include "test_model_config.moc"
