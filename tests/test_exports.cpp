// The text exports of a timeline (CSV, Markdown and LaTeX tables, the standalone HTML player) and the
// `export` command, on a real run of the tiny random model with an edit that forks a branch.

#include "app/cli/cli_args.h"
#include "core/base/compute_threads.h"
#include "app/cli/cli_export_args.h"
#include "app/cli/commands.h"

#include "core/export/html_player.h"
#include "core/model/model_loader.h"
#include "core/session/session.h"
#include "core/export/timeline_csv.h"
#include "core/timeline/timeline_json.h"
#include "core/export/timeline_table.h"
#include "tiny_model.h"

#include "cli_process.h"

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <tuple>

using namespace dlm;
using dlm::testing::ProcessResult;

namespace {

// Pieces planted in the timeline to exercise quoting and escaping; the exporters read pieces from the
// timeline alone, so this is exactly what a hostile or unusual file would give them.
const std::string kCsvPiece = "a,\"b\"\nc";
const std::string kMarkupPiece = "|x\\y_*#$%&{}~^<>";
const std::string kScriptPiece = "</script><!--x @PLAYER_JS@";

using CsvRows = std::vector<std::vector<std::string>>;

/** An RFC 4180 reader, independent of the writer: quoted fields with doubled quotes and embedded breaks. */
bool parseCsv(const std::string &text, CsvRows *rows)
{
    rows->clear();
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, fieldStarted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            if (fieldStarted && !field.empty())
                return false; // a quote in the middle of an unquoted field
            quoted = true;
            fieldStarted = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            fieldStarted = false;
        } else if (c == '\n') {
            row.push_back(field);
            rows->push_back(row);
            row.clear();
            field.clear();
            fieldStarted = false;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    return !quoted && row.empty() && field.empty(); // the text ends with a complete line
}

/** A CSV number cell as a float (strtof: denormals and "inf" included); empty is NaN. */
float cellFloat(const std::string &cell)
{
    return cell.empty() ? std::nanf("") : std::strtof(cell.c_str(), nullptr);
}

bool sameFloat(float a, float b)
{
    return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

int countOf(const std::string &text, const std::string &what)
{
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
        ++n;
    return n;
}

std::string lower(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

class TestExports : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Timeline m_timeline;
    QString m_timelinePath;
    QString m_exe;
    int m_promptLength = 0;
    int m_length = 0;
    int32_t m_maskId = -1;
    std::vector<int32_t> m_planted; ///< token ids whose pieces were replaced: csv, markup, script

    ProcessResult runCli(const QStringList &args) { return testing::runProcess(m_exe, args, 120000); }

    /** export in-process; returns the exit code, stdout and stderr. */
    static int exportInProcess(const QStringList &args, std::string *out, std::string *err)
    {
        std::vector<std::string> list = {"export"};
        for (const QString &a : args)
            list.push_back(a.toStdString());
        auto parsed = parseCli(list);
        if (!parsed) {
            *err = parsed.error();
            return ExitBadInput;
        }
        std::ostringstream o, e;
        const int code = runCommand(*parsed, o, e);
        *out = o.str();
        *err = e.str();
        return code;
    }

    /** Masked positions of a record from `from` on: what a table row must show as mask symbols. */
    static int masksFrom(const StepRecord &r, int from)
    {
        int n = 0;
        for (int pos = from; pos < r.length(); ++pos) {
            const PositionState s = r.states[static_cast<size_t>(pos)];
            n += s == PositionState::Masked || s == PositionState::Remasked ? 1 : 0;
        }
        return n;
    }

    const Branch &fork() const { return m_timeline.branch(1); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const std::string modelDir = m_dir.filePath(QStringLiteral("tiny")).toStdString();
        auto config = testing::writeTinyModel(modelDir);
        QVERIFY2(config.ok(), config.error().c_str());
        setComputeThreads(1);
        auto loaded = loadModelDirectory(modelDir);
        QVERIFY2(loaded.ok(), loaded.error().c_str());

        GenerationSettings s;
        s.genLength = 12;
        s.steps = 6;
        s.blockLength = 4; // three blocks: some masks are never considered in a step
        s.topK = 3;
        s.seed = 7;
        auto created = Session::create(loaded->model, loaded->tokenizer, s, "The cat sat");
        QVERIFY2(created.ok(), created.error().c_str());
        Session &session = **created;
        QVERIFY(session.run(nullptr).ok());
        m_promptLength = session.promptLength();
        m_maskId = session.maskId();

        // Edit in the past: three tokens at record 2 fork branch 1; then lock one of them and run to the end.
        for (int32_t id = 10; m_planted.size() < 3; ++id) {
            if (id != config->maskTokenId && id != config->eosTokenId)
                m_planted.push_back(id);
        }
        QVERIFY(session.goTo(2).ok());
        const Status edited = session.setTokens(m_promptLength + 6, m_planted);
        QVERIFY2(edited.ok(), edited.error().c_str());
        const Status locked = session.setLocked({m_promptLength + 7}, true);
        QVERIFY2(locked.ok(), locked.error().c_str());
        QVERIFY(session.run(nullptr).ok());

        m_timeline = session.timeline();
        QCOMPARE(m_timeline.branchCount(), 2);
        QCOMPARE(fork().forkIndex, 2);
        m_length = m_timeline.branch(0).at(0).length();
        for (auto &[id, piece] : m_timeline.pieces) {
            if (id == m_planted[0])
                piece = kCsvPiece;
            else if (id == m_planted[1])
                piece = kMarkupPiece;
            else if (id == m_planted[2])
                piece = kScriptPiece;
        }
        QCOMPARE(m_timeline.pieceOf(m_planted[2]), kScriptPiece);

        m_timelinePath = m_dir.filePath(QStringLiteral("run.json"));
        const Status saved = saveTimeline(m_timeline, m_timelinePath.toStdString());
        QVERIFY2(saved.ok(), saved.error().c_str());
        m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        QVERIFY2(QFileInfo(m_exe).isExecutable(), qPrintable(m_exe + QStringLiteral(" not built")));
    }

    // --- CSV -----------------------------------------------------------------------------------------------

    void csvRowCount_data()
    {
        QTest::addColumn<int>("branch");
        QTest::addColumn<QList<int>>("steps");
        QTest::newRow("all branches") << int(kAllBranches) << QList<int>();
        QTest::newRow("root") << 0 << QList<int>();
        QTest::newRow("fork, with its shared history") << 1 << QList<int>();
        QTest::newRow("all branches, steps 0 2 4") << int(kAllBranches) << QList<int> {0, 2, 4};
        QTest::newRow("fork, step 1") << 1 << QList<int> {1};
    }
    void csvRowCount()
    {
        QFETCH(int, branch);
        QFETCH(QList<int>, steps);
        const std::vector<int> records(steps.begin(), steps.end());
        auto csv = timelineToCsv(m_timeline, {branch, records});
        QVERIFY2(csv.ok(), csv.error().c_str());
        CsvRows rows;
        QVERIFY(parseCsv(*csv, &rows));

        // Expected from the timeline: a fork's records up to its fork index belong to its parent.
        const auto wanted = [&](int i) { return steps.isEmpty() || steps.contains(i); };
        int expected = 0;
        for (int b = 0; b < m_timeline.branchCount(); ++b) {
            if (branch != kAllBranches && b != branch)
                continue;
            const Branch &br = m_timeline.branch(b);
            const int firstOwn = branch == kAllBranches ? br.forkIndex + 1 : 0;
            for (int i = firstOwn; i < br.size(); ++i)
                expected += wanted(i) ? br.at(i).length() : 0;
        }
        QVERIFY(expected > 0);
        QCOMPARE(static_cast<int>(rows.size()), expected + 1); // + header
        for (const auto &row : rows)
            QCOMPARE(row.size(), size_t(16));
    }

    void csvValues()
    {
        auto csv = timelineToCsv(m_timeline);
        QVERIFY2(csv.ok(), csv.error().c_str());
        CsvRows rows;
        QVERIFY(parseCsv(*csv, &rows));
        const std::vector<std::string> header
            = {"branch", "record", "denoise_step", "block", "kind", "position", "token_id", "piece", "state", "locked",
                "candidate_id", "candidate_piece", "confidence", "probability", "margin", "entropy"};
        QCOMPARE(rows.at(0), header);

        std::map<std::tuple<int, int, int>, std::vector<std::string>> byKey;
        for (size_t i = 1; i < rows.size(); ++i) {
            const auto &row = rows[i];
            const auto key = std::make_tuple(std::stoi(row[0]), std::stoi(row[1]), std::stoi(row[5]));
            QVERIFY2(byKey.emplace(key, row).second, "a (branch, record, position) appears twice");
            QVERIFY2(std::stoi(row[0]) == 0 || std::stoi(row[1]) > fork().forkIndex,
                "shared records must be written once, under the root");
        }

        // Every position of: the root's first denoise step, the fork's edit, lock and first own denoise step.
        const std::vector<std::pair<int, int>> checked = {{0, 1}, {0, 6}, {1, 3}, {1, 4}, {1, 5}};
        int consideredSeen = 0, lockedSeen = 0;
        for (auto [b, i] : checked) {
            const StepRecord &r = m_timeline.branch(b).at(i);
            for (int pos = 0; pos < r.length(); ++pos) {
                const auto it = byKey.find(std::make_tuple(b, i, pos));
                QVERIFY2(it != byKey.end(), qPrintable(QStringLiteral("no row for %1/%2/%3").arg(b).arg(i).arg(pos)));
                const auto &row = it->second;
                const size_t p = static_cast<size_t>(pos);
                QCOMPARE(row[2], std::to_string(r.denoiseStep));
                QCOMPARE(row[4], std::string(recordKindName(r.kind)));
                QCOMPARE(row[6], std::to_string(r.tokens[p]));
                QCOMPARE(row[7], m_timeline.pieceOf(r.tokens[p]));
                QCOMPARE(row[8], std::string(stateName(r.states[p])));
                const bool isLocked = (r.flags[p] & FlagLocked) != 0;
                QCOMPARE(row[9], std::string(isLocked ? "1" : "0"));
                lockedSeen += isLocked ? 1 : 0;
                if (r.considered(pos)) {
                    ++consideredSeen;
                    QCOMPARE(row[10], std::to_string(r.candidates[p]));
                    QCOMPARE(row[11], m_timeline.pieceOf(r.candidates[p]));
                    // The shortest decimal reads back as the very float that was recorded.
                    QVERIFY(sameFloat(cellFloat(row[12]), r.confidence[p]));
                    QVERIFY(sameFloat(cellFloat(row[13]), r.probability[p]));
                    QVERIFY(sameFloat(cellFloat(row[14]), r.margin[p]));
                    QVERIFY(sameFloat(cellFloat(row[15]), r.entropy[p]));
                } else {
                    for (size_t c = 10; c < 16; ++c)
                        QVERIFY2(row[c].empty(), "a position not considered this step has empty prediction cells");
                }
            }
        }
        QVERIFY(consideredSeen > 0);
        QVERIFY(lockedSeen > 0);

        // The planted piece reads back intact, and the raw text quotes it with doubled quotes.
        const auto edited = byKey.at(std::make_tuple(1, 3, m_promptLength + 6));
        QCOMPARE(edited[6], std::to_string(m_planted[0]));
        QCOMPARE(edited[7], kCsvPiece);
        QCOMPARE(edited[8], std::string("edited"));
        QVERIFY(csv->find("\"a,\"\"b\"\"\nc\"") != std::string::npos);
    }

    void csvRefusesBadSelection()
    {
        auto badBranch = timelineToCsv(m_timeline, {5, {}});
        QVERIFY(!badBranch.ok());
        QVERIFY2(badBranch.error().find("branch 5 does not exist") != std::string::npos, badBranch.error().c_str());
        auto badStep = timelineToCsv(m_timeline, {0, {fork().size() + 40}});
        QVERIFY(!badStep.ok());
        QVERIFY2(badStep.error().find("out of range") != std::string::npos, badStep.error().c_str());
        Timeline empty;
        QVERIFY(!timelineToCsv(empty).ok());
    }

    // --- tables --------------------------------------------------------------------------------------------

    void markdownTable()
    {
        const std::vector<int> steps = {0, 3, fork().size() - 1};
        auto md = timelineTable(m_timeline, TableFormat::Markdown, {1, steps});
        QVERIFY2(md.ok(), md.error().c_str());
        const std::string &text = *md;
        for (const char *setting : {"gen length 12", "steps 6", "block length 4", "temperature 0",
                 "measure low\\_confidence", "seed 7", "model tiny"})
            QVERIFY2(text.find(setting) != std::string::npos, setting);

        std::istringstream lines(text);
        std::string line;
        std::vector<std::string> rows;
        while (std::getline(lines, line)) {
            if (line.rfind("| ", 0) == 0 && line.rfind("| Step", 0) != 0)
                rows.push_back(line);
        }
        QCOMPARE(rows.size(), steps.size());
        for (size_t k = 0; k < steps.size(); ++k) {
            const StepRecord &r = fork().at(steps[k]);
            const std::string step = std::to_string(steps[k]) + (r.kind == RecordKind::Edit ? " (edit)" : "");
            QVERIFY2(rows[k].rfind("| " + step + " | ", 0) == 0, rows[k].c_str());
            QCOMPARE(countOf(rows[k], "\xe2\x96\x92"), masksFrom(r, m_promptLength));
            // Pipes inside pieces are escaped, so the row still has exactly three cells.
            int cells = 0;
            for (size_t i = 0; i < rows[k].size(); ++i)
                cells += rows[k][i] == '|' && (i == 0 || rows[k][i - 1] != '\\') ? 1 : 0;
            QCOMPARE(cells, 4);
        }
        QCOMPARE(countOf(rows[0], "\xe2\x96\x92"), 12); // the initial canvas is all masks
        QVERIFY2(rows[1].find("\\|x\\\\y\\_\\*\\#$%\\&{}\\~^\\<\\>") != std::string::npos, rows[1].c_str());
        QVERIFY2(rows[1].find("a,\"b\"\xe2\x86\xb5"
                              "c")
                != std::string::npos,
            rows[1].c_str());

        // A denoise step's commits are bold.
        auto step1 = timelineTable(m_timeline, TableFormat::Markdown, {0, {1}});
        QVERIFY(step1.ok());
        QVERIFY2(
            step1->find("**") != std::string::npos && step1->find("| 1 | 10 | ") != std::string::npos, step1->c_str());
    }

    void latexTable()
    {
        const std::vector<int> steps = {0, 3, fork().size() - 1};
        auto tex = timelineTable(m_timeline, TableFormat::Latex, {1, steps});
        QVERIFY2(tex.ok(), tex.error().c_str());
        const std::string &text = *tex;
        QVERIFY(text.find("\\begin{tabular}") != std::string::npos);
        QVERIFY(text.find("\\end{table}") != std::string::npos);
        QVERIFY2(text.find("\\caption{") != std::string::npos && text.find("low\\_confidence") != std::string::npos
                && text.find("seed 7") != std::string::npos,
            text.c_str());

        std::vector<std::string> rows;
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) {
            if (line.size() > 4 && std::isdigit(static_cast<unsigned char>(line[4])) && line.rfind("    ", 0) == 0)
                rows.push_back(line);
        }
        QCOMPARE(rows.size(), steps.size());
        for (size_t k = 0; k < steps.size(); ++k) {
            const StepRecord &r = fork().at(steps[k]);
            const std::string step = std::to_string(steps[k]) + (r.kind == RecordKind::Edit ? " (edit)" : "");
            QVERIFY2(rows[k].rfind("    " + step + " & ", 0) == 0, rows[k].c_str());
            QCOMPARE(countOf(rows[k], "\\texttt{[M]}"), masksFrom(r, m_promptLength));
        }
        const std::string escaped = "\\textbar{}x\\textbackslash{}y\\_*\\#\\$\\%\\&\\{\\}\\textasciitilde{}"
                                    "\\textasciicircum{}\\textless{}\\textgreater{}";
        QVERIFY2(rows[1].find(escaped) != std::string::npos, rows[1].c_str());
        // No special character reaches LaTeX unescaped: strip the escapes and the markup the writer uses.
        std::string rest = rows[1];
        for (const std::string known : {"\\texttt{[M]}", "\\textbf{", "$\\hookleftarrow$", "\\textbar{}",
                 "\\textbackslash{}", "\\textasciitilde{}", "\\textasciicircum{}", "\\textless{}", "\\textgreater{}",
                 "\\_", "\\#", "\\$", "\\%", "\\&", "\\{", "\\}", "\\\\"}) {
            for (size_t at; (at = rest.find(known)) != std::string::npos;)
                rest.erase(at, known.size());
        }
        QVERIFY2(rest.find_first_of("#$%_~^\\") == std::string::npos, rest.c_str());
    }

    void tableRefusesBadSelection()
    {
        auto bad = timelineTable(m_timeline, TableFormat::Markdown, {0, {999}});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("step 999 is out of range: branch 0 has records 0..") != std::string::npos,
            bad.error().c_str());
    }

