#pragma once
// The commit/remask decision of one step, as small strategy objects behind one interface: a strategy looks
// at the step's confidences and returns which positions receive their candidate and which go back to the
// mask. Remasking of already committed tokens (ReMDM-style) fits by returning committed positions in
// `remask`; the session never lets a strategy touch a locked position.

#include <cstdint>
#include <memory>
#include <vector>

namespace dlm {

/** What a strategy sees: one entry per canvas position. */
struct StrategyInput
{
    const std::vector<float> *confidence = nullptr; ///< -inf where not eligible
    const std::vector<uint8_t> *eligible = nullptr; ///< masked positions the sampler may fill now
    const std::vector<uint8_t> *locked = nullptr;   ///< positions no strategy may change
    int quota = 0;          ///< quota strategies: how many to commit
    double threshold = 0.0; ///< threshold strategies: tau
};

/** A strategy's answer. `commit` is ordered by decreasing confidence (ties: lower position first). */
struct CommitDecision
{
    std::vector<int32_t> commit;
    std::vector<int32_t> remask;
};

class RemaskStrategy
{
public:
    virtual ~RemaskStrategy() = default;
    virtual CommitDecision decide(const StrategyInput &input) const = 0;
    virtual const char *name() const = 0;
};

/** LLaDA: commit the `quota` most confident eligible positions; the other eligible ones are remasked. */
class QuotaStrategy : public RemaskStrategy
{
public:
    CommitDecision decide(const StrategyInput &input) const override;
    const char *name() const override { return "quota"; }
};

/** Fast-dLLM: commit every eligible position with confidence >= tau, and always at least the most
 *  confident one, so every step makes progress. */
class ThresholdStrategy : public RemaskStrategy
{
public:
    CommitDecision decide(const StrategyInput &input) const override;
    const char *name() const override { return "threshold"; }
};

/** Eligible positions sorted by decreasing confidence; ties keep the lower position first. */
std::vector<int32_t> rankByConfidence(const std::vector<float> &confidence, const std::vector<uint8_t> &eligible);

} // namespace dlm
