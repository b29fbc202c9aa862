// The text exports of a timeline made in-process (CSV, Markdown and LaTeX tables, the standalone HTML player),
// on a real run of the tiny random model with an edit that forks a branch (test_exports_fixture.h). The
// `export` command is test_exports_cli.

#include "core/export/html_player.h"
#include "core/export/timeline_csv.h"
#include "core/export/timeline_table.h"
#include "core/text/piece_text.h"

#include "test_exports_fixture.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <map>
#include <sstream>
#include <tuple>

using namespace dlm;
using namespace dlm::testing;

class TestExports : public QObject
{
    Q_OBJECT

private:
    ExportFixture m_f;

private Q_SLOTS:
    void initTestCase()
    {
        const std::string problem = m_f.make();
        QVERIFY2(problem.empty(), problem.c_str());
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
        auto csv = timelineToCsv(m_f.timeline, {branch, records});
        QVERIFY2(csv.ok(), csv.error().c_str());
        CsvRows rows;
        QVERIFY(parseCsv(*csv, &rows));

        // Expected from the timeline: a fork's records up to its fork index belong to its parent.
        const auto wanted = [&](int i) { return steps.isEmpty() || steps.contains(i); };
        int expected = 0;
        for (int b = 0; b < m_f.timeline.branchCount(); ++b) {
            if (branch != kAllBranches && b != branch)
                continue;
            const Branch &br = m_f.timeline.branch(b);
            const int firstOwn = branch == kAllBranches ? br.forkIndex + 1 : 0;
            for (int i = firstOwn; i < br.size(); ++i)
                expected += wanted(i) ? br.at(i).length() : 0;
        }
        QVERIFY(expected > 0);
        QCOMPARE(static_cast<int>(rows.size()), expected + 1); // + header
        for (const auto &row : rows)
            QCOMPARE(row.size(), size_t(18));
    }

    void csvValues()
    {
        auto csv = timelineToCsv(m_f.timeline);
        QVERIFY2(csv.ok(), csv.error().c_str());
        CsvRows rows;
        QVERIFY(parseCsv(*csv, &rows));
        const std::vector<std::string> header = {"branch", "record", "denoise_step", "block", "kind", "position",
            "token_id", "piece", "state", "locked", "candidate_id", "candidate_piece", "confidence", "probability",
            "margin", "entropy", "text", "candidate_text"};
        QCOMPARE(rows.at(0), header);

        std::map<std::tuple<int, int, int>, std::vector<std::string>> byKey;
        for (size_t i = 1; i < rows.size(); ++i) {
            const auto &row = rows[i];
            const auto key = std::make_tuple(std::stoi(row[0]), std::stoi(row[1]), std::stoi(row[5]));
            QVERIFY2(byKey.emplace(key, row).second, "a (branch, record, position) appears twice");
            QVERIFY2(std::stoi(row[0]) == 0 || std::stoi(row[1]) > m_f.fork().forkIndex,
                "shared records must be written once, under the root");
        }

        // Every position of: the root's first denoise step, the fork's edit, lock and first own denoise step.
        const std::vector<std::pair<int, int>> checked = {{0, 1}, {0, 6}, {1, 3}, {1, 4}, {1, 5}};
        int consideredSeen = 0, lockedSeen = 0;
        for (auto [b, i] : checked) {
            const StepRecord &r = m_f.timeline.branch(b).at(i);
            for (int pos = 0; pos < r.length(); ++pos) {
                const auto it = byKey.find(std::make_tuple(b, i, pos));
                QVERIFY2(it != byKey.end(), qPrintable(QStringLiteral("no row for %1/%2/%3").arg(b).arg(i).arg(pos)));
                const auto &row = it->second;
                const size_t p = static_cast<size_t>(pos);
                QCOMPARE(row[2], std::to_string(r.denoiseStep));
                QCOMPARE(row[4], std::string(recordKindName(r.kind)));
                QCOMPARE(row[6], std::to_string(r.tokens[p]));
                QCOMPARE(row[7], m_f.timeline.pieceOf(r.tokens[p]));
                QCOMPARE(row[8], std::string(stateName(r.states[p])));
                const bool isLocked = (r.flags[p] & FlagLocked) != 0;
                QCOMPARE(row[9], std::string(isLocked ? "1" : "0"));
                lockedSeen += isLocked ? 1 : 0;
                if (r.considered(pos)) {
                    ++consideredSeen;
                    QCOMPARE(row[10], std::to_string(r.candidates[p]));
                    QCOMPARE(row[11], m_f.timeline.pieceOf(r.candidates[p]));
                    // The shortest decimal reads back as the very float that was recorded.
                    QVERIFY(sameFloat(cellFloat(row[12]), r.confidence[p]));
                    QVERIFY(sameFloat(cellFloat(row[13]), r.probability[p]));
                    QVERIFY(sameFloat(cellFloat(row[14]), r.margin[p]));
                    QVERIFY(sameFloat(cellFloat(row[15]), r.entropy[p]));
                    QCOMPARE(row[17], pieceText(m_f.timeline.pieceOf(r.candidates[p])));
                } else {
                    for (size_t c : {10, 11, 12, 13, 14, 15, 17})
                        QVERIFY2(row[c].empty(), "a position not considered this step has empty prediction cells");
                }
                // The tiny tokenizer has no byte pieces, so each token's text is its piece spelled alone.
                QCOMPARE(row[16], pieceText(m_f.timeline.pieceOf(r.tokens[p])));
            }
        }
        QVERIFY(consideredSeen > 0);
        QVERIFY(lockedSeen > 0);

        // The planted piece reads back intact, and the raw text quotes it with doubled quotes.
        const auto edited = byKey.at(std::make_tuple(1, 3, m_f.promptLength + 6));
        QCOMPARE(edited[6], std::to_string(m_f.planted[0]));
        QCOMPARE(edited[7], kCsvPiece);
        QCOMPARE(edited[8], std::string("edited"));
        QCOMPARE(edited[16], kCsvPiece);
        QVERIFY(csv->find("\"a,\"\"b\"\"\nc\"") != std::string::npos);
    }