    // --- HTML player ---------------------------------------------------------------------------------------

    void htmlIsSelfContained()
    {
        auto html = timelinePlayerHtml(m_timeline, {1, 0});
        QVERIFY2(html.ok(), html.error().c_str());
        const std::string page = lower(*html);
        for (const char *external : {"http://", "https://", "src=", "url(", "@import", "<link"})
            QVERIFY2(page.find(external) == std::string::npos, external);
        QVERIFY(page.rfind("<!doctype html>", 0) == 0);
        // Every marker of the template is filled; the planted piece spells one, which must stay data.
        const size_t data = page.find("id=\"timeline-data\">");
        QVERIFY(data != std::string::npos);
        const size_t dataEnd = page.find("</script>", data);
        QVERIFY(dataEnd != std::string::npos);
        QCOMPARE(countOf(page.substr(0, data) + page.substr(dataEnd), "@player_"), 0);
        QCOMPARE(countOf(page.substr(data, dataEnd - data), "@player_js@"), 1);
        QVERIFY(page.find("id=\"step-label\"") != std::string::npos);
        QVERIFY(page.find("id=\"step-slider\"") != std::string::npos);
        // Two script elements (data and code), and the planted "</script>" did not add a third end tag.
        QCOMPARE(countOf(page, "<script"), 2);
        QCOMPARE(countOf(page, "</script"), 2);
    }

