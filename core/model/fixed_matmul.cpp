#include "core/model/fixed_matmul.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include <omp.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <vector>

namespace dlm {

namespace {

bool needsAutograd(std::initializer_list<const at::Tensor *> tensors)
{
    if (!at::GradMode::is_enabled())
        return false;
    return std::any_of(tensors.begin(), tensors.end(), [](const at::Tensor *t) {
        return t->defined() && t->requires_grad();
    });
}

/**
 * Runs fn(0) ... fn(pieces - 1), each piece on one thread of a team of at most the engine's thread count.
 * Inside the team every thread's OpenMP budget is one, so the BLAS call of a piece (OpenBLAS, oneDNN, ATen's
 * own kernels) runs serially and computes exactly what it computes with one thread. The budget change belongs
 * to the team's tasks and ends with the region. Each thread takes the caller's LibTorch thread-local state
 * (inference mode, grad mode), as at::parallel_for does: the engine's tensors are inference tensors.
 */
template <typename Fn>
void forEachPiece(int64_t pieces, const Fn &fn)
{
    const int threads = int(std::max<int64_t>(1, std::min<int64_t>(pieces, at::get_num_threads())));
    std::exception_ptr error;
    const at::ThreadLocalState callerState;
#pragma omp parallel num_threads(threads)
    {
        const at::ThreadLocalStateGuard sameState(callerState);
        omp_set_num_threads(1);
#pragma omp for schedule(dynamic, 1)
        for (int64_t p = 0; p < pieces; ++p) {
            try {
                fn(p);
            } catch (...) {
#pragma omp critical(dlm_fixed_matmul_error)
                error = std::current_exception();
            }
        }
    }
    if (error)
        std::rethrow_exception(error);
}

// The Fortran BLAS entry point LibTorch itself calls for float32 products (libblas.so.3: OpenBLAS on Debian).
extern "C" void sgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                       const float *alpha, const float *a, const int *lda, const float *b, const int *ldb,
                       const float *beta, float *c, const int *ldc);

/**
 * out [m, n] = left [m, k] · right [k, n], plus out's own values when `accumulate`: one call, on the calling
 * thread. left is row-major (unit column stride); right is row-major, or with `rightTransposed` the transpose
 * of a row-major [n, k] (a weight); out has unit column stride. float32 calls BLAS directly (a call costs ~1 us,
 * where an ATen op costs ~10); other dtypes take ATen's product, which dispatches to oneDNN or its own kernel.
 */
void multiplyInto(at::Tensor out, const at::Tensor &left, const at::Tensor &right, bool rightTransposed,
                  bool accumulate)
{
    if (out.scalar_type() != at::kFloat) {
        out.copy_(accumulate ? at::addmm(out, left, right) : at::mm(left, right));
        return;
    }
    // Column-major view: out^T [n, m] = right^T [n, k] · left^T [k, m].
    const int m = int(out.size(1)), n = int(out.size(0)), k = int(left.size(1));
    const int lda = int(rightTransposed ? right.stride(1) : right.stride(0));
    const int ldb = int(left.stride(0)), ldc = int(out.stride(0));
    const float alpha = 1.0f, beta = accumulate ? 1.0f : 0.0f;
    const char ta = rightTransposed ? 'T' : 'N', tb = 'N';
    sgemm_(&ta, &tb, &m, &n, &k, &alpha, right.data_ptr<float>(), &lda, left.data_ptr<float>(), &ldb, &beta,
           out.data_ptr<float>(), &ldc);
}

/**
 * How many output features one piece of a product holds, from its shape alone: the N features, each costing
 * `macsPerFeature` multiply-adds. A piece carries at least a minimum of work, so a call's fixed cost stays
 * small: 1 M multiply-adds where a call costs ~1 us (float32, BLAS called directly), 64 M where it costs
 * ~15 us (other dtypes, through an ATen op; oneDNN's AMX kernels do 64 M in ~0.1 ms). At most 32 pieces
 * (enough for the cores of a laptop or a workstation), never narrower than 64 features.
 */
int64_t pieceWidth(int64_t n, int64_t macsPerFeature, at::ScalarType type)
{
    const int64_t minimumWork = type == at::kFloat ? (int64_t(1) << 20) : (int64_t(1) << 26);
    const int64_t pieces = std::clamp<int64_t>(n * macsPerFeature / minimumWork, 1, 32);
    const int64_t perPiece = (n + pieces - 1) / pieces;
    return std::max<int64_t>(64, (perPiece + 63) / 64 * 64);
}

/**
 * The features of a float32 head piece: as many as fit about 512 KB of weights (one row is `rowBytes`), in
 * multiples of 64, so the piece stays in the core's cache while every tile passes through it (each BLAS
 * call repacks it); a function of the shape only.
 */
int64_t cachedPieceWidth(int64_t n, int64_t rowBytes)
{
    const int64_t fit = std::max<int64_t>(1, (int64_t(512) << 10) / std::max<int64_t>(1, rowBytes));
    return std::min(std::max<int64_t>(64, fit / 64 * 64), std::max<int64_t>(64, (n + 63) / 64 * 64));
}

/**
 * out [M, N] = a [M, K] (row-major) times weight [N, K] transposed (plus out when `accumulate`), in feature
 * pieces of pieceWidth, each a single-threaded call.
 */
void linearInto(const at::Tensor &a, const at::Tensor &weight, bool accumulate, at::Tensor &out)
{
    const int64_t n = weight.size(0);
    const int64_t width = pieceWidth(n, a.size(0) * a.size(1), a.scalar_type()), pieces = (n + width - 1) / width;
    if (a.scalar_type() == at::kFloat || accumulate) {
        forEachPiece(pieces, [&](int64_t p) {
            const int64_t first = p * width, cols = std::min(width, n - first);
            multiplyInto(out.narrow(1, first, cols), a, weight.narrow(0, first, cols).t(), true, accumulate);
        });
        return;
    }
    // Through ATen: one op a piece (its result a tensor of its own), then one op lays them side by side.
    std::vector<at::Tensor> results(static_cast<size_t>(pieces));
    forEachPiece(pieces, [&](int64_t p) {
        const int64_t first = p * width, cols = std::min(width, n - first);
        results[static_cast<size_t>(p)] = at::mm(a, weight.narrow(0, first, cols).t());
    });
    at::cat_out(out, results, 1);
}

void checkOperands(const at::Tensor &a, const at::Tensor &b, const char *what)
{
    if (a.scalar_type() != b.scalar_type())
        throw std::invalid_argument(std::string(what) + ": operands of different dtypes");
}

} // namespace

