#pragma once
// Semi-autoregressive block schedule and the per-step commit quota (LLaDA's get_num_transfer_tokens),
// extended to settings LLaDA refuses:
// - gen_length not a multiple of block_length: the last block is shorter;
// - steps not a multiple of the block count: the first (steps mod blocks) blocks get one extra step;
// - inside a block that still has n tokens to commit and S steps left, a step commits ceil(n / S) tokens,
//   which is LLaDA's "n div S each, the first n mod S steps one more" when nothing is edited, and follows an
//   edit that changes n mid-block. As in LLaDA's generate(), n counts the block's own masks only: masks left
//   of it (typed in the prompt) compete for its commits but add none (the session's blockAllowance).

#include <vector>

namespace dlm {

/** Where the blocks of the generation region lie on the canvas, and how many steps each gets. */
class BlockSchedule
{
public:
    BlockSchedule(int promptLength, int genLength, int blockLength, int totalSteps);

    int blockCount() const { return m_blockCount; }
    /** First canvas position of block b. */
    int blockStart(int b) const;
    /** One past the last canvas position of block b. */
    int blockEnd(int b) const;
    /** Denoising steps block b is given in quota mode. */
    int stepsForBlock(int b) const;
    /** Block of a canvas position in the generation region; -1 for prompt positions. */
    int blockOf(int position) const;

    /** Tokens to commit this step, with `left` tokens still to commit in the block and `stepsLeft` steps.
     *  With no steps left (possible after edits) everything left is committed now. */
    static int quota(int left, int stepsLeft);
    /** LLaDA's precomputed split of n tokens over S steps (for documentation and tests). */
    static std::vector<int> split(int n, int steps);

private:
    int m_promptLength;
    int m_genLength;
    int m_blockLength;
    int m_totalSteps;
    int m_blockCount;
};

} // namespace dlm