    void htmlCarriesTheData()
    {
        auto html = timelinePlayerHtml(m_timeline, {1, 2});
        QVERIFY2(html.ok(), html.error().c_str());
        const std::string open = "<script type=\"application/json\" id=\"timeline-data\">";
        const size_t begin = html->find(open);
        QVERIFY(begin != std::string::npos);
        const size_t from = begin + open.size();
        const size_t end = html->find("</script>", from);
        QVERIFY(end != std::string::npos);
        const std::string data = html->substr(from, end - from);
        QVERIFY2(data.find_first_of("<>&") == std::string::npos, "markup characters are \\u escaped");

        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(data), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject root = doc.object();
        QCOMPARE(root.value(QStringLiteral("start")).toInt(), 2);
        QCOMPARE(root.value(QStringLiteral("settings")).toObject().value(QStringLiteral("seed")).toString(),
            QStringLiteral("7"));
        const QJsonArray records = root.value(QStringLiteral("records")).toArray();
        QCOMPARE(records.size(), fork().size());
        for (int i = 0; i < fork().size(); ++i) {
            const QJsonObject r = records.at(i).toObject();
            const QJsonArray tokens = r.value(QStringLiteral("tokens")).toArray();
            QCOMPARE(tokens.size(), fork().at(i).length());
            for (int pos = 0; pos < tokens.size(); ++pos)
                QCOMPARE(tokens.at(pos).toInt(), fork().at(i).tokens[static_cast<size_t>(pos)]);
            QCOMPARE(r.value(QStringLiteral("committed")).toArray().size(),
                static_cast<qsizetype>(fork().at(i).committed.size()));
        }
        // The planted piece comes back whole through JSON.parse's escapes.
        bool found = false;
        for (const QJsonValue &pair : root.value(QStringLiteral("pieces")).toArray()) {
            const QJsonArray p = pair.toArray();
            if (p.at(0).toInt() == m_planted[2]) {
                QCOMPARE(p.at(1).toString(), QString::fromStdString(kScriptPiece));
                found = true;
            }
        }
        QVERIFY(found);
    }

