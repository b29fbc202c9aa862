#include "ui/panels/settings_explainer.h"

#include "core/sampling/dream_schedule.h"

#include "core/sampling/schedule.h"
#include "ui/text/field_labels.h"

#include <QCoreApplication>

#include <algorithm>
#include <climits>

namespace dlm {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SettingsExplainer", text);
}

} // namespace

static QString problemInSettingNames(const GenerationSettings &s, const ModelLimits &limits)
{
    const Status status = validateSettings(s);
    if (!status)
        return QString::fromStdString(status.error());
    if (limits.maxSequenceLength <= 0)
        return {};
    // The same rule Session::create enforces, said before the user presses Start rather than after.
    if (limits.promptTokens >= 0 && limits.promptTokens + s.genLength > limits.maxSequenceLength) {
        return tr("prompt (%1 tokens) + gen-length (%2) exceeds the model's max_sequence_length (%3); "
                  "shorten the prompt or the gen length")
            .arg(limits.promptTokens)
            .arg(s.genLength)
            .arg(limits.maxSequenceLength);
    }
    if (s.genLength > limits.maxSequenceLength) {
        return tr("gen-length (%1) exceeds the model's max_sequence_length (%2), which must also hold the prompt")
            .arg(s.genLength)
            .arg(limits.maxSequenceLength);
    }
    return {};
}

// Core says "block-length", the panel "Block length": the message names the field the user sees.
QString settingsProblem(const GenerationSettings &s, const ModelLimits &limits)
{
    return withFieldLabels(problemInSettingNames(s, limits));
}

QString limitsSummary(const ModelLimits &limits, int genLength)
{
    if (limits.maxSequenceLength <= 0)
        return {};
    QString text = tr("Context: %1 positions for prompt + gen length").arg(limits.maxSequenceLength);
    if (limits.promptTokens >= 0) {
        text += tr(" (prompt %1 tokens, %2 left)")
                    .arg(limits.promptTokens)
                    .arg(limits.maxSequenceLength - limits.promptTokens - genLength);
    }
    return text + QLatin1Char('.');
}

namespace {

// Dream's schedule in its own words, with the first step's count from the engine's own grid.
QString dreamScheduleSummary(const GenerationSettings &s)
{
    const std::vector<float> grid = dreamTimesteps(s.steps, s.eps);
    if (s.alg == DreamAlg::Origin)
        return tr("Dream's schedule: %1 steps on the time grid 1 \u2192 %2; each step reveals every mask "
                  "independently with probability 1 \u2212 s/t, the last step all that remain.")
            .arg(s.steps)
            .arg(s.eps);
    return tr("Dream's schedule: %1 steps on the time grid 1 \u2192 %2; a step with n masks left "
              "reveals int(n (1 \u2212 s/t)) of them (%3 of %4 at the first step), the last step all "
              "that remain.")
        .arg(s.steps)
        .arg(s.eps)
        .arg(dreamStepPlan(grid, 0, s.genLength).transferCount)
        .arg(s.genLength);
}

// LLaDA's schedule: its blocks, steps per block and commits per step (or threshold decoding).
QString lladaScheduleSummary(const GenerationSettings &s)
{
    // Ask the engine's own schedule, so the words cannot drift from what the sampler does.
    const BlockSchedule schedule(0, s.genLength, s.blockLength, s.steps);
    const int blocks = schedule.blockCount();
    const int last = schedule.blockEnd(blocks - 1) - schedule.blockStart(blocks - 1);

    QString text;
    if (blocks == 1)
        text = tr("1 block of %1 positions").arg(s.genLength);
    else if (last == s.blockLength)
        text = tr("%1 blocks of %2 positions").arg(blocks).arg(s.blockLength);
    else
        text = tr("%1 blocks of %2 positions, the last of %3").arg(blocks).arg(s.blockLength).arg(last);

    if (s.useThreshold) {
        return text
            + tr(". Threshold decoding: each step commits every masked position of the current block "
                 "whose confidence reaches τ (at least one), so the model's confidence sets the number "
                 "of steps and Steps is not used.");
    }

    const int base = s.steps / blocks;
    const int extra = s.steps % blocks;
    if (blocks == 1)
        text += tr(", %1 steps").arg(s.steps);
    else if (extra == 0)
        text += tr(", %1 steps each").arg(base);
    else
        text += tr(", %1 steps in the first %2 blocks and %3 in the rest").arg(base + 1).arg(extra).arg(base);

    // Per LLaDA's split, a block of n positions over S steps commits floor(n/S) or ceil(n/S) per step.
    int fewest = INT_MAX;
    int most = 0;
    for (int b = 0; b < blocks; ++b) {
        const int n = schedule.blockEnd(b) - schedule.blockStart(b);
        const int steps = schedule.stepsForBlock(b);
        fewest = std::min(fewest, n / steps);
        most = std::max(most, (n + steps - 1) / steps);
    }
    if (fewest == most)
        text += most == 1 ? tr(": 1 token per step") : tr(": %1 tokens per step").arg(most);
    else
        text += tr(": %1–%2 tokens per step").arg(fewest).arg(most);
    text += QLatin1Char('.');
    if (fewest == 0)
        text += tr(" Some steps commit nothing: a block has more steps than positions.");
    if (last != s.blockLength || extra != 0)
        text += tr(" LLaDA's generate.py requires these to divide exactly; DLM Studio spreads the remainder as "
                   "described.");
    return text;
}

// One line per sampler (core/sampling/sampler_registry): its schedule in words.
struct ScheduleWords
{
    SamplerKind sampler;
    QString (*summary)(const GenerationSettings &s);
};
const ScheduleWords kScheduleWords[] = {
    {SamplerKind::Llada, lladaScheduleSummary},
    {SamplerKind::Dream, dreamScheduleSummary},
};

} // namespace

QString scheduleSummary(const GenerationSettings &s)
{
    if (!validateSettings(s))
        return {};
    for (const ScheduleWords &words : kScheduleWords) {
        if (words.sampler == s.sampler)
            return words.summary(s);
    }
    return {};
}

} // namespace dlm
