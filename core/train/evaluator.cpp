#include "core/train/evaluator.h"

#include "core/base/counter_rng.h"
#include "core/model/logits_model.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace dlm {

namespace {

constexpr uint64_t kEvalStream = 0x4556414cull;

/** One masked canvas: a window and the positions hidden in it. */
struct Job
{
    int window = 0;
    std::vector<int> positions;
    int ratioIndex = -1; ///< index into maskRatios, or -1 for an ELBO sample
    double sumCe = 0;
};

/** `count` distinct positions of [0, len), uniformly at random: the smallest `count` of per-position hashes. */
std::vector<int> randomPositions(uint64_t rowKey, int len, int count)
{
    std::vector<std::pair<uint64_t, int>> keyed(static_cast<size_t>(len));
    for (int i = 0; i < len; ++i)
        keyed[static_cast<size_t>(i)] = {mix64(rowKey ^ (static_cast<uint64_t>(i) + 1) * 0x9E3779B97F4A7C15ull), i};
    std::partial_sort(keyed.begin(), keyed.begin() + count, keyed.end());
    std::vector<int> out(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        out[static_cast<size_t>(i)] = keyed[static_cast<size_t>(i)].second;
    std::sort(out.begin(), out.end());
    return out;
}

Status checkEvalInput(const ModelConfig &config, const std::vector<int32_t> &ids, const EvalOptions &options)
{
    if (options.mcSamples < 1)
        return Status::failure("--mc-samples: must be at least 1");
    if (options.batchSize < 1)
        return Status::failure("--batch: must be at least 1");
    if (options.seqLen < 0 || (config.maxSequenceLength > 0 && options.seqLen > config.maxSequenceLength))
        return Status::failure("--seq-len: " + std::to_string(options.seqLen)
            + " exceeds the model's max_sequence_length " + std::to_string(config.maxSequenceLength));
    for (double r : options.maskRatios) {
        if (!(r > 0 && r <= 1))
            return Status::failure("mask ratio " + std::to_string(r) + " is outside (0, 1]");
    }
    if (ids.empty())
        return Status::failure("the text has no tokens");
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || ids[i] >= config.vocabSize)
            return Status::failure("token " + std::to_string(i) + " has id " + std::to_string(ids[i])
                + ", outside the model's vocabulary of " + std::to_string(config.vocabSize));
    }
    return {};
}

/** The window length: --seq-len, else up to 256 tokens, never longer than the text. */
int windowLength(const ModelConfig &config, size_t textTokens, const EvalOptions &options)
{
    const int len = options.seqLen > 0 ? options.seqLen
                                       : std::min(256, config.maxSequenceLength > 0 ? config.maxSequenceLength : 256);
    return static_cast<int>(std::min<int64_t>(len, static_cast<int64_t>(textTokens)));
}

/** Where each window starts: spread evenly when fewer windows than the text holds are asked for. */
std::vector<int64_t> windowStarts(size_t textTokens, int len, int maxWindows)
{
    const int available = static_cast<int>(static_cast<int64_t>(textTokens) / len);
    const int windows = maxWindows > 0 ? std::min(maxWindows, available) : available;
    std::vector<int64_t> starts(static_cast<size_t>(windows));
    for (int w = 0; w < windows; ++w)
        starts[static_cast<size_t>(w)] = static_cast<int64_t>(static_cast<double>(w) * available / windows) * len;
    return starts;
}

// Every canvas to score, decided up front from hashes so batching cannot change the draws: per window, one per
// mask ratio, then mcSamples ELBO samples with a uniformly drawn number of masked positions.
std::vector<Job> planJobs(int windows, int len, const EvalOptions &options)
{
    std::vector<Job> jobs;
    const int draws = static_cast<int>(options.maskRatios.size()) + options.mcSamples;
    for (int w = 0; w < windows; ++w) {
        for (int k = 0; k < draws; ++k) {
            const uint64_t key = mix64(mix64(options.seed ^ kEvalStream) ^ static_cast<uint64_t>(w))
                ^ mix64(static_cast<uint64_t>(k) + 1);
            Job job;
            job.window = w;
            int count = 0;
            if (k < static_cast<int>(options.maskRatios.size())) {
                job.ratioIndex = k;
                count = std::clamp(
                    static_cast<int>(std::lround(options.maskRatios[static_cast<size_t>(k)] * len)), 1, len);
            } else {
                count = 1 + static_cast<int>(mix64(key ^ 0x6c656e67ull) % static_cast<uint64_t>(len));
            }
            job.positions = randomPositions(key, len, count);
            jobs.push_back(std::move(job));
        }
    }
    return jobs;
}

