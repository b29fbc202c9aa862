// bf16 compute on a bf16 checkpoint runs on the memory-mapped file itself: no weight tensor owns storage of
// its own (an 8B model has 16 GB of weights and a laptop has no room for a second copy).
#include "core/model/llada_model.h"

#include <ATen/ATen.h>

#include "tiny_model.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace dlm;

namespace {

struct Range
{
    uintptr_t lo, hi;
};

/** Address ranges of this process's mappings of files whose name contains `fileName`. */
std::vector<Range> mappingsOf(const std::string &fileName)
{
    std::vector<Range> ranges;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        if (line.find(fileName) == std::string::npos)
            continue;
        std::istringstream in(line);
        std::string range;
        in >> range;
        const auto dash = range.find('-');
        ranges.push_back(
            {std::stoull(range.substr(0, dash), nullptr, 16), std::stoull(range.substr(dash + 1), nullptr, 16)});
    }
    return ranges;
}

bool inside(const at::Tensor &t, const std::vector<Range> &ranges)
{
    const auto first = reinterpret_cast<uintptr_t>(t.data_ptr());
    const auto last = first + uintptr_t(t.numel() * t.element_size()) - 1;
    for (const Range &r : ranges)
        if (first >= r.lo && last < r.hi)
            return true;
    return false;
}

} // namespace

class TestWeightMapping : public QObject
{
    Q_OBJECT

private slots:
    void bf16ComputeUsesTheMappedFile_data()
    {
        QTest::addColumn<int>("shards");
        QTest::newRow("one file") << 1;
        QTest::newRow("sharded") << 3;
    }

    void bf16ComputeUsesTheMappedFile()
    {
        QFETCH(int, shards);
        QTemporaryDir dir;
        dlm::testing::TinyModelOptions o;
        o.dtype = TensorDType::BF16;
        o.shards = shards;
        o.writeTokenizer = false;
        QVERIFY(dlm::testing::writeTinyModel(dir.path().toStdString(), o).ok());
        auto model = LladaModel::load(dir.path().toStdString(), ComputeDType::BF16);
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().c_str());

        const std::vector<Range> ranges = mappingsOf(".safetensors");
        QVERIFY(!ranges.empty());
        int checked = 0;
        for (const auto &[name, tensor] : (*model)->weights().named((*model)->config())) {
            QCOMPARE(tensor.scalar_type(), at::kBFloat16);
            QVERIFY2(inside(tensor, ranges), (name + " owns a copy instead of pointing into the mapped file").c_str());
            ++checked;
        }
        QCOMPARE(checked, int(lladaTensors((*model)->config()).size()));
    }

    void f32ComputeOnBf16WeightsConverts()
    {
        // The other way round is a conversion, and must be one (the check above is not vacuous).
        QTemporaryDir dir;
        dlm::testing::TinyModelOptions o;
        o.dtype = TensorDType::BF16;
        o.writeTokenizer = false;
        QVERIFY(dlm::testing::writeTinyModel(dir.path().toStdString(), o).ok());
        auto model = LladaModel::load(dir.path().toStdString(), ComputeDType::F32);
        QVERIFY(model.ok());
        QVERIFY(!inside((*model)->weights().wte, mappingsOf(".safetensors")));
    }
};

QTEST_GUILESS_MAIN(TestWeightMapping)
#include "test_weight_mapping.moc"
