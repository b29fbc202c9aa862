// Loading a model directory reports every stage in real units and stops wherever its progress callback says
// so: a cancel at any report ends the load with kLoadCancelled, leaves no file mapped, and the next load of
// the same directory works. The read-ahead changes nothing the model computes.
#include "core/model/llada_model.h"
#include "core/model/model_loader.h"
#include "core/model/read_ahead.h"
#include "core/model/safetensors.h"
#include "core/model/tensor_ops.h"
#include "core/model/weight_loading.h"

#include <ATen/ATen.h>

#include "tiny_family_model.h"
#include "tiny_model.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <set>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace dlm;

namespace {

/** Lines of /proc/self/maps naming a file under `dir`: what a load left mapped. */
int mappingsUnder(const std::string &dir)
{
    std::ifstream maps("/proc/self/maps");
    int count = 0;
    for (std::string line; std::getline(maps, line);)
        count += line.find(dir) != std::string::npos ? 1 : 0;
    return count;
}

/** Every report of a full load, in order. */
std::vector<LoadProgressInfo> reportsOf(const std::string &dir, ComputeDType dtype)
{
    std::vector<LoadProgressInfo> seen;
    auto loaded = loadModelDirectory(dir, dtype, [&](const LoadProgressInfo &info) {
        seen.push_back(info);
        return true;
    });
    if (!loaded)
        qFatal("%s", loaded.error().c_str());
    return seen;
}

} // namespace

