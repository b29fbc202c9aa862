// Dream's time grid and transfer counts, and Dream's settings (validation, JSON names, generation_config.json).
// The expected grids and counts were derived by hand from torch's linspace arithmetic (step = (eps - 1) /
// steps; i < (steps + 1) / 2: 1 + step * i, else eps - step * (steps - i), each one fused multiply-add rounded
// to float32) and Dream's count int(n * (1 - s/t)) in float32, with exact rationals in Python, not with this code.

#include "core/sampling/dream_schedule.h"
#include "core/sampling/generation_config.h"
#include "core/sampling/generation_settings.h"

#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <cstring>

using namespace dlm;

namespace {

uint32_t bitsOf(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

std::vector<int> countsOf(int steps, double eps, int masked)
{
    const std::vector<float> grid = dreamTimesteps(steps, eps);
    std::vector<int> out;
    for (int i = 0; i < steps; ++i) {
        const int k = dreamStepPlan(grid, i, masked).transferCount;
        out.push_back(k);
        masked -= k;
    }
    return out;
}

void writeFile(const QString &path, const QByteArray &contents)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(contents), contents.size());
}

} // namespace

class TestDreamSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gridMatchesTorchLinspace_data()
    {
        QTest::addColumn<int>("steps");
        QTest::addColumn<double>("eps");
        QTest::addColumn<std::vector<uint32_t>>("bits");
        QTest::newRow("7, 1e-3") << 7 << 1e-3
                                 << std::vector<uint32_t> {1065353216, 1062958868, 1060564519, 1058170170, 1054587037,
                                        1049798340, 1041443287, 981668463};
        QTest::newRow("5, 1e-3") << 5 << 1e-3
                                 << std::vector<uint32_t> {
                                        1065353216, 1062001128, 1058649040, 1053629297, 1045274244, 981668463};
        QTest::newRow("12, 0.05") << 12 << 0.05
                                  << std::vector<uint32_t> {1065353216, 1064025020, 1062696824, 1061368627, 1060040431,
                                         1058712235, 1057384038, 1055147076, 1052490684, 1049834291, 1045779797,
                                         1040467012, 1028443341};
    }
    void gridMatchesTorchLinspace()
    {
        QFETCH(int, steps);
        QFETCH(double, eps);
        QFETCH(std::vector<uint32_t>, bits);
        const std::vector<float> grid = dreamTimesteps(steps, eps);
        QCOMPARE(grid.size(), bits.size());
        for (size_t i = 0; i < bits.size(); ++i)
            QCOMPARE(bitsOf(grid[i]), bits[i]);
    }

    void transferCounts_data()
    {
        QTest::addColumn<int>("steps");
        QTest::addColumn<double>("eps");
        QTest::addColumn<int>("masked");
        QTest::addColumn<std::vector<int>>("counts");
        QTest::newRow("7 steps, 37 masks") << 7 << 1e-3 << 37 << std::vector<int> {5, 5, 5, 5, 5, 5, 7};
        QTest::newRow("5 steps, 64 masks") << 5 << 1e-3 << 64 << std::vector<int> {12, 12, 13, 13, 14};
        QTest::newRow("10 steps, 100 masks")
            << 10 << 1e-3 << 100 << std::vector<int> {9, 10, 10, 10, 10, 10, 10, 10, 10, 11};
        QTest::newRow("12 steps, eps .05, 53 masks")
            << 12 << 0.05 << 53 << std::vector<int> {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 9};
        // More steps than masks: most steps transfer nothing, the last one everything left.
        QTest::newRow("8 steps, 3 masks") << 8 << 1e-3 << 3 << std::vector<int> {0, 0, 0, 0, 0, 0, 1, 2};
    }
    void transferCounts()
    {
        QFETCH(int, steps);
        QFETCH(double, eps);
        QFETCH(int, masked);
        QFETCH(std::vector<int>, counts);
        QCOMPARE(countsOf(steps, eps, masked), counts);
    }

    void planOfEveryStep()
    {
        const std::vector<float> grid = dreamTimesteps(4, 1e-3);
        const DreamStepPlan first = dreamStepPlan(grid, 0, 10);
        QCOMPARE(first.t, 1.0f);
        QCOMPARE(first.s, grid[1]);
        QVERIFY(!first.last);
        QCOMPARE(first.revealP, 1.0f - grid[1]); // 1 - s/1
        const DreamStepPlan last = dreamStepPlan(grid, 3, 7);
        QVERIFY(last.last);
        QCOMPARE(last.transferCount, 7);
        QCOMPARE(last.revealP, 1.0f);
        // Past the grid (possible after an edit remasks a finished run): still the last step's plan.
        const DreamStepPlan beyond = dreamStepPlan(grid, 9, 2);
        QVERIFY(beyond.last);
        QCOMPARE(beyond.t, grid[3]);
        QCOMPARE(beyond.transferCount, 2);
    }

    void validationNamesTheSetting_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("eps 1") << "eps" << 1.0 << "eps must be";
        QTest::newRow("eps negative") << "eps" << -0.1 << "eps must be";
        QTest::newRow("top_p 0") << "top_p" << 0.0 << "top-p must be";
        QTest::newRow("top_p 1.5") << "top_p" << 1.5 << "top-p must be";
        QTest::newRow("alg_temp negative") << "alg_temp" << -1.0 << "alg-temp must be";
        QTest::newRow("sample_top_k negative") << "sample_top_k" << -1.0 << "sample-top-k must be";
        QTest::newRow("steps 0") << "steps" << 0.0 << "steps must be";
        QTest::newRow("threshold") << "threshold" << 0.9 << "threshold decoding applies to LLaDA";
        QTest::newRow("cfg") << "cfg" << 1.0 << "cfg scale applies to LLaDA";
    }
    void validationNamesTheSetting()
    {
        QFETCH(QString, field);
        QFETCH(double, value);
        QFETCH(QString, message);
        GenerationSettings s = dreamDefaults();
        QVERIFY(validateSettings(s).ok());
        if (field == QLatin1String("eps"))
            s.eps = value;
        else if (field == QLatin1String("top_p"))
            s.topP = value;
        else if (field == QLatin1String("alg_temp"))
            s.algTemp = value;
        else if (field == QLatin1String("sample_top_k"))
            s.sampleTopK = static_cast<int>(value);
        else if (field == QLatin1String("steps"))
            s.steps = static_cast<int>(value);
        else if (field == QLatin1String("threshold")) {
            s.useThreshold = true;
            s.threshold = value;
        } else
            s.cfgScale = value;
        const Status st = validateSettings(s);
        QVERIFY(!st.ok());
        QVERIFY2(QString::fromStdString(st.error()).contains(message), st.error().c_str());
    }

    void dreamIgnoresBlocks()
    {
        GenerationSettings s = dreamDefaults();
        s.genLength = 32;
        s.blockLength = 128; // LLaDA would refuse a block longer than the generation
        s.steps = 64; // and Dream may take more steps than tokens
        QVERIFY(validateSettings(s).ok());
        s.sampler = SamplerKind::Llada;
        QVERIFY(!validateSettings(s).ok());
    }

    void jsonRoundTrip()
    {
        GenerationSettings s = dreamDefaults();
        s.alg = DreamAlg::TopkMargin;
        s.algTemp = 0.25;
        s.topP = 0.875;
        s.sampleTopK = 17;
        s.eps = 0.0125;
        s.genLength = 77;
        const std::string text = settingsToJsonText(s);
        QVERIFY(text.find("\"sampler\": \"dream\"") != std::string::npos);
        QVERIFY(text.find("\"alg\": \"topk_margin\"") != std::string::npos);
        QVERIFY(text.find("\"sample_top_k\": 17") != std::string::npos);
        const auto back = settingsFromJsonText(text, "s.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(*back == s);
        GenerationSettings other = s;
        other.eps = 0.5;
        QVERIFY(other != s);
    }

    void lladaJsonHasNoDreamKeys()
    {
        const std::string text = settingsToJsonText(GenerationSettings {});
        for (const char *key : {"sampler", "alg", "alg_temp", "top_p", "sample_top_k", "eps"})
            QVERIFY2(text.find(std::string("\"") + key + "\"") == std::string::npos, key);
    }

    void badJsonNamesThePath()
    {
        const auto bad = settingsFromJsonText(R"({"sampler":"dream","alg":"greedy"})", "s.json");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("$.alg") != std::string::npos, bad.error().c_str());
        QVERIFY2(bad.error().find("unknown Dream alg 'greedy'") != std::string::npos, bad.error().c_str());
        const auto sampler = settingsFromJsonText(R"({"sampler":"mdlm"})", "s.json");
        QVERIFY(!sampler.ok());
        QVERIFY2(sampler.error().find("$.sampler") != std::string::npos, sampler.error().c_str());
    }

    /** Dream's generation_config.json: its top_k filters, max_new_tokens is the length, null keeps defaults. */
    void dreamGenerationConfig()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("generation_config.json")),
            R"({"alg":"entropy","alg_temp":0.1,"eps":0.002,"max_new_tokens":256,"steps":128,"temperature":0.2,
                "top_k":null,"top_p":0.95,"bos_token_id":151643,"mask_token_id":151666})");
        const auto s = loadGenerationConfig(dir.path().toStdString(), dreamDefaults());
        QVERIFY2(s.ok(), s.error().c_str());
        QCOMPARE(s->alg, DreamAlg::Entropy);
        QCOMPARE(s->algTemp, 0.1);
        QCOMPARE(s->eps, 0.002);
        QCOMPARE(s->genLength, 256);
        QCOMPARE(s->steps, 128);
        QCOMPARE(s->temperature, 0.2);
        QCOMPARE(s->topP, 0.95);
        QCOMPARE(s->sampleTopK, 0);
        QCOMPARE(s->topK, GenerationSettings {}.topK); // alternatives recorded: not Dream's top_k

        writeFile(dir.filePath(QStringLiteral("generation_config.json")), R"({"top_k":20})");
        const auto k = loadGenerationConfig(dir.path().toStdString(), dreamDefaults());
        QVERIFY2(k.ok(), k.error().c_str());
        QCOMPARE(k->sampleTopK, 20);
        QCOMPARE(k->topK, GenerationSettings {}.topK);
        QCOMPARE(k->steps, 512); // Dream's default

        writeFile(dir.filePath(QStringLiteral("generation_config.json")), R"({"alg":"fastest"})");
        const auto bad = loadGenerationConfig(dir.path().toStdString(), dreamDefaults());
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("generation_config.json") != std::string::npos, bad.error().c_str());
        QVERIFY2(bad.error().find("$.alg") != std::string::npos, bad.error().c_str());
    }

    void overridesApplyDreamFields()
    {
        SettingsOverrides o;
        QVERIFY(o.empty());
        o.alg = DreamAlg::MaskgitPlus;
        o.topP = 0.5;
        o.sampleTopK = 3;
        o.eps = 0.01;
        o.algTemp = 0.3;
        o.sampler = SamplerKind::Dream;
        QVERIFY(!o.empty());
        const GenerationSettings s = applyOverrides(GenerationSettings {}, o);
        QCOMPARE(s.sampler, SamplerKind::Dream);
        QCOMPARE(s.alg, DreamAlg::MaskgitPlus);
        QCOMPARE(s.topP, 0.5);
        QCOMPARE(s.sampleTopK, 3);
        QCOMPARE(s.eps, 0.01);
        QCOMPARE(s.algTemp, 0.3);
    }
};

QTEST_GUILESS_MAIN(TestDreamSchedule)
#include "test_dream_schedule.moc"