at::Tensor fixedLinear(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias)
{
    if (needsAutograd({&x, &weight, &bias}))
        return at::linear(x, weight, bias);
    checkOperands(x, weight, "fixedLinear");
    const int64_t k = x.size(-1), n = weight.size(0);
    if (weight.size(1) != k)
        throw std::invalid_argument("fixedLinear: weight's inner dimension differs from the input's");
    const at::Tensor a = x.reshape({-1, k}).contiguous();
    const at::Tensor w = weight.contiguous();
    const int64_t m = a.size(0);
    std::vector<int64_t> shape = x.sizes().vec();
    shape.back() = n;
    // A bias is the output's starting value and the product is added to it (beta 1), as torch's addmm does.
    at::Tensor out = bias.defined() ? bias.to(a.scalar_type()).expand({m, n}).contiguous() : at::empty({m, n}, a.options());
    if (m == 0 || n == 0)
        return out.view(shape);
    if (k == 0)
        return (bias.defined() ? out : out.zero_()).view(shape);
    linearInto(a, w, bias.defined(), out);
    return out.view(shape);
}

at::Tensor fixedBatchedMatmul(const at::Tensor &a, const at::Tensor &b)
{
    if (needsAutograd({&a, &b}))
        return at::matmul(a, b);
    checkOperands(a, b, "fixedBatchedMatmul");
    if (a.dim() != 3 || b.dim() != 3 || a.size(0) != b.size(0) || a.size(2) != b.size(1))
        throw std::invalid_argument("fixedBatchedMatmul: shapes must be [G, M, K] and [G, K, N]");
    const int64_t groups = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
    const at::Tensor left = a.contiguous();
    // b either row-major [K, N] per matrix, or the transpose of a row-major [N, K] (k.transpose(-2, -1)).
    const bool transposedView = b.stride(1) == 1 && b.stride(2) == k && b.stride(0) == n * k;
    const at::Tensor right = transposedView ? b : b.contiguous();
    at::Tensor out = at::empty({groups, m, n}, left.options());
    if (groups == 0 || m == 0 || n == 0)
        return out;
    if (k == 0)
        return out.zero_();
    forEachPiece(groups, [&](int64_t g) {
        multiplyInto(out[g], left[g], right[g], transposedView, false);
    });
    return out;
}

