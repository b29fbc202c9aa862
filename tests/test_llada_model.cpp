// The LLaDA transformer against a naive loop implementation written from the architecture description
// (double precision, no tensor library), plus loading: storage dtypes, shards, memory mapping, bad weights,
// save/load round trip and bidirectional attention.
#include "core/model/llada_model.h"
#include "core/base/compute_threads.h"

#include <ATen/ATen.h>

#include "core/base/file_util.h"
#include "core/model/safetensors.h"
#include "tiny_model.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace dlm;
using dlm::testing::TinyModelOptions;
using dlm::testing::writeTinyModel;

namespace {

using Mat = std::vector<std::vector<double>>; // [rows][cols]

Mat matrix(const WeightStore &store, const std::string &name)
{
    const TensorView *v = store.find(name);
    const float *f = reinterpret_cast<const float *>(v->data);
    const int64_t rows = v->shape[0], cols = v->shape.size() > 1 ? v->shape[1] : 1;
    Mat m(static_cast<size_t>(rows), std::vector<double>(static_cast<size_t>(cols)));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            m[static_cast<size_t>(r)][static_cast<size_t>(c)] = f[r * cols + c];
    return m;
}

std::vector<double> vec(const WeightStore &store, const std::string &name)
{
    Mat m = matrix(store, name);
    std::vector<double> out;
    for (auto &row : m)
        out.push_back(row[0]);
    return out;
}

// y = W x for W [out][in]
std::vector<double> matVec(const Mat &w, const std::vector<double> &x)
{
    std::vector<double> y(w.size(), 0.0);
    for (size_t o = 0; o < w.size(); ++o)
        for (size_t i = 0; i < x.size(); ++i)
            y[o] += w[o][i] * x[i];
    return y;
}

std::vector<double> rmsnorm(const std::vector<double> &x, const std::vector<double> &g, double eps)
{
    double ms = 0;
    for (double v : x)
        ms += v * v;
    ms /= static_cast<double>(x.size());
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        y[i] = g[i] * x[i] / std::sqrt(ms + eps);
    return y;
}

// Rotary on one head vector at position pos, NeoX layout: element i pairs with i + d/2.
void rope(std::vector<double> &h, size_t offset, int hd, int pos, double theta)
{
    const int half = hd / 2;
    for (int i = 0; i < half; ++i) {
        const double freq = 1.0 / std::pow(theta, (2.0 * i) / hd);
        const double a = pos * freq;
        const double x1 = h[offset + i], x2 = h[offset + i + half];
        h[offset + i] = x1 * std::cos(a) - x2 * std::sin(a);
        h[offset + i + half] = x2 * std::cos(a) + x1 * std::sin(a);
    }
}

Mat naiveLogits(const std::string &dir, const ModelConfig &c, const std::vector<int64_t> &ids)
{
    auto store = *WeightStore::openDirectory(dir);
    const std::string p = "model.transformer.";
    const Mat wte = matrix(*store, p + "wte.weight");
    const int L = static_cast<int>(ids.size()), d = c.dModel, nh = c.nHeads, nkv = c.nKvHeads, hd = c.headDim();
    Mat x(static_cast<size_t>(L));
    for (int t = 0; t < L; ++t)
        x[static_cast<size_t>(t)] = wte[static_cast<size_t>(ids[static_cast<size_t>(t)])];
    for (int layer = 0; layer < c.nLayers; ++layer) {
        const std::string b = p + "blocks." + std::to_string(layer) + ".";
        const Mat wq = matrix(*store, b + "q_proj.weight"), wk = matrix(*store, b + "k_proj.weight"),
                  wv = matrix(*store, b + "v_proj.weight"), wo = matrix(*store, b + "attn_out.weight"),
                  wg = matrix(*store, b + "ff_proj.weight"), wu = matrix(*store, b + "up_proj.weight"),
                  wd = matrix(*store, b + "ff_out.weight");
        const auto an = vec(*store, b + "attn_norm.weight"), fn = vec(*store, b + "ff_norm.weight");
        Mat q(static_cast<size_t>(L)), k(static_cast<size_t>(L)), v(static_cast<size_t>(L));
        for (int t = 0; t < L; ++t) {
            const auto h = rmsnorm(x[static_cast<size_t>(t)], an, c.rmsNormEps);
            q[static_cast<size_t>(t)] = matVec(wq, h);
            k[static_cast<size_t>(t)] = matVec(wk, h);
            v[static_cast<size_t>(t)] = matVec(wv, h);
            for (int hh = 0; hh < nh; ++hh)
                rope(q[static_cast<size_t>(t)], static_cast<size_t>(hh * hd), hd, t, c.ropeTheta);
            for (int hh = 0; hh < nkv; ++hh)
                rope(k[static_cast<size_t>(t)], static_cast<size_t>(hh * hd), hd, t, c.ropeTheta);
        }
        Mat attn(static_cast<size_t>(L), std::vector<double>(static_cast<size_t>(d), 0.0));
        for (int hh = 0; hh < nh; ++hh) {
            const int kvHead = hh / (nh / nkv); // grouped heads share a KV head
            for (int t = 0; t < L; ++t) {
                std::vector<double> s(static_cast<size_t>(L));
                double mx = -1e300;
                for (int u = 0; u < L; ++u) { // every position, both directions
                    double dot = 0;
                    for (int i = 0; i < hd; ++i)
                        dot += q[static_cast<size_t>(t)][static_cast<size_t>(hh * hd + i)]
                            * k[static_cast<size_t>(u)][static_cast<size_t>(kvHead * hd + i)];
                    s[static_cast<size_t>(u)] = dot / std::sqrt(static_cast<double>(hd));
                    mx = std::max(mx, s[static_cast<size_t>(u)]);
                }
                double z = 0;
                for (double &e : s) {
                    e = std::exp(e - mx);
                    z += e;
                }
                for (int u = 0; u < L; ++u)
                    for (int i = 0; i < hd; ++i)
                        attn[static_cast<size_t>(t)][static_cast<size_t>(hh * hd + i)] += s[static_cast<size_t>(u)] / z
                            * v[static_cast<size_t>(u)][static_cast<size_t>(kvHead * hd + i)];
            }
        }
        for (int t = 0; t < L; ++t) {
            const auto o = matVec(wo, attn[static_cast<size_t>(t)]);
            for (int i = 0; i < d; ++i)
                x[static_cast<size_t>(t)][static_cast<size_t>(i)] += o[static_cast<size_t>(i)];
            const auto h = rmsnorm(x[static_cast<size_t>(t)], fn, c.rmsNormEps);
            auto g = matVec(wg, h);
            const auto u = matVec(wu, h);
            for (size_t i = 0; i < g.size(); ++i)
                g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i]; // silu(gate) * up
            const auto f = matVec(wd, g);
            for (int i = 0; i < d; ++i)
                x[static_cast<size_t>(t)][static_cast<size_t>(i)] += f[static_cast<size_t>(i)];
        }
    }
    const auto lnf = vec(*store, p + "ln_f.weight");
    const Mat head = matrix(*store, p + "ff_out.weight");
    Mat out;
    for (int t = 0; t < L; ++t)
        out.push_back(matVec(head, rmsnorm(x[static_cast<size_t>(t)], lnf, c.rmsNormEps)));
    return out;
}

