// config.json of the three families: which family a file names (architectures first, then model_type),
// Dream's and LLaDA-MoE's Hugging Face keys, the values refused with a message naming the key, and the
// family tensor tables' sizes counted by hand.
#include "core/model/family_tensors.h"
#include "core/model/model_config.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace dlm;
using Json = nlohmann::json;

namespace {

// Dream-v0-7B's shape, scaled down; key names as its published config.json.
Json dreamConfig()
{
    return Json::parse(R"({"architectures": ["DreamModel"], "model_type": "Dream", "hidden_size": 64,
        "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "hidden_act": "silu", "max_position_embeddings": 512, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
        "rope_scaling": null, "tie_word_embeddings": false, "vocab_size": 300, "mask_token_id": 290,
        "pad_token_id": 280, "bos_token_id": 280, "eos_token_id": 281, "use_sliding_window": false})");
}

// LLaDA-MoE-7B-A1B's keys (no mask id, model_type "llada"), scaled down.
Json moeConfig()
{
    return Json::parse(R"({"architectures": ["LLaDAMoEModelLM"], "model_type": "llada", "hidden_size": 64,
        "dense_intermediate_size": 128, "expert_intermediate_size": 16, "shared_expert_intermediate_size": null,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4, "num_experts": 8,
        "num_experts_per_tok": 2, "norm_topk_prob": false, "moe_layer_freq": [1, 1], "qk_layernorm": true,
        "attention_bias": false, "clip_qkv": null, "moe_router_enable_expert_bias": false,
        "moe_router_score_function": "softmax", "partial_rotary_factor": 1, "rope_theta": 50000,
        "rope_scaling": null, "rms_norm_eps": 1e-05, "max_position_embeddings": 8192, "vocab_size": 300,
        "pad_token_id": 299, "eos_token_id": 298, "tie_word_embeddings": false})");
}

Json lladaConfig()
{
    return Json::parse(R"({"d_model": 64, "n_heads": 4, "n_layers": 2, "mlp_hidden_size": 96, "vocab_size": 300,
        "max_sequence_length": 512, "mask_token_id": 290})");
}

Result<ModelConfig> parse(const Json &j)
{
    return parseModelConfig(j.dump(), "config.json");
}

} // namespace

class TestFamilyConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detection_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("family"); // -1: refused
        QTest::addColumn<QString>("message");
        Json moeByTypeOnly = moeConfig();
        moeByTypeOnly.erase("architectures"); // model_type "llada" alone reads LLaDA's keys, which it lacks
        Json dreamByType = dreamConfig();
        dreamByType.erase("architectures");
        Json unknown = dreamConfig();
        unknown["architectures"] = {"Qwen2ForCausalLM"};
        Json unknownType = dreamConfig();
        unknownType.erase("architectures");
        unknownType["model_type"] = "qwen2";
        Json lladaArch = lladaConfig();
        lladaArch["architectures"] = {"LLaDAModelLM"};
        lladaArch["model_type"] = "llada";
        const auto row = [](const char *name, const Json &j, int family, const QString &message) {
            QTest::newRow(name) << QByteArray::fromStdString(j.dump()) << family << message;
        };
        row("dream by architecture", dreamConfig(), int(ModelFamily::Dream), QString());
        row("dream by model_type", dreamByType, int(ModelFamily::Dream), QString());
        row("moe by architecture", moeConfig(), int(ModelFamily::LladaMoe), QString());
        row("llada by architecture", lladaArch, int(ModelFamily::Llada), QString());
        row("llada without either key", lladaConfig(), int(ModelFamily::Llada), QString());
        row("moe keys under model_type llada", moeByTypeOnly, -1, QStringLiteral("$.d_model"));
        row("unknown architecture", unknown, -1,
            QStringLiteral("$.architectures[0]: unknown architecture 'Qwen2ForCausalLM'; supported: LLaDAModelLM"));
        row("unknown model_type", unknownType, -1, QStringLiteral("$.model_type: unknown model_type 'qwen2'"));
    }

    void detection()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, family);
        QFETCH(QString, message);
        const Result<ModelConfig> c = parseModelConfig(text.toStdString(), "config.json");
        if (family < 0) {
            QVERIFY(!c.ok());
            QVERIFY2(QString::fromStdString(c.error()).contains(message), c.error().c_str());
            QVERIFY(!QString::fromStdString(c.error()).contains(QLatin1Char('\n')));
            return;
        }
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().c_str());
        QCOMPARE(int(c->family), family);
    }

    void dreamKeys()
    {
        Json j = dreamConfig();
        j["eos_token_id"] = {281, 280}; // Hugging Face allows a list; the first is the stop id
        const Result<ModelConfig> c = parse(j);
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().c_str());
        QCOMPARE(c->dModel, 64);
        QCOMPARE(c->nHeads, 4);
        QCOMPARE(c->nKvHeads, 2);
        QCOMPARE(c->mlpHiddenSize, 96);
        QCOMPARE(c->maxSequenceLength, 512);
        QCOMPARE(c->ropeTheta, 1e6);
        QCOMPARE(c->rmsNormEps, 1e-6);
        QCOMPARE(c->maskTokenId, 290);
        QCOMPARE(c->eosTokenId, 281);
        QCOMPARE(c->padTokenId, 280);
        QVERIFY(c->qkvBias);
        QVERIFY(!c->outBias);
        QVERIFY(!c->qkNorm);
        // num_key_value_heads null: as many KV heads as query heads; absent eps/theta: Dream's defaults.
        j["num_key_value_heads"] = nullptr;
        j.erase("rms_norm_eps");
        j.erase("rope_theta");
        const Result<ModelConfig> d = parse(j);
        QVERIFY(d.ok());
        QCOMPARE(d->nKvHeads, 4);
        QCOMPARE(d->rmsNormEps, 1e-6);
        QCOMPARE(d->ropeTheta, 10000.0);
    }

    void moeKeys()
    {
        const Result<ModelConfig> c = parse(moeConfig());
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().c_str());
        QCOMPARE(c->numExperts, 8);
        QCOMPARE(c->expertsPerToken, 2);
        QCOMPARE(c->expertIntermediateSize, 16);
        QCOMPARE(c->mlpHiddenSize, 128);
        QCOMPARE(c->sharedExpertIntermediateSize, 0);
        QVERIFY(c->qkNorm);
        QVERIFY(!c->qkvBias);
        QCOMPARE(c->maskTokenId, -1); // resolved from the tokenizer by the loader
        QCOMPARE(c->ropeTheta, 50000.0);
        QVERIFY(c->isMoeLayer(0) && c->isMoeLayer(1));
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *name, Json j, const char *key, Json value, const char *message) {
            j[key] = value;
            QTest::newRow(name) << QByteArray::fromStdString(j.dump()) << QString::fromUtf8(message);
        };
        row("dream heads do not divide", dreamConfig(), "num_attention_heads", 5,
            "$.num_attention_heads: hidden_size (64) must be divisible by num_attention_heads (5)");
        row("dream kv heads do not divide", dreamConfig(), "num_key_value_heads", 3,
            "$.num_key_value_heads: num_attention_heads (4) must be a multiple of num_key_value_heads (3)");
        row("dream rope scaling", dreamConfig(), "rope_scaling", Json {{"type", "yarn"}}, "$.rope_scaling:");
        row("dream gelu", dreamConfig(), "hidden_act", "gelu", "$.hidden_act: \"gelu\" is not supported");
        row("top-k over the experts", moeConfig(), "num_experts_per_tok", 9,
            "$.num_experts_per_tok: num_experts_per_tok (9) must not exceed num_experts (8)");
        row("layer flags of the wrong length", moeConfig(), "moe_layer_freq", Json {1, 1, 1},
            "$.moe_layer_freq: has 3 entries but num_hidden_layers is 2");
        row("clip_qkv", moeConfig(), "clip_qkv", 8.0, "$.clip_qkv: 8.0 is not supported");
        row("expert bias", moeConfig(), "moe_router_enable_expert_bias", true, "$.moe_router_enable_expert_bias");
        row("partial rotary", moeConfig(), "partial_rotary_factor", 0.5, "$.partial_rotary_factor");
        row("no experts", moeConfig(), "num_experts", 0, "$.num_experts");
        Json dense = moeConfig();
        dense["dense_intermediate_size"] = -1;
        row("dense layer without a size", dense, "moe_layer_freq", Json {0, 1},
            "$.dense_intermediate_size: must be positive: moe_layer_freq makes layer 0 a dense MLP");
    }

    void refused()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        const Result<ModelConfig> c = parseModelConfig(text.toStdString(), "config.json");
        QVERIFY(!c.ok());
        QVERIFY2(QString::fromStdString(c.error()).startsWith(QStringLiteral("config.json: ")), c.error().c_str());
        QVERIFY2(QString::fromStdString(c.error()).contains(message), c.error().c_str());
    }

    void writtenConfigReadsBack_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("dream") << QByteArray::fromStdString(dreamConfig().dump());
        Json moe = moeConfig();
        moe["moe_layer_freq"] = {0, 1};
        moe["shared_expert_intermediate_size"] = 32;
        moe["attention_bias"] = true;
        QTest::newRow("moe with a dense layer and a shared expert") << QByteArray::fromStdString(moe.dump());
    }

    void writtenConfigReadsBack()
    {
        QFETCH(QByteArray, text);
        const Result<ModelConfig> a = parseModelConfig(text.toStdString(), "config.json");
        QVERIFY2(a.ok(), a.ok() ? "" : a.error().c_str());
        const Result<ModelConfig> b = parseModelConfig(modelConfigToJson(*a), "written.json");
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().c_str());
        QCOMPARE(modelConfigToJson(*b), modelConfigToJson(*a));
        QCOMPARE(b->family, a->family);
        QCOMPARE(b->moeLayers, a->moeLayers);
        QCOMPARE(b->sharedExpertIntermediateSize, a->sharedExpertIntermediateSize);
        QCOMPARE(b->qkvBias, a->qkvBias);
        QCOMPARE(b->parameterCount(), a->parameterCount());
    }

    void tablesByHand()
    {
        // Dream: embed 300x64, per layer 2 norms (64) + q 64x64+64, k,v 32x64+32, o 64x64, MLP 3x96x64; norm;
        // head 300x64.
        const Result<ModelConfig> dream = parse(dreamConfig());
        const int64_t dreamLayer = 2 * 64 + (64 * 64 + 64) + 2 * (32 * 64 + 32) + 64 * 64 + 3 * 96 * 64;
        QCOMPARE(dream->parameterCount(), 300 * 64 + 2 * dreamLayer + 64 + 300 * 64);
        // LLaDA-MoE: per layer 2 norms, q/k/v/o 64x64, q/k norms (16 each), router 8x64, 8 experts 3x16x64.
        const Result<ModelConfig> moe = parse(moeConfig());
        const int64_t moeLayer = 2 * 64 + 4 * 64 * 64 + 2 * 16 + 8 * 64 + 8 * 3 * 16 * 64;
        QCOMPARE(moe->parameterCount(), 300 * 64 + 2 * moeLayer + 64 + 300 * 64);
        const std::vector<TensorSpec> table = familyTensors(*moe);
        QCOMPARE(table[1].name, std::string("model.layers.0.input_layernorm.weight"));
        bool router = false, expert = false;
        for (const TensorSpec &t : table) {
            router |= t.name == "model.layers.1.mlp.gate.weight" && t.shape == std::vector<int64_t> {8, 64};
            expert |= t.name == "model.layers.1.mlp.experts.7.down_proj.weight"
                && t.shape == std::vector<int64_t> {64, 16};
        }
        QVERIFY(router && expert);
    }
};

QTEST_GUILESS_MAIN(TestFamilyConfig)
#include "test_family_config.moc"
