#pragma once
// The tiny random model and its tokenizer loaded once per test executable, and sessions made on it: the
// set-up every engine-level session test shares. Header-only: the tests that use it link dlmcore.

#include "core/base/compute_threads.h"
#include "core/model/llada_model.h"
#include "core/session/session.h"
#include "core/text/tokenizer.h"
#include "tiny_model.h"

#include <QTemporaryDir>
#include <QtTest>

namespace dlm::testing {

/** A tiny model written to a temporary folder and loaded; `make` starts sessions on it. */
class TinySession
{
public:
    /** Writes and loads the model; returns an empty string or what went wrong. */
    std::string open(int threads = 2, const TinyModelOptions &options = {})
    {
        if (!m_tmp.isValid())
            return "no temporary folder";
        const std::string dir = m_tmp.path().toStdString();
        if (auto c = writeTinyModel(dir, options); !c.ok())
            return c.error();
        auto model = LladaModel::load(dir);
        if (!model.ok())
            return model.error();
        m_model = *model;
        auto tok = loadTokenizer(dir);
        if (!tok.ok())
            return tok.error();
        m_tokenizer = *tok;
        setComputeThreads(threads);
        return {};
    }

    std::unique_ptr<Session> make(const GenerationSettings &s, const std::string &prompt = "the cat sat on") const
    {
        auto session = Session::create(m_model, m_tokenizer, s, prompt);
        if (!session.ok())
            qFatal("%s", session.error().c_str());
        return std::move(*session);
    }

    /** 12 positions, 6 steps, one block: small enough for many runs per test. */
    static GenerationSettings small()
    {
        GenerationSettings s;
        s.genLength = 12;
        s.steps = 6;
        s.blockLength = 12;
        return s;
    }

    const std::shared_ptr<LladaModel> &model() const { return m_model; }
    const std::shared_ptr<Tokenizer> &tokenizer() const { return m_tokenizer; }
    std::string dir() const { return m_tmp.path().toStdString(); }
    QString filePath(const QString &name) const { return m_tmp.filePath(name); }

private:
    QTemporaryDir m_tmp;
    std::shared_ptr<LladaModel> m_model;
    std::shared_ptr<Tokenizer> m_tokenizer;
};

} // namespace dlm::testing