class TestLoadCancel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::string m_bf16Shards, m_f32, m_dream;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        testing::TinyModelOptions sharded;
        sharded.dtype = TensorDType::BF16;
        sharded.shards = 3;
        m_bf16Shards = m_tmp.filePath(QStringLiteral("bf16-shards")).toStdString();
        QVERIFY(testing::writeTinyModel(m_bf16Shards, sharded).ok());
        m_f32 = m_tmp.filePath(QStringLiteral("f32")).toStdString();
        QVERIFY(testing::writeTinyModel(m_f32).ok());
        m_dream = m_tmp.filePath(QStringLiteral("dream")).toStdString();
        QVERIFY(testing::writeTinyFamilyModel(m_dream).ok());
    }

    void loads_data()
    {
        QTest::addColumn<QString>("which");
        QTest::addColumn<int>("dtype");
        QTest::addColumn<bool>("converts");
        // bf16 compute on bf16 weights maps them and reads them ahead; f32 compute on them converts instead.
        QTest::newRow("bf16 shards, bf16 compute") << QStringLiteral("bf16-shards") << int(ComputeDType::BF16) << false;
        QTest::newRow("bf16 shards, f32 compute") << QStringLiteral("bf16-shards") << int(ComputeDType::F32) << true;
        QTest::newRow("f32, f32 compute") << QStringLiteral("f32") << int(ComputeDType::F32) << false;
        QTest::newRow("dream f32, bf16 compute") << QStringLiteral("dream") << int(ComputeDType::BF16) << true;
        QTest::newRow("dream f32, f32 compute") << QStringLiteral("dream") << int(ComputeDType::F32) << false;
    }

    void reportsEveryStageInItsUnits_data() { loads_data(); }
    void reportsEveryStageInItsUnits()
    {
        QFETCH(QString, which);
        QFETCH(int, dtype);
        QFETCH(bool, converts);
        const std::string dir = m_tmp.filePath(which).toStdString();
        const auto reports = reportsOf(dir, ComputeDType(dtype));
        std::set<LoadStage> stages;
        double fraction = 0.0;
        uint64_t weightBytes = 0, readAheadBytes = 0, readAheadTotal = 0;
        for (const LoadProgressInfo &r : reports) {
            stages.insert(r.stage);
            QVERIFY2(r.fraction >= fraction && r.fraction <= 1.0, describeLoadProgress(r).c_str());
            QVERIFY2(r.done <= r.total || r.total == 0, describeLoadProgress(r).c_str());
            fraction = r.fraction;
            if (r.stage == LoadStage::Weights)
                weightBytes = std::max(weightBytes, r.done);
            if (r.stage == LoadStage::ReadAhead) {
                readAheadBytes = std::max(readAheadBytes, r.done);
                readAheadTotal = r.total;
            }
        }
        for (LoadStage s :
            {LoadStage::Tokenizer, LoadStage::Config, LoadStage::Mapping, LoadStage::Checking, LoadStage::Weights})
            QVERIFY2(stages.count(s), loadStageName(s));
        QCOMPARE(stages.count(LoadStage::ReadAhead) == 1, !converts);

        // Real units: the read-ahead covers every byte of the weight files, the weight stage every tensor's.
        uint64_t fileBytes = 0;
        for (const QString &name : QDir(QString::fromStdString(dir)).entryList({QStringLiteral("*.safetensors")}))
            fileBytes += uint64_t(QFileInfo(QDir(QString::fromStdString(dir)), name).size());
        QVERIFY(weightBytes > 0 && weightBytes < fileBytes);
        if (!converts) {
            QCOMPARE(readAheadTotal, fileBytes);
            QCOMPARE(readAheadBytes, fileBytes);
        }
    }

    void cancelAtEveryReport_data() { loads_data(); }
    void cancelAtEveryReport()
    {
        QFETCH(QString, which);
        QFETCH(int, dtype);
        const std::string dir = m_tmp.filePath(which).toStdString();
        const size_t count = reportsOf(dir, ComputeDType(dtype)).size();
        QVERIFY(count >= 6);
        for (size_t k = 0; k < count; ++k) {
            size_t calls = 0;
            LoadStage stoppedAt = LoadStage::Tokenizer;
            auto loaded = loadModelDirectory(dir, ComputeDType(dtype), [&](const LoadProgressInfo &info) {
                stoppedAt = info.stage;
                return calls++ < k;
            });
            const std::string where = "report " + std::to_string(k) + " (" + loadStageName(stoppedAt) + ")";
            QVERIFY2(!loaded.ok(), where.c_str());
            QVERIFY2(isLoadCancelled(loaded.error()), (where + ": " + loaded.error()).c_str());
            // Nothing reported after the cancel: the loader stopped at once.
            QCOMPARE(calls, k + 1);
            QVERIFY2(mappingsUnder(dir) == 0, (where + ": a weight file is still mapped").c_str());
        }
        auto again = loadModelDirectory(dir, ComputeDType(dtype));
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().c_str());
        QVERIFY(again->model && again->tokenizer);
    }

    void cancelledWeightsOnlyLoad()
    {
        // forward --ids loads the weights alone: its cancel is the same.
        int calls = 0;
        auto loaded = loadModelWeights(m_f32, ComputeDType::F32, [&](const LoadProgressInfo &info) {
            ++calls;
            return info.stage != LoadStage::Weights;
        });
        QVERIFY(!loaded.ok());
        QVERIFY(isLoadCancelled(loaded.error()));
        QVERIFY(calls > 1);
        QCOMPARE(mappingsUnder(m_f32), 0);
    }

    void readAheadKeepsWeightsBitIdentical_data()
    {
        QTest::addColumn<QString>("which");
        QTest::addColumn<int>("dtype");
        QTest::newRow("bf16 shards, bf16") << QStringLiteral("bf16-shards") << int(ComputeDType::BF16);
        QTest::newRow("f32, f32") << QStringLiteral("f32") << int(ComputeDType::F32);
    }

    void readAheadKeepsWeightsBitIdentical()
    {
        QFETCH(QString, which);
        QFETCH(int, dtype);
        const std::string dir = m_tmp.filePath(which).toStdString();
        const at::Tensor ids = at::arange(0, 24, at::kLong).remainder(150).unsqueeze(0);
        auto plain = LladaModel::load(dir, ComputeDType(dtype), {}, ReadAhead::Off);
        QVERIFY(plain.ok());
        const at::Tensor expected = (*plain)->logits(ids);
        for (ReadAhead mode : {ReadAhead::SkipResident, ReadAhead::All}) {
            auto read = LladaModel::load(dir, ComputeDType(dtype), {}, mode);
            QVERIFY(read.ok());
            QVERIFY(at::equal((*read)->logits(ids), expected));
        }
    }

    void conversionInSlicesIsExactAndStops()
    {
        // f32 compute on bf16 weights copies them; big tensors go in slices of rows (here 256 bytes).
        auto store = WeightStore::openDirectory(m_bf16Shards);
        QVERIFY(store.ok());
        int reports = 0;
        LoadReporter reporter([&](const LoadProgressInfo &) { return ++reports, true; });
        WeightAssigner assign(**store, ComputeDType::F32, reporter);
        assign.setSliceBytes(256);
        QVERIFY(assign.converts());
        int tensors = 0;
        for (const auto &[name, view] : (*store)->tensors()) {
            const at::Tensor sliced = assign.take(name, name);
            QCOMPARE(sliced.scalar_type(), at::kFloat);
            QVERIFY2(at::equal(sliced, tensorFromView(view, at::kFloat)), name.c_str());
            ++tensors;
        }
        QVERIFY(reports > tensors); // more reports than tensors: the slices reported too

        // A cancel between two slices of one tensor: nothing comes back and the assigner says why.
        const auto big = std::max_element((*store)->tensors().begin(), (*store)->tensors().end(),
            [](const auto &a, const auto &b) { return a.second.byteSize < b.second.byteSize; });
        QVERIFY(big->second.byteSize > 3 * 256);
        int calls = 0;
        LoadReporter stopping([&](const LoadProgressInfo &) { return ++calls < 3; });
        WeightAssigner stopped(**store, ComputeDType::F32, stopping);
        stopped.setSliceBytes(256);
        QVERIFY(!stopped.take(big->first, big->first).defined());
        QVERIFY(stopped.cancelled());
        QCOMPARE(calls, 3);
        QVERIFY(!stopped.finish(ReadAhead::SkipResident).ok());
    }

    void readAheadMappingReportsBytesAndStops()
    {
        // A file of 10 pages and a bit, read in chunks of 3 pages: 4 chunks, the last one short.
        const size_t page = size_t(::sysconf(_SC_PAGESIZE));
        const size_t size = 10 * page + 123;
        const QString path = m_tmp.filePath(QStringLiteral("pages.bin"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.write(QByteArray(int(size), 'x')) == qint64(size));
        }
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
        QVERIFY(fd >= 0);
        void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);
        QVERIFY(map != MAP_FAILED);

        for (ReadAhead mode : {ReadAhead::SkipResident, ReadAhead::All}) {
            std::vector<uint64_t> steps;
            ReadAheadCounts counts;
            const Status s = readAheadMapping(
                map, size, mode, [&](uint64_t done) { return steps.push_back(done), true; }, &counts, 3 * page);
            QVERIFY(s.ok());
            QCOMPARE(steps, (std::vector<uint64_t> {3 * page, 6 * page, 9 * page, size}));
            QCOMPARE(counts.read + counts.resident, uint64_t(size));
            if (mode == ReadAhead::All)
                QCOMPARE(counts.read, uint64_t(size));
        }
        int calls = 0;
        const Status stopped = readAheadMapping(
            map, size, ReadAhead::All, [&](uint64_t) { return ++calls < 2; }, nullptr, 3 * page);
        QVERIFY(stopped.stopped());
        QCOMPARE(calls, 2);
        int none = 0;
        QVERIFY(readAheadMapping(map, size, ReadAhead::Off, [&](uint64_t) { return ++none, true; }).ok());
        QCOMPARE(none, 0);
        ::munmap(map, size);
    }
};

QTEST_GUILESS_MAIN(TestLoadCancel)
#include "test_load_cancel.moc"
