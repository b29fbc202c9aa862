#pragma once
// Renders templates with Jinja2 itself (Debian's python3-jinja2, through tests/jinja_reference.py, which sets
// Jinja2 up as transformers does), so the tests compare the C++ interpreter with the reference byte for byte.

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>

#include <string>
#include <vector>

namespace jinja_reference {

/** One template to render: its text and its variables as JSON text (an object; key order is kept). */
struct Case
{
    std::string templateText;
    std::string variablesJson;
};

/** What Jinja2 made of a case. */
struct Outcome
{
    bool ok = false;
    std::string output; // when ok
    std::string error; // when not
};

inline std::string jsonString(const std::string &s)
{
    const QJsonArray wrapper {QString::fromStdString(s)};
    const QByteArray text = QJsonDocument(wrapper).toJson(QJsonDocument::Compact);
    return text.mid(1, text.size() - 2).toStdString(); // strip the array brackets
}

/**
 * Renders all cases in one Python process (the date for strftime_now is 2024-07-26 10:00). On failure to
 * run Python, returns an empty list and sets `problem`.
 */
inline std::vector<Outcome> render(const std::vector<Case> &cases, QString *problem)
{
    std::string request = "{\"now\": [2024, 7, 26, 10, 0, 0], \"cases\": [";
    for (size_t i = 0; i < cases.size(); ++i) {
        request += (i ? ", " : "");
        request += "{\"template\": " + jsonString(cases[i].templateText) + ", \"variables\": " + cases[i].variablesJson
            + "}";
    }
    request += "]}";

    // Debian's interpreter on purpose: a python3 on PATH may be a pyenv one that cannot see python3-jinja2.
    const QString script = qEnvironmentVariable("DLM_SOURCE_DIR") + QStringLiteral("/tests/jinja_reference.py");
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"), {script});
    if (!python.waitForStarted(30000)) {
        *problem = QStringLiteral("cannot start /usr/bin/python3 (run scripts/setup-deps --tests)");
        return {};
    }
    python.write(QByteArray::fromStdString(request));
    python.closeWriteChannel();
    if (!python.waitForFinished(120000) || python.exitCode() != 0) {
        *problem = QStringLiteral("jinja_reference.py failed (is python3-jinja2 installed? scripts/setup-deps "
                                  "--tests): ")
            + QString::fromUtf8(python.readAllStandardError());
        return {};
    }
    const QJsonArray results = QJsonDocument::fromJson(python.readAllStandardOutput()).array();
    std::vector<Outcome> outcomes;
    for (const auto &r : results) {
        const QJsonObject o = r.toObject();
        outcomes.push_back(
            Outcome {o.value(QStringLiteral("ok")).toBool(), o.value(QStringLiteral("output")).toString().toStdString(),
                o.value(QStringLiteral("error")).toString().toStdString()});
    }
    if (outcomes.size() != cases.size())
        *problem = QStringLiteral("jinja_reference.py answered %1 cases of %2").arg(outcomes.size()).arg(cases.size());
    return outcomes;
}

} // namespace jinja_reference