at::Tensor idsTensor(const std::vector<int64_t> &ids)
{
    return at::tensor(ids, at::kLong).unsqueeze(0);
}

double maxAbsDiff(const at::Tensor &a, const at::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

} // namespace

class TestLladaModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::string m_dir;
    ModelConfig m_config;
    const std::vector<int64_t> m_ids {5, 17, 3, 3, 42, 7, 199, 0, 3, 88};

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_dir = m_tmp.filePath(QStringLiteral("f32")).toStdString();
        auto c = writeTinyModel(m_dir, TinyModelOptions {});
        QVERIFY2(c.ok(), c.error().c_str());
        m_config = *c;
        setComputeThreads(2);
    }

    void matchesNaiveImplementation()
    {
        auto model = LladaModel::load(m_dir);
        QVERIFY2(model.ok(), model.error().c_str());
        const at::Tensor logits = (*model)->logits(idsTensor(m_ids));
        QCOMPARE(logits.size(0), 1);
        QCOMPARE(logits.size(1), static_cast<int64_t>(m_ids.size()));
        QCOMPARE(logits.size(2), static_cast<int64_t>(m_config.vocabSize));
        const Mat ref = naiveLogits(m_dir, m_config, m_ids);
        double worst = 0;
        for (size_t t = 0; t < ref.size(); ++t)
            for (size_t v = 0; v < ref[t].size(); ++v)
                worst = std::max(worst,
                    std::abs(ref[t][v] - logits[0][static_cast<int64_t>(t)][static_cast<int64_t>(v)].item<double>()));
        QVERIFY2(worst < 1e-4, qPrintable(QStringLiteral("max |diff| = %1").arg(worst)));
    }

    void attentionIsBidirectional()
    {
        auto model = *LladaModel::load(m_dir);
        auto changed = m_ids;
        changed.back() = 11; // a change at the last position must reach the first one
        const at::Tensor a = model->logits(idsTensor(m_ids)), b = model->logits(idsTensor(changed));
        QVERIFY(maxAbsDiff(a[0][0], b[0][0]) > 1e-6);
    }

    void batchRowsAreIndependent()
    {
        auto model = *LladaModel::load(m_dir);
        auto other = m_ids;
        std::reverse(other.begin(), other.end());
        const at::Tensor both = model->logits(at::cat({idsTensor(m_ids), idsTensor(other)}, 0));
        QVERIFY(maxAbsDiff(both[0], model->logits(idsTensor(m_ids))[0]) < 1e-5);
    }

    void f32WeightsAreMemoryMapped()
    {
        auto model = *LladaModel::load(m_dir);
        const auto addr = reinterpret_cast<uintptr_t>(model->weights().wte.data_ptr());
        std::ifstream maps("/proc/self/maps");
        std::string line;
        bool inFile = false;
        while (std::getline(maps, line)) {
            if (line.find("model.safetensors") == std::string::npos)
                continue;
            std::istringstream in(line);
            std::string range;
            in >> range;
            const auto dash = range.find('-');
            const uintptr_t lo = std::stoull(range.substr(0, dash), nullptr, 16);
            const uintptr_t hi = std::stoull(range.substr(dash + 1), nullptr, 16);
            inFile = inFile || (addr >= lo && addr < hi);
        }
        QVERIFY2(inFile, "wte should point into the mapped model.safetensors, not a copy");
    }

    void storageDTypes_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("F16") << static_cast<int>(TensorDType::F16) << 2e-2;
        QTest::newRow("BF16") << static_cast<int>(TensorDType::BF16) << 1e-1;
    }
    void storageDTypes()
    {
        QFETCH(int, dtype);
        QFETCH(double, tolerance);
        TinyModelOptions o;
        o.dtype = static_cast<TensorDType>(dtype);
        o.writeTokenizer = false;
        const std::string dir = m_tmp.filePath(QString::number(dtype)).toStdString();
        QVERIFY(writeTinyModel(dir, o).ok());
        auto half = LladaModel::load(dir);
        QVERIFY2(half.ok(), half.error().c_str());
        auto full = *LladaModel::load(m_dir);
        // Same seed, rounded weights: logits stay close to the F32 model's.
        const double diff = maxAbsDiff((*half)->logits(idsTensor(m_ids)), full->logits(idsTensor(m_ids)));
        QVERIFY2(diff < tolerance, qPrintable(QString::number(diff)));
    }

    void bf16Compute()
    {
        auto f32 = *LladaModel::load(m_dir, ComputeDType::F32);
        auto bf16 = LladaModel::load(m_dir, ComputeDType::BF16);
        QVERIFY2(bf16.ok(), bf16.error().c_str());
        QCOMPARE((*bf16)->weights().wte.scalar_type(), at::kBFloat16);
        const at::Tensor a = f32->logits(idsTensor(m_ids)), b = (*bf16)->logits(idsTensor(m_ids));
        QCOMPARE(b.scalar_type(), at::kFloat);
        QVERIFY(maxAbsDiff(a, b) < 0.1);
        QVERIFY(maxAbsDiff(a, b) > 0.0); // really computed in bf16
    }

    void shardsGiveTheSameLogits()
    {
        TinyModelOptions o;
        o.shards = 3;
        o.writeTokenizer = false;
        const std::string dir = m_tmp.filePath(QStringLiteral("sharded")).toStdString();
        QVERIFY(writeTinyModel(dir, o).ok());
        QVERIFY(fileExists(joinPath(dir, "model.safetensors.index.json")));
        auto sharded = LladaModel::load(dir);
        QVERIFY2(sharded.ok(), sharded.error().c_str());
        auto single = *LladaModel::load(m_dir);
        QCOMPARE(maxAbsDiff((*sharded)->logits(idsTensor(m_ids)), single->logits(idsTensor(m_ids))), 0.0);
    }

    void saveThenLoadRoundTrip()
    {
        auto model = *LladaModel::load(m_dir);
        const std::string out = m_tmp.filePath(QStringLiteral("saved")).toStdString();
        QVERIFY(QDir().mkpath(QString::fromStdString(out)));
        QVERIFY(model->save(out, TensorDType::F32).ok());
        auto again = LladaModel::load(out);
        QVERIFY2(again.ok(), again.error().c_str());
        QCOMPARE(maxAbsDiff((*again)->logits(idsTensor(m_ids)), model->logits(idsTensor(m_ids))), 0.0);
    }

    void badWeightsAreReported_data()
    {
        QTest::addColumn<QString>("drop"); // tensor to leave out
        QTest::addColumn<QString>("reshape"); // tensor to write with a wrong shape
        QTest::addColumn<QString>("fragment"); // expected in the message
        QTest::newRow("missing tensor") << QStringLiteral("model.transformer.blocks.1.up_proj.weight") << QString()
                                        << QStringLiteral("missing tensor 'model.transformer.blocks.1.up_proj.weight'");
        QTest::newRow("missing head") << QStringLiteral("model.transformer.ff_out.weight") << QString()
                                      << QStringLiteral("missing tensor 'model.transformer.ff_out.weight'");
        QTest::newRow("wrong shape") << QString() << QStringLiteral("model.transformer.blocks.0.k_proj.weight")
                                     << QStringLiteral("'model.transformer.blocks.0.k_proj.weight' has shape [3, 32]");
    }
    void badWeightsAreReported()
    {
        QFETCH(QString, drop);
        QFETCH(QString, reshape);
        QFETCH(QString, fragment);
        const std::string dir = m_tmp.filePath(QStringLiteral("bad-") + QString::number(qHash(fragment))).toStdString();
        QVERIFY(QDir().mkpath(QString::fromStdString(dir)));
        QVERIFY(writeFileAtomic(joinPath(dir, "config.json"), modelConfigToJson(m_config)).ok());
        std::vector<TensorToWrite> tensors;
        for (const LladaTensorSpec &spec : lladaTensors(m_config)) {
            if (spec.name == drop.toStdString())
                continue;
            TensorToWrite t;
            t.name = spec.name;
            t.shape = spec.name == reshape.toStdString() ? std::vector<int64_t> {3, 32} : spec.shape;
            int64_t n = 1;
            for (int64_t s : t.shape)
                n *= s;
            t.bytes.assign(static_cast<size_t>(n) * 4, 0);
            tensors.push_back(std::move(t));
        }
        QVERIFY(writeSafetensors(joinPath(dir, "model.safetensors"), tensors).ok());
        auto model = LladaModel::load(dir);
        QVERIFY(!model.ok());
        QVERIFY2(model.error().find(fragment.toStdString()) != std::string::npos, model.error().c_str());
    }

    void notAModelDirectory()
    {
        auto model = LladaModel::load(m_tmp.filePath(QStringLiteral("nowhere")).toStdString());
        QVERIFY(!model.ok());
        QVERIFY2(model.error().find("config.json") != std::string::npos, model.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestLladaModel)
#include "test_llada_model.moc"
