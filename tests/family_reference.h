#pragma once
// A naive double-precision forward pass of Dream and LLaDA-MoE, written from the architecture descriptions
// (modeling_dream.py, modeling_lladamoe.py) with loops over plain vectors and no tensor library, reading the
// checkpoint's F32 weights by their Hugging Face names. The tests hold the engine's LibTorch forward to it.

#include "core/model/model_config.h"
#include "core/model/safetensors.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace dlm::testing {

using Vec = std::vector<double>;
using Mat = std::vector<Vec>; // [rows][cols]

/** Which experts one position chose in one layer, best first, with the router's (unnormalised) weights. */
struct NaiveRoute
{
    std::vector<int> ids;
    Vec weights;
};

class NaiveFamilyModel
{
public:
    NaiveFamilyModel(const WeightStore &store, const ModelConfig &config)
        : m_store(store)
        , m_c(config)
    {
    }

    /** Raw logits [position][vocab] (no Dream shift); routes[layer][position] filled for MoE layers. */
    Mat forward(const std::vector<int> &ids, std::vector<std::vector<NaiveRoute>> *routes = nullptr) const
    {
        const size_t n = ids.size();
        const Mat embed = mat("model.embed_tokens.weight");
        Mat h(n);
        for (size_t p = 0; p < n; ++p)
            h[p] = embed[size_t(ids[p])];
        if (routes)
            routes->assign(size_t(m_c.nLayers), std::vector<NaiveRoute>(n));
        for (int layer = 0; layer < m_c.nLayers; ++layer) {
            const std::string pre = "model.layers." + std::to_string(layer) + ".";
            const Mat attn = attention(h, pre);
            for (size_t p = 0; p < n; ++p)
                for (size_t i = 0; i < h[p].size(); ++i)
                    h[p][i] += attn[p][i];
            const Vec gain = vec(pre + "post_attention_layernorm.weight");
            for (size_t p = 0; p < n; ++p) {
                const Vec f = rmsNorm(h[p], gain);
                const Vec y = m_c.isMoeLayer(layer)
                    ? experts(f, pre + "mlp.", routes ? &(*routes)[size_t(layer)][p] : nullptr)
                    : swiGlu(f, pre + "mlp.");
                for (size_t i = 0; i < y.size(); ++i)
                    h[p][i] += y[i];
            }
        }
        const Vec norm = vec("model.norm.weight");
        const Mat head = mat(m_c.weightTying ? "model.embed_tokens.weight" : "lm_head.weight");
        Mat logits(n);
        for (size_t p = 0; p < n; ++p)
            logits[p] = matVec(head, rmsNorm(h[p], norm));
        return logits;
    }

private:
    Mat mat(const std::string &name) const
    {
        const TensorView *v = m_store.find(name);
        const float *f = reinterpret_cast<const float *>(v->data);
        const size_t rows = size_t(v->shape[0]), cols = v->shape.size() > 1 ? size_t(v->shape[1]) : 1;
        Mat m(rows, Vec(cols));
        for (size_t r = 0; r < rows; ++r)
            for (size_t c = 0; c < cols; ++c)
                m[r][c] = f[r * cols + c];
        return m;
    }
    Vec vec(const std::string &name) const
    {
        Vec out;
        for (const Vec &row : mat(name))
            out.push_back(row[0]);
        return out;
    }
    static Vec matVec(const Mat &w, const Vec &x)
    {
        Vec y(w.size(), 0.0);
        for (size_t o = 0; o < w.size(); ++o)
            for (size_t i = 0; i < x.size(); ++i)
                y[o] += w[o][i] * x[i];
        return y;
    }
    Vec rmsNorm(const Vec &x, const Vec &g) const
    {
        double ms = 0;
        for (double v : x)
            ms += v * v;
        ms /= double(x.size());
        Vec y(x.size());
        for (size_t i = 0; i < x.size(); ++i)
            y[i] = g[i] * x[i] / std::sqrt(ms + m_c.rmsNormEps);
        return y;
    }
    Vec linear(const std::string &name, const Vec &x, bool bias) const
    {
        Vec y = matVec(mat(name + ".weight"), x);
        if (bias) {
            const Vec b = vec(name + ".bias");
            for (size_t i = 0; i < y.size(); ++i)
                y[i] += b[i];
        }
        return y;
    }
    /** Per head: optional RMSNorm over the head's slice, then the NeoX rotation at `pos`. */
    void prepareHeads(Vec &x, int heads, int pos, const std::string &normName) const
    {
        const int hd = m_c.headDim(), half = hd / 2;
        for (int h = 0; h < heads; ++h) {
            const size_t off = size_t(h * hd);
            if (m_c.qkNorm) {
                const Vec slice(x.begin() + long(off), x.begin() + long(off) + hd);
                const Vec normed = rmsNorm(slice, vec(normName));
                std::copy(normed.begin(), normed.end(), x.begin() + long(off));
            }
            for (int i = 0; i < half; ++i) {
                const double a = pos / std::pow(m_c.ropeTheta, 2.0 * i / hd);
                const double x1 = x[off + size_t(i)], x2 = x[off + size_t(i + half)];
                x[off + size_t(i)] = x1 * std::cos(a) - x2 * std::sin(a);
                x[off + size_t(i + half)] = x2 * std::cos(a) + x1 * std::sin(a);
            }
        }
    }
    Mat attention(const Mat &h, const std::string &pre) const
    {
        const size_t n = h.size();
        const int hd = m_c.headDim(), group = m_c.nHeads / m_c.nKvHeads;
        const Vec gain = vec(pre + "input_layernorm.weight");
        Mat q(n), k(n), v(n);
        for (size_t p = 0; p < n; ++p) {
            const Vec a = rmsNorm(h[p], gain);
            q[p] = linear(pre + "self_attn.q_proj", a, m_c.qkvBias);
            k[p] = linear(pre + "self_attn.k_proj", a, m_c.qkvBias);
            v[p] = linear(pre + "self_attn.v_proj", a, m_c.qkvBias);
            prepareHeads(q[p], m_c.nHeads, int(p), pre + "self_attn.q_norm.weight");
            prepareHeads(k[p], m_c.nKvHeads, int(p), pre + "self_attn.k_norm.weight");
        }
        Mat out(n, Vec(size_t(m_c.dModel), 0.0));
        for (size_t p = 0; p < n; ++p) {
            for (int head = 0; head < m_c.nHeads; ++head) {
                const size_t qo = size_t(head * hd), ko = size_t((head / group) * hd);
                Vec s(n);
                for (size_t j = 0; j < n; ++j) { // every position sees every other: no causal mask
                    for (int i = 0; i < hd; ++i)
                        s[j] += q[p][qo + size_t(i)] * k[j][ko + size_t(i)];
                    s[j] /= std::sqrt(double(hd));
                }
                const double mx = *std::max_element(s.begin(), s.end());
                double z = 0;
                for (double &e : s)
                    z += (e = std::exp(e - mx));
                for (size_t j = 0; j < n; ++j)
                    for (int i = 0; i < hd; ++i)
                        out[p][qo + size_t(i)] += s[j] / z * v[j][ko + size_t(i)];
            }
            out[p] = linear(pre + "self_attn.o_proj", out[p], m_c.outBias);
        }
        return out;
    }
    Vec swiGlu(const Vec &x, const std::string &pre) const
    {
        Vec g = matVec(mat(pre + "gate_proj.weight"), x);
        const Vec u = matVec(mat(pre + "up_proj.weight"), x);
        for (size_t i = 0; i < g.size(); ++i)
            g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
        return matVec(mat(pre + "down_proj.weight"), g);
    }
    Vec experts(const Vec &x, const std::string &pre, NaiveRoute *route) const
    {
        Vec p = matVec(mat(pre + "gate.weight"), x);
        const double mx = *std::max_element(p.begin(), p.end());
        double z = 0;
        for (double &e : p)
            z += (e = std::exp(e - mx));
        for (double &e : p)
            e /= z;
        std::vector<int> order(p.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p[size_t(a)] > p[size_t(b)]; });
        Vec y(x.size(), 0.0);
        for (int slot = 0; slot < m_c.expertsPerToken; ++slot) {
            const int e = order[size_t(slot)];
            const Vec out = swiGlu(x, pre + "experts." + std::to_string(e) + ".");
            for (size_t i = 0; i < y.size(); ++i)
                y[i] += p[size_t(e)] * out[i]; // the softmax probability itself: no renormalisation over the top-k
            if (route) {
                route->ids.push_back(e);
                route->weights.push_back(p[size_t(e)]);
            }
        }
        return y;
    }

    const WeightStore &m_store;
    ModelConfig m_c;
};

} // namespace dlm::testing