/** Scores jobs [first, first + count) in one forward pass: each job's summed cross-entropy at its masked positions. */
void scoreBatch(LogitsModel &model, const std::vector<int32_t> &ids, const std::vector<int64_t> &starts, int len,
    std::vector<Job> &jobs, size_t first, size_t count)
{
    at::Tensor target = at::empty({static_cast<int64_t>(count), len}, at::kLong);
    at::Tensor maskf = at::zeros({static_cast<int64_t>(count), len}, at::kFloat);
    int64_t *t = target.data_ptr<int64_t>();
    float *m = maskf.data_ptr<float>();
    for (size_t j = 0; j < count; ++j) {
        const Job &job = jobs[first + j];
        const int32_t *src = ids.data() + starts[static_cast<size_t>(job.window)];
        for (int i = 0; i < len; ++i)
            t[j * len + static_cast<size_t>(i)] = src[i];
        for (int pos : job.positions)
            m[j * len + static_cast<size_t>(pos)] = 1.0f;
    }
    const at::Tensor input = at::where(maskf > 0, at::full_like(target, model.config().maskTokenId), target);
    const at::Tensor logp = at::log_softmax(model.logits(input).to(at::kFloat), -1);
    // CE per position, summed over the masked ones, in double so long windows lose nothing.
    const at::Tensor ce = -logp.gather(2, target.unsqueeze(2)).squeeze(2);
    const at::Tensor sums = (ce * maskf).to(at::kDouble).sum(1).contiguous();
    const double *s = sums.data_ptr<double>();
    for (size_t j = 0; j < count; ++j)
        jobs[first + j].sumCe = s[j];
}

/** Fills the fixed-ratio cross-entropies and the ELBO estimate of `report` from the scored jobs. */
void summariseJobs(const std::vector<Job> &jobs, const EvalOptions &options, int len, EvalReport &report)
{
    for (double r : options.maskRatios) {
        MaskedCrossEntropy m;
        m.ratio = r;
        m.maskedPerWindow = std::clamp(static_cast<int>(std::lround(r * len)), 1, len);
        report.masked.push_back(m);
    }
    std::vector<double> samples;
    std::vector<double> ratioSums(options.maskRatios.size(), 0.0);
    for (const Job &job : jobs) {
        if (job.ratioIndex >= 0) {
            ratioSums[static_cast<size_t>(job.ratioIndex)] += job.sumCe;
            report.masked[static_cast<size_t>(job.ratioIndex)].maskedTokens
                += static_cast<int64_t>(job.positions.size());
        } else {
            const double l = static_cast<double>(job.positions.size());
            samples.push_back(job.sumCe / l); // (L / l) * sum CE, divided by L
        }
    }
    for (size_t k = 0; k < report.masked.size(); ++k)
        report.masked[k].crossEntropy
            = ratioSums[k] / static_cast<double>(std::max<int64_t>(1, report.masked[k].maskedTokens));

    const double n = static_cast<double>(samples.size());
    report.elboSamples = static_cast<int64_t>(samples.size());
    report.elboNll = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
    double squares = 0;
    for (double x : samples)
        squares += (x - report.elboNll) * (x - report.elboNll);
    report.elboStdErr
        = samples.size() > 1 ? std::sqrt(squares / (n - 1) / n) : std::numeric_limits<double>::quiet_NaN();
    report.elboPerplexity = std::exp(report.elboNll);
}

// The baseline a model should beat: an add-one unigram model of the evaluated windows themselves.
void fillUnigramBaseline(
    const std::vector<int32_t> &ids, const std::vector<int64_t> &starts, int len, EvalReport &report)
{
    std::vector<int64_t> counts(static_cast<size_t>(report.vocabSize), 0);
    for (int64_t start : starts) {
        for (int i = 0; i < len; ++i)
            ++counts[static_cast<size_t>(ids[static_cast<size_t>(start + i)])];
    }
    const double total = static_cast<double>(report.evaluatedTokens);
    double nll = 0;
    for (int64_t c : counts) {
        if (c > 0)
            nll -= static_cast<double>(c) * std::log((static_cast<double>(c) + 1.0) / (total + report.vocabSize));
    }
    report.unigramNll = nll / total;
    report.unigramPerplexity = std::exp(report.unigramNll);
}

} // namespace

Result<EvalReport> evaluateModel(
    LogitsModel &model, const std::vector<int32_t> &ids, const EvalOptions &options, const EvalProgress &progress)
{
    using R = Result<EvalReport>;
    const ModelConfig &config = model.config();
    const Status valid = checkEvalInput(config, ids, options);
    if (!valid)
        return R::failure(valid.error());

    const int len = windowLength(config, ids.size(), options);
    const std::vector<int64_t> starts = windowStarts(ids.size(), len, options.maxWindows);
    const int windows = static_cast<int>(starts.size());
    std::vector<Job> jobs = planJobs(windows, len, options);

    c10::InferenceMode inference;
    const size_t batchSize = static_cast<size_t>(options.batchSize);
    const int batches = static_cast<int>((jobs.size() + batchSize - 1) / batchSize);
    for (int b = 0; b < batches; ++b) {
        const size_t first = static_cast<size_t>(b) * batchSize;
        scoreBatch(model, ids, starts, len, jobs, first, std::min(jobs.size() - first, batchSize));
        if (progress && !progress(b + 1, batches))
            return R::failure("evaluation cancelled");
    }

    EvalReport report;
    report.textTokens = static_cast<int64_t>(ids.size());
    report.seqLen = len;
    report.windows = windows;
    report.evaluatedTokens = static_cast<int64_t>(windows) * len;
    report.vocabSize = config.vocabSize;
    report.mcSamples = options.mcSamples;
    summariseJobs(jobs, options, len, report);
    fillUnigramBaseline(ids, starts, len, report);
    return report;
}

} // namespace dlm
