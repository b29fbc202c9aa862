#include "ui/text/glossary_text.h"

#include <QCoreApplication>
#include <QStringList>

namespace dlm {

namespace {

struct RawEntry
{
    HelpEntry::Kind kind;
    const char *key;
    const char *title;
    const char *text;
};

using K = HelpEntry::Kind;

// QT_TRANSLATE_NOOP keeps the words translatable while the table stays plain data.
#define DLM_T(text) QT_TRANSLATE_NOOP("HelpText", text)

const RawEntry kEntries[] = {
    // Terms of the glossary.
    {K::Term, "mask", DLM_T("Mask"),
        DLM_T("A position whose token is not decided yet. Generation starts with the prompt followed by masks; "
              "every step the model guesses a token for each mask, and some guesses are kept.")},
    {K::Term, "commit", DLM_T("Commit"),
        DLM_T("Keeping the model's guess at a masked position: the position now holds that token and, in LLaDA's "
              "sampler, keeps it to the end of the run.")},
    {K::Term, "remask", DLM_T("Remask"),
        DLM_T("Sending a guess back: the model proposed a token for a masked position, but the sampler did not "
              "keep it this step, so the position is a mask again and gets a fresh guess next step.")},
    {K::Term, "quota", DLM_T("Quota"),
        DLM_T("How many positions a step commits. The block's masks are shared evenly over its steps; when they "
              "do not divide, the first steps of the block commit one more.")},
    {K::Term, "threshold", DLM_T("Threshold (τ)"),
        DLM_T("Instead of a fixed quota, commit every masked position of the block whose confidence reaches τ, "
              "and always at least the surest one (Fast-dLLM). The number of steps then depends on the model.")},
    {K::Term, "block", DLM_T("Block"),
        DLM_T("A run of consecutive positions denoised together. Blocks are finished left to right; positions "
              "right of the current block are not considered until their block comes.")},
    {K::Term, "semiAutoregressive", DLM_T("Semi-autoregressive"),
        DLM_T("Generating block after block from left to right while filling each block in any order: between "
              "writing word by word (autoregressive) and all at once. Block length = gen length turns it off.")},
    {K::Term, "confidence", DLM_T("Confidence"),
        DLM_T("The score that ranks masked positions to decide which guesses to keep; higher means surer. Which "
              "score is used is the remasking setting.")},
    {K::Term, "lowConfidence", DLM_T("Low confidence (probability)"),
        DLM_T("Remasking by probability (low_confidence): the confidence is the probability the model gave its "
              "guess. The least probable guesses are sent back. LLaDA's default.")},
    {K::Term, "margin", DLM_T("Margin"),
        DLM_T("Remasking by margin: the probability of the best token minus that of the second best. A small "
              "margin means the model hesitates between two tokens.")},
    {K::Term, "entropy", DLM_T("Entropy"),
        DLM_T("Remasking by entropy: minus the entropy of the model's distribution at the position. A flat "
              "distribution (many plausible tokens) has a high entropy and so a low confidence.")},
    {K::Term, "random", DLM_T("Random"),
        DLM_T("Remasking at random: every masked position gets a uniform random score, so the kept guesses are "
              "chosen by chance. LLaDA's baseline to compare the others with.")},
    {K::Term, "cfg", DLM_T("CFG (classifier-free guidance)"),
        DLM_T("A second forward pass with the prompt masked shows what the model would say without the prompt; "
              "the guess is pushed away from that, towards the prompt, by the scale w. 0 turns it off.")},
    {K::Term, "temperature", DLM_T("Temperature"),
        DLM_T("How freely guesses are sampled. 0 always takes the most likely token; higher values pick less "
              "likely tokens more often.")},
    {K::Term, "gumbel", DLM_T("Gumbel noise"),
        DLM_T("Random noise added to the model's scores before taking the best one. Taking the best of noisy "
              "scores is the same as drawing a token from the model's distribution at that temperature.")},
    {K::Term, "topK", DLM_T("Top-k recorded"),
        DLM_T("How many alternatives per position and step the timeline keeps for the inspector. It changes "
              "only what is recorded, never what is sampled.")},
    {K::Term, "branch", DLM_T("Branch / fork"),
        DLM_T("An edit in the middle of a run does not erase the history: the run forks at that step into a new "
              "branch that continues from the edit, and the old branch stays to compare with.")},
    {K::Term, "edit", DLM_T("Edit"),
        DLM_T("Setting a token by hand (right-click a token). The model takes the edited token as given from "
              "then on.")},
    {K::Term, "lock", DLM_T("Lock"),
        DLM_T("Pinning a position so that no sampler may change it, e.g. to keep a word while the rest is "
              "sent back to the mask.")},
    {K::Term, "step", DLM_T("Step"),
        DLM_T("One forward pass of the model over the whole canvas followed by one sampler decision: which "
              "guesses to commit and which to send back.")},
    {K::Term, "dreamOrigin", DLM_T("origin (Dream)"),
        DLM_T("Dream's original algorithm: every masked position is committed with the same chance each step, "
              "chosen so that all masks are gone at the last step. Which positions go first is pure chance.")},
    {K::Term, "dreamMaskgitPlus", DLM_T("maskgit_plus (Dream)"),
        DLM_T("Dream's confidence from the probability of the guess (as MaskGIT): the surest guesses are "
              "committed first. Close to LLaDA's low_confidence.")},
    {K::Term, "dreamTopkMargin", DLM_T("topk_margin (Dream)"),
        DLM_T("Dream's confidence from the margin between the two most likely tokens: positions where the model "
              "clearly prefers one token are committed first.")},
    {K::Term, "dreamEntropy", DLM_T("entropy (Dream)"),
        DLM_T("Dream's confidence from minus the entropy of the distribution: positions where few tokens are "
              "plausible are committed first.")},
    {K::Term, "algTemp", DLM_T("alg_temp (Dream)"),
        DLM_T("With alg_temp above 0, Dream does not simply take the most confident positions: it draws them at "
              "random, favouring confident ones, more evenly as alg_temp grows.")},
    {K::Term, "topP", DLM_T("top_p"),
        DLM_T("Nucleus sampling: the guess is drawn only from the most likely tokens whose probabilities add "
              "up to p; the long tail of unlikely tokens is cut off.")},
    {K::Term, "eps", DLM_T("eps (Dream)"),
        DLM_T("Where Dream's noise schedule ends: time runs from 1 (all masked) down to eps, and the number of "
              "masks to remove at each step follows from it.")},
    {K::Term, "logitShift", DLM_T("Logit shift (Dream)"),
        DLM_T("Dream starts from a left-to-right model whose output at a position predicts the next one; Dream "
              "shifts the outputs by one so each position reads the prediction made at its left neighbour.")},
    {K::Term, "experts", DLM_T("Experts and router (LLaDA-MoE)"),
        DLM_T("In a mixture-of-experts model each layer has many small feed-forward networks (experts); a router "
              "picks a few of them for every token, so only part of the model runs for each position.")},

    // The canvas legend and the heatmap's marks.
    {K::Legend, "legend.confidenceBar", DLM_T("p when committed"),
        DLM_T("Fill colour of a committed token: the probability the model gave that token at the step it was "
              "committed, from dark (0, unsure) to yellow (1, sure).")},
    {K::Legend, "legend.prompt", DLM_T("prompt"), DLM_T("Prompt tokens: the text you gave. They never change.")},
    {K::Legend, "legend.special", DLM_T("special token"),
        DLM_T("A token of the chat template's markup (a header, end of turn, beginning of text) rather than words: "
              "it is part of the prompt the template rendered and never changes.")},
    {K::Legend, "legend.masked", DLM_T("masked"),
        DLM_T("A masked position the sampler did not look at this step (right of the current block), shown as "
              "an empty dashed box.")},
    {K::Legend, "legend.sentBack", DLM_T("cand. sent back"),
        DLM_T("The model proposed a token (shown in grey) but the sampler sent it back to the mask this step; "
              "the arrow marks it. It gets a new guess next step.")},
    {K::Legend, "legend.newThisStep", DLM_T("new this step"),
        DLM_T("Committed by this very step: the thick outline marks it. The fill is its probability.")},
    {K::Legend, "legend.edited", DLM_T("edited"),
        DLM_T("A token you set by hand (pencil). The model takes it as given.")},
    {K::Legend, "legend.locked", DLM_T("locked"), DLM_T("A pinned token (pin): no sampler step may change it.")},
    {K::Legend, "legend.heatmapScale", DLM_T("confidence colour bar"),
        DLM_T("Heatmap cell colour: the confidence of the position's guess at that step under the chosen "
              "measure, from dark (unsure) to yellow (sure).")},
    {K::Legend, "legend.committedHere", DLM_T("committed here"),
        DLM_T("Heatmap mark: at this step the position received its guess and keeps it.")},
    {K::Legend, "legend.blockBoundary", DLM_T("block boundary"),
        DLM_T("Heatmap line between two blocks: positions below it wait until the block above is finished.")},
    {K::Legend, "legend.currentStep", DLM_T("current step"),
        DLM_T("Heatmap outline of the step the other views show; click a cell to go to another step.")},
    {K::Legend, "legend.noPrediction", DLM_T("no prediction"),
        DLM_T("Blank heatmap cell: no guess was made there at that step (prompt, already committed, right of "
              "the block, or an edit).")},

    // The views of the window: the tour's pages and F1's targets.
    {K::View, "view.generation", DLM_T("Generation panel"),
        DLM_T("Pick a model, write a prompt and set how the sampler works: gen length (how many masks), block "
              "length, steps, remasking and temperature. Start begins a run. Hover a field for what it does.")},
    {K::View, "view.controls", DLM_T("Step controls"),
        DLM_T("Step runs one denoising step, Run plays the whole run, Back and the slider go through the steps "
              "already made. Space runs or pauses, the arrow keys step.")},
    {K::View, "view.canvas", DLM_T("Canvas"),
        DLM_T("The text being denoised: prompt, masks and committed tokens, coloured by how sure the model was. "
              "Grey guesses with an arrow were sent back. Click a token to inspect it, right-click to edit it.")},
    {K::View, "view.heatmap", DLM_T("Confidence heatmap"),
        DLM_T("Positions down, steps across: how sure the model was about each position at each step, where "
              "each token was committed and where blocks end. Click a cell to go there.")},
    {K::View, "view.decisions", DLM_T("Remasking decisions"),
        DLM_T("This step's guesses ranked by confidence, with the quota or threshold that split them into "
              "committed and sent back.")},
    {K::View, "view.inspector", DLM_T("Token inspector"),
        DLM_T("For the selected position: the model's top alternatives and their probabilities at this step.")},
    {K::View, "view.plots", DLM_T("Run plots"),
        DLM_T("How the run went step by step: tokens committed, masks left, mean confidence and time per step.")},
    {K::View, "view.branches", DLM_T("Branches"),
        DLM_T("Every edit forks the run; pick a branch here to see it. Undo takes an edit back.")},
    {K::View, "view.export", DLM_T("Export"),
        DLM_T("File > Export writes the run as JSON, CSV, an HTML player, tables, figures or a GIF, for slides "
              "and handouts. File > Save keeps the timeline to replay later without the model.")},
};

#undef DLM_T

std::vector<HelpEntry> buildEntries()
{
    std::vector<HelpEntry> out;
    out.reserve(std::size(kEntries));
    for (const RawEntry &e : kEntries) {
        out.push_back({e.kind, QString::fromLatin1(e.key), QCoreApplication::translate("HelpText", e.title),
            QCoreApplication::translate("HelpText", e.text)});
    }
    return out;
}

} // namespace

const std::vector<HelpEntry> &helpEntries()
{
    static const std::vector<HelpEntry> entries = buildEntries();
    return entries;
}

const HelpEntry *findHelpEntry(const QString &key)
{
    for (const HelpEntry &e : helpEntries()) {
        if (e.key == key)
            return &e;
    }
    return nullptr;
}

QString helpText(const QString &key)
{
    const HelpEntry *e = findHelpEntry(key);
    return e ? e->text : QString();
}

std::vector<const HelpEntry *> searchHelp(const QString &query)
{
    const QStringList words = query.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    auto containsAll = [&words](const QString &s) {
        for (const QString &w : words) {
            if (!s.contains(w, Qt::CaseInsensitive))
                return false;
        }
        return true;
    };
    std::vector<const HelpEntry *> byTitle, byText;
    for (const HelpEntry &e : helpEntries()) {
        if (containsAll(e.title))
            byTitle.push_back(&e);
        else if (containsAll(e.title + QLatin1Char(' ') + e.text))
            byText.push_back(&e);
    }
    byTitle.insert(byTitle.end(), byText.begin(), byText.end());
    return byTitle;
}

} // namespace dlm
