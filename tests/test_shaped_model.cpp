// The shaped-model writer: a published checkpoint's layout (shards + index) written by streaming, and read
// back by the same WeightStore the loader uses.
#include "core/base/file_util.h"
#include "core/model/llada_tensors.h"
#include "core/model/memory_estimate.h"
#include "core/model/shaped_model.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace dlm;

class TestShapedModel : public QObject
{
    Q_OBJECT

private:
    static ModelConfig smallConfig()
    {
        ModelConfig c;
        c.dModel = 64;
        c.nHeads = 4;
        c.nKvHeads = 2;
        c.nLayers = 3;
        c.mlpHiddenSize = 96;
        c.vocabSize = c.embeddingSize = 300;
        c.maxSequenceLength = 128;
        c.maskTokenId = 299;
        c.eosTokenId = c.padTokenId = 1;
        return c;
    }

private slots:
    void publishedShapes()
    {
        const Result<ModelConfig> big = shapedModelConfig("llada-8b");
        QVERIFY(big.ok());
        // LLaDA-8B-Instruct's config.json: 32 layers of d_model 4096, MLP 12,288, 126,464 rows, mask 126336.
        QCOMPARE(big->nLayers, 32);
        QCOMPARE(big->dModel, 4096);
        QCOMPARE(big->mlpHiddenSize, 12288);
        QCOMPARE(big->vocabSize, 126464);
        QCOMPARE(big->maskTokenId, 126336);
        // 8.0 billion parameters: 32 x (4 x 4096^2 + 3 x 4096 x 12288 + 2 x 4096) + 2 x 126464 x 4096 + 4096.
        const int64_t perLayer = 4LL * 4096 * 4096 + 3LL * 4096 * 12288 + 2LL * 4096;
        QCOMPARE(big->parameterCount(), 32 * perLayer + 2LL * 126464 * 4096 + 4096);
        const Result<ModelConfig> unknown = shapedModelConfig("llada-80b");
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().find("llada-1b") != std::string::npos);
    }

    void eightBillionOnA24GigabyteLaptop()
    {
        // f32 compute would copy 32 GB of weights: refused, naming the memory and the bf16 way, which fits.
        const ModelConfig big = *shapedModelConfig("llada-8b");
        const uint64_t laptop = 24ull << 30;
        const Status f32 = checkFitsMemory(big, ComputeDType::F32, 288, laptop);
        QVERIFY(!f32.ok());
        QVERIFY2(f32.error().find("with --dtype bf16 it needs about") != std::string::npos, f32.error().c_str());
        QVERIFY(checkFitsMemory(big, ComputeDType::BF16, 288, laptop).ok());
        // Where bf16 does not fit either, no such advice.
        const Status tiny = checkFitsMemory(big, ComputeDType::F32, 288, 8ull << 30);
        QVERIFY(!tiny.ok());
        QVERIFY(tiny.error().find("--dtype bf16") == std::string::npos);
    }

    void writesShardsThatTheLoaderReads()
    {
        QTemporaryDir dir;
        const ModelConfig config = smallConfig();
        ShapedModelOptions options;
        options.maxShardBytes = 40000; // forces several shards
        uint64_t lastWritten = 0, lastTotal = 0;
        const Status written
            = writeShapedModel(dir.path().toStdString(), config, options, [&](uint64_t done, uint64_t total) {
                  QVERIFY(done >= lastWritten);
                  lastWritten = done;
                  lastTotal = total;
              });
        QVERIFY2(written.ok(), written.error().c_str());
        QCOMPARE(lastWritten, lastTotal);
        QVERIFY(fileExists(joinPath(dir.path().toStdString(), "config.json")));

        const auto store = WeightStore::openDirectory(dir.path().toStdString());
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().c_str());
        QVERIFY((*store)->files().size() > 2);
        const std::vector<LladaTensorSpec> specs = lladaTensors(config);
        QCOMPARE((*store)->tensors().size(), specs.size());
        uint64_t total = 0;
        for (const LladaTensorSpec &spec : specs) {
            const TensorView *view = (*store)->find(spec.name);
            QVERIFY2(view, spec.name.c_str());
            QCOMPARE(view->dtype, TensorDType::BF16);
            QCOMPARE(view->shape, spec.shape);
            total += view->byteSize;
            const auto *bits = reinterpret_cast<const uint16_t *>(view->data);
            double sumSquares = 0;
            for (int64_t i = 0; i < view->elementCount(); ++i) {
                const float v = bf16ToFloat(bits[i]);
                if (isNormRole(spec.role))
                    QCOMPARE(v, 1.0f);
                else
                    QVERIFY(std::fabs(v) < 0.02f * std::sqrt(3.0f) * 1.01f);
                sumSquares += double(v) * v;
            }
            if (!isNormRole(spec.role) && view->elementCount() > 1000) {
                const double std = std::sqrt(sumSquares / double(view->elementCount()));
                QVERIFY2(std > 0.018 && std < 0.022, (spec.name + ": std " + std::to_string(std)).c_str());
            }
        }
        QCOMPARE(total, lastTotal);
    }

    void sameSeedSameBytes()
    {
        QTemporaryDir a, b;
        ShapedModelOptions options;
        options.dtype = TensorDType::F32;
        QVERIFY(writeShapedModel(a.path().toStdString(), smallConfig(), options).ok());
        QVERIFY(writeShapedModel(b.path().toStdString(), smallConfig(), options).ok());
        const auto first = readTextFile(joinPath(a.path().toStdString(), "model-00001-of-00001.safetensors"), 1u << 30);
        const auto second
            = readTextFile(joinPath(b.path().toStdString(), "model-00001-of-00001.safetensors"), 1u << 30);
        QVERIFY(first.ok() && second.ok());
        QVERIFY(*first == *second);
    }

    void unwritableDirectoryIsReported()
    {
        const Status s = writeShapedModel("/nonexistent-dir/model", smallConfig(), {});
        QVERIFY(!s.ok());
        QVERIFY(s.error().find("/nonexistent-dir/model") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestShapedModel)
#include "test_shaped_model.moc"