at::Tensor fixedHeadRows(const at::Tensor &hidden, int64_t firstPosition, const at::Tensor &rows,
                         const at::Tensor &weight, int64_t canvasLength)
{
    const int64_t batch = hidden.size(0), n = hidden.size(1), d = hidden.size(2), vocab = weight.size(0);
    const at::Tensor wanted = rows.to(at::kLong).contiguous();
    if (needsAutograd({&hidden, &weight})) // training: every row, no tiles needed
        return at::linear(hidden.index_select(1, wanted - firstPosition), weight);
    checkOperands(hidden, weight, "fixedHeadRows");
    if (firstPosition < 0 || firstPosition + n > canvasLength)
        throw std::invalid_argument("fixedHeadRows: hidden states outside the canvas");
    const int64_t *wantedRows = wanted.data_ptr<int64_t>();
    const int64_t count = wanted.numel();

    // The tiles that hold a requested row, in order of first request, and where each tile's rows start in
    // the tiles' input and output (a tile has kHeadTileRows rows, the canvas's last one fewer).
    std::vector<int64_t> tiles, tileStart;
    int64_t tileRows = 0;
    std::vector<int64_t> slot(size_t(count), 0);
    for (int64_t i = 0; i < count; ++i) {
        const int64_t position = wantedRows[i];
        if (position < firstPosition || position >= firstPosition + n)
            throw std::invalid_argument("fixedHeadRows: a requested row has no hidden state");
        const int64_t tile = position / kHeadTileRows;
        auto found = std::find(tiles.begin(), tiles.end(), tile);
        if (found == tiles.end()) {
            found = tiles.insert(tiles.end(), tile);
            tileStart.push_back(tileRows);
            tileRows += std::min(kHeadTileRows, canvasLength - tile * kHeadTileRows);
        }
        slot[size_t(i)] = tileStart[size_t(found - tiles.begin())] + position % kHeadTileRows;
    }
    const int64_t tileCount = int64_t(tiles.size());

    // Each tile's input: the hidden state of every canvas position of the tile that has one, zeros elsewhere
    // (outside a cached block). Other rows never enter a row's arithmetic; only the call's shape and the row's
    // place in it do, and both are fixed by the row's canvas position and the canvas length.
    at::Tensor input = at::zeros({batch, tileRows, d}, hidden.options());
    std::vector<int64_t> from, to;
    for (int64_t t = 0; t < tileCount; ++t) {
        const int64_t first = tiles[size_t(t)] * kHeadTileRows;
        for (int64_t position = std::max(first, firstPosition);
             position < std::min(first + kHeadTileRows, firstPosition + n); ++position)
            from.push_back(position - firstPosition), to.push_back(tileStart[size_t(t)] + position - first);
    }
    input.index_copy_(1, at::tensor(to, at::kLong), hidden.index_select(1, at::tensor(from, at::kLong)));

    const at::Tensor w = weight.contiguous();
    at::Tensor logits = at::empty({batch, tileRows, vocab}, input.options());
    // One call per (tile, feature piece): a tile is never merged with its neighbours into a larger call. A job
    // is one piece of the head, small enough to stay in the core's cache while every tile goes through it, so
    // the weights are read from memory once a step however many tiles there are.
    // The width depends on the shapes of the head and the tiles, never on which tiles a step asks for.
    const int64_t width = w.scalar_type() == at::kFloat ? cachedPieceWidth(vocab, d * int64_t(w.element_size()))
                                                        : pieceWidth(vocab, kHeadTileRows * d, w.scalar_type());
    const int64_t pieces = (vocab + width - 1) / width;
    forEachPiece(pieces, [&](int64_t p) {
        const int64_t first = p * width, cols = std::min(width, vocab - first);
        const at::Tensor piece = w.narrow(0, first, cols).t();
        for (int64_t b = 0; b < batch; ++b)
            for (int64_t t = 0; t < tileCount; ++t) {
                const int64_t start = tileStart[size_t(t)];
                const int64_t size = (t + 1 < tileCount ? tileStart[size_t(t) + 1] : tileRows) - start;
                multiplyInto(logits[b].narrow(0, start, size).narrow(1, first, cols), input[b].narrow(0, start, size),
                             piece, true, false);
            }
    });
    return logits.index_select(1, at::tensor(slot, at::kLong));
}

} // namespace dlm