    void csvRefusesBadSelection()
    {
        auto badBranch = timelineToCsv(m_f.timeline, {5, {}});
        QVERIFY(!badBranch.ok());
        QVERIFY2(badBranch.error().find("branch 5 does not exist") != std::string::npos, badBranch.error().c_str());
        auto badStep = timelineToCsv(m_f.timeline, {0, {m_f.fork().size() + 40}});
        QVERIFY(!badStep.ok());
        QVERIFY2(badStep.error().find("out of range") != std::string::npos, badStep.error().c_str());
        Timeline empty;
        QVERIFY(!timelineToCsv(empty).ok());
    }

    // --- tables --------------------------------------------------------------------------------------------

    void markdownTable()
    {
        const std::vector<int> steps = {0, 3, m_f.fork().size() - 1};
        auto md = timelineTable(m_f.timeline, TableFormat::Markdown, {1, steps});
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
            const StepRecord &r = m_f.fork().at(steps[k]);
            const std::string step = std::to_string(steps[k]) + (r.kind == RecordKind::Edit ? " (edit)" : "");
            QVERIFY2(rows[k].rfind("| " + step + " | ", 0) == 0, rows[k].c_str());
            QCOMPARE(countOf(rows[k], "\xe2\x96\x92"), masksFrom(r, m_f.promptLength));
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
        auto step1 = timelineTable(m_f.timeline, TableFormat::Markdown, {0, {1}});
        QVERIFY(step1.ok());
        QVERIFY2(
            step1->find("**") != std::string::npos && step1->find("| 1 | 10 | ") != std::string::npos, step1->c_str());
    }

    void latexTable()
    {
        const std::vector<int> steps = {0, 3, m_f.fork().size() - 1};
        auto tex = timelineTable(m_f.timeline, TableFormat::Latex, {1, steps});
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
            const StepRecord &r = m_f.fork().at(steps[k]);
            const std::string step = std::to_string(steps[k]) + (r.kind == RecordKind::Edit ? " (edit)" : "");
            QVERIFY2(rows[k].rfind("    " + step + " & ", 0) == 0, rows[k].c_str());
            QCOMPARE(countOf(rows[k], "\\texttt{[M]}"), masksFrom(r, m_f.promptLength));
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
        auto bad = timelineTable(m_f.timeline, TableFormat::Markdown, {0, {999}});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("step 999 is out of range: branch 0 has records 0..") != std::string::npos,
            bad.error().c_str());
    }

    // --- HTML player ---------------------------------------------------------------------------------------

    void htmlIsSelfContained()
    {
        auto html = timelinePlayerHtml(m_f.timeline, {1, 0});
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
        // Twice: the pieces table holds the planted piece raw and as text (the same, it has no "▁" or bytes).
        QCOMPARE(countOf(page.substr(data, dataEnd - data), "@player_js@"), 2);
        QVERIFY(page.find("id=\"step-label\"") != std::string::npos);
        QVERIFY(page.find("id=\"step-slider\"") != std::string::npos);
        // Two script elements (data and code), and the planted "</script>" did not add a third end tag.
        QCOMPARE(countOf(page, "<script"), 2);
        QCOMPARE(countOf(page, "</script"), 2);
    }

    void htmlCarriesTheData()
    {
        auto html = timelinePlayerHtml(m_f.timeline, {1, 2});
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
        QCOMPARE(records.size(), m_f.fork().size());
        for (int i = 0; i < m_f.fork().size(); ++i) {
            const QJsonObject r = records.at(i).toObject();
            const QJsonArray tokens = r.value(QStringLiteral("tokens")).toArray();
            QCOMPARE(tokens.size(), m_f.fork().at(i).length());
            for (int pos = 0; pos < tokens.size(); ++pos)
                QCOMPARE(tokens.at(pos).toInt(), m_f.fork().at(i).tokens[static_cast<size_t>(pos)]);
            QCOMPARE(r.value(QStringLiteral("committed")).toArray().size(),
                static_cast<qsizetype>(m_f.fork().at(i).committed.size()));
        }
        // The planted piece comes back whole through JSON.parse's escapes.
        bool found = false;
        for (const QJsonValue &pair : root.value(QStringLiteral("pieces")).toArray()) {
            const QJsonArray p = pair.toArray();
            if (p.at(0).toInt() == m_f.planted[2]) {
                QCOMPARE(p.at(1).toString(), QString::fromStdString(kScriptPiece));
                found = true;
            }
        }
        QVERIFY(found);
    }

    void htmlRefusesBadStart()
    {
        auto bad = timelinePlayerHtml(m_f.timeline, {0, 500});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("step 500 is out of range") != std::string::npos, bad.error().c_str());
        QVERIFY(!timelinePlayerHtml(m_f.timeline, {7, 0}).ok());
    }
};

QTEST_GUILESS_MAIN(TestExports)
#include "test_exports.moc"