    void htmlRefusesBadStart()
    {
        auto bad = timelinePlayerHtml(m_timeline, {0, 500});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("step 500 is out of range") != std::string::npos, bad.error().c_str());
        QVERIFY(!timelinePlayerHtml(m_timeline, {7, 0}).ok());
    }

    // --- the export command --------------------------------------------------------------------------------

    void jsonRoundTripIsByteIdentical()
    {
        QFile original(m_timelinePath);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray bytes = original.readAll();

        const QString copy = m_dir.filePath(QStringLiteral("copy.json"));
        const ProcessResult r = runCli({QStringLiteral("export"), QStringLiteral("--timeline"), m_timelinePath,
            QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--out"), copy});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.rawOut.isEmpty());
        QFile written(copy);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(written.readAll(), bytes);

        const ProcessResult toStdout = runCli(
            {QStringLiteral("export"), QStringLiteral("--timeline"), m_timelinePath, QStringLiteral("--format=json")});
        QVERIFY2(toStdout.exitCode == 0, qPrintable(toStdout.err));
        QCOMPARE(toStdout.rawOut, bytes);
    }

    void cliWritesEachFormat_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("csv") << "csv" << QStringList();
        QTest::newRow("csv branch 1") << "csv" << QStringList {QStringLiteral("--branch"), QStringLiteral("1")};
        QTest::newRow("md steps") << "md" << QStringList {QStringLiteral("--step"), QStringLiteral("0, 2,4")};
        QTest::newRow("tex") << "tex" << QStringList();
        QTest::newRow("html start") << "html" << QStringList {QStringLiteral("--step"), QStringLiteral("3")};
    }
    void cliWritesEachFormat()
    {
        QFETCH(QString, format);
        QFETCH(QStringList, extra);
        const QStringList base
            = QStringList {QStringLiteral("--timeline"), m_timelinePath, QStringLiteral("--format"), format} + extra;
        std::string out, err;
        QCOMPARE(exportInProcess(base, &out, &err), 0);
        QVERIFY2(err.empty(), err.c_str());

        // What the command prints is what the core exporter makes from the file.
        auto loaded = loadTimeline(m_timelinePath.toStdString());
        QVERIFY(loaded.ok());
        Result<std::string> expected = std::string();
        if (format == QStringLiteral("csv"))
            expected = timelineToCsv(*loaded, {extra.isEmpty() ? kAllBranches : 1, {}});
        else if (format == QStringLiteral("md"))
            expected = timelineTable(*loaded, TableFormat::Markdown, {0, {0, 2, 4}});
        else if (format == QStringLiteral("tex"))
            expected = timelineTable(*loaded, TableFormat::Latex, {0, {}});
        else
            expected = timelinePlayerHtml(*loaded, {0, 3});
        QVERIFY(expected.ok());
        QCOMPARE(out, *expected);

        // --out writes the same bytes, atomically: nothing else is left in the folder.
        QTemporaryDir outDir;
        const QString path = outDir.filePath(QStringLiteral("export.") + format);
        QCOMPARE(exportInProcess(QStringList(base) << QStringLiteral("--out") << path, &out, &err), 0);
        QVERIFY(out.empty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().toStdString(), *expected);
        QCOMPARE(QDir(outDir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }

    void cliErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const auto L = [](const char *s) { return QString::fromLatin1(s).split(QLatin1Char(' ')); };
        QTest::newRow("unwritable /proc")
            << L("--timeline TIMELINE --format csv --out /proc/x/y.csv") << "cannot write the export to /proc/x/y.csv";
        QTest::newRow("missing folder") << L("--timeline TIMELINE --format md --out DIR/missing/y.md")
                                        << "DIR/missing/y.md: folder DIR/missing does not exist";
        QTest::newRow("out is a folder") << L("--timeline TIMELINE --format tex --out DIR") << "DIR: it is a directory";
        QTest::newRow("step out of range")
            << L("--timeline TIMELINE --format md --step 0,99") << "step 99 is out of range: branch 0 has records 0..";
        QTest::newRow("step not a number")
            << L("--timeline TIMELINE --format csv --step 1,x") << "--step: expected comma-separated record numbers";
        QTest::newRow("step negative") << L("--timeline TIMELINE --format csv --step -1") << "--step: expected";
        QTest::newRow("branch out of range") << L("--timeline TIMELINE --format html --branch 9")
                                             << "branch 9 does not exist: the timeline has branches 0..1";
        QTest::newRow("bad format")
            << L("--timeline TIMELINE --format docx")
            << "--format: expected json, csv, html, md, tex, png, svg, pdf, gif or frames, got \"docx\"";
        QTest::newRow("no format") << L("--timeline TIMELINE")
                                   << "--format json|csv|html|md|tex|png|svg|pdf|gif|frames is required";
        QTest::newRow("no timeline") << L("--format csv") << "--timeline FILE is required";
        QTest::newRow("json with step") << L("--timeline TIMELINE --format json --step 1")
                                        << "--step and --branch do not apply";
        QTest::newRow("html two steps") << L("--timeline TIMELINE --format html --step 1,2")
                                        << "html takes one record to start at";
        QTest::newRow("unknown option") << L("--timeline TIMELINE --format csv --model m")
                                        << "export: unknown option --model";
        QTest::newRow("missing file") << L("--timeline DIR/none.json --format csv") << "DIR/none.json: cannot open";
        QTest::newRow("not a timeline") << L("--timeline GARBAGE --format csv") << "not valid JSON";
    }
    void cliErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const QString garbage = m_dir.filePath(QStringLiteral("garbage.json"));
        QFile g(garbage);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("{\"format\": \"dlmstudio-timeline\", \"version\": 1, ");
        g.close();
        for (QString &a : args) {
            a.replace(QStringLiteral("TIMELINE"), m_timelinePath);
            a.replace(QStringLiteral("GARBAGE"), garbage);
            a.replace(QStringLiteral("DIR"), m_dir.path());
        }
        message.replace(QStringLiteral("DIR"), m_dir.path());

        const ProcessResult r = runCli(QStringList {QStringLiteral("export")} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("dlmstudio-cli: ")), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.rawOut.isEmpty());
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("missing"))));
    }

    void helpListsEveryFormat()
    {
        const ProcessResult r = runCli({QStringLiteral("export"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const QString help = r.out;
        for (const std::string &format : exportFormats())
            QVERIFY2(help.contains(QStringLiteral("  ") + QString::fromStdString(format) + QLatin1Char(' ')),
                format.c_str());
        for (const char *option : {"--figure", "--width", "--height", "--scale", "--fps"})
            QVERIFY2(help.contains(QLatin1String(option)), option);
        const ProcessResult top = runCli({QStringLiteral("--help")});
        QVERIFY(top.out.contains(QStringLiteral("  export ")));
    }
};

QTEST_GUILESS_MAIN(TestExports)
#include "test_exports.moc"
