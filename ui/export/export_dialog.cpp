#include "ui/export/export_dialog.h"

#include "ui/figures/animation_export.h"
#include "ui/figures/export_file.h"
#include "ui/figures/figure_export.h"
#include "core/export/html_player.h"
#include "core/export/timeline_csv.h"
#include "core/timeline/timeline_json.h"
#include "core/export/timeline_table.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>

#include <algorithm>

namespace dlm {

namespace {

const QString kCancelled = QStringLiteral("export cancelled");
const QString kFormatKey = QStringLiteral("export/format");
const QString kFolderKey = QStringLiteral("export/folder");
const QString kDefaultName = QStringLiteral("dlmstudio-export");

struct FormatInfo
{
    const char *name;
    const char *label;
    const char *about;
    const char *filter; ///< for the file dialog; empty for a folder
};

const FormatInfo kFormats[] = {
    {"json", QT_TRANSLATE_NOOP("dlm::ExportDialog", "Timeline (JSON)"),
        QT_TRANSLATE_NOOP(
            "dlm::ExportDialog", "The whole timeline with every branch; File > Open replays it without a model."),
        "Timeline (*.json)"},
    {"csv", QT_TRANSLATE_NOOP("dlm::ExportDialog", "CSV table"),
        QT_TRANSLATE_NOOP("dlm::ExportDialog",
            "One row per branch, record and position: token, state, candidate, "
            "confidence, margin, entropy. Ready for pandas or a spreadsheet."),
        "CSV (*.csv)"},
    {"html", QT_TRANSLATE_NOOP("dlm::ExportDialog", "Web player (HTML)"),
        QT_TRANSLATE_NOOP("dlm::ExportDialog",
            "One self-contained page that replays the branch in any browser, offline, "
            "opening at the chosen record."),
        "Web page (*.html)"},
    {"md", QT_TRANSLATE_NOOP("dlm::ExportDialog", "Markdown table"),
        QT_TRANSLATE_NOOP(
            "dlm::ExportDialog", "The generated text at every record (or one), a row each, for handouts."),
        "Markdown (*.md)"},
    {"tex", QT_TRANSLATE_NOOP("dlm::ExportDialog", "LaTeX table"),
        QT_TRANSLATE_NOOP("dlm::ExportDialog", "The same table in LaTeX; needs no extra package."), "LaTeX (*.tex)"},
    {"png", QT_TRANSLATE_NOOP("dlm::ExportDialog", "Figure: PNG image"),
        QT_TRANSLATE_NOOP("dlm::ExportDialog",
            "The figure at the chosen record as an image. Scale 2 doubles the pixels "
            "each way, for high-DPI screens and print."),
        "PNG image (*.png)"},
    {"svg", QT_TRANSLATE_NOOP("dlm::ExportDialog", "Figure: SVG drawing"),
        QT_TRANSLATE_NOOP("dlm::ExportDialog", "The figure at the chosen record as a vector drawing."),
        "SVG drawing (*.svg)"},
    {"pdf", QT_TRANSLATE_NOOP("dlm::ExportDialog", "Figure: PDF"),
        QT_TRANSLATE_NOOP("dlm::ExportDialog", "The figure at the chosen record as a one-page vector PDF."),
        "PDF (*.pdf)"},
    {"gif", QT_TRANSLATE_NOOP("dlm::ExportDialog", "Animation: GIF"),
        QT_TRANSLATE_NOOP("dlm::ExportDialog",
            "The sequence view over every record of the branch, with a step counter, "
            "looping."),
        "GIF animation (*.gif)"},
    {"frames", QT_TRANSLATE_NOOP("dlm::ExportDialog", "Animation: PNG frames"),
        QT_TRANSLATE_NOOP("dlm::ExportDialog",
            "The same animation as frame-0000.png, frame-0001.png, ... in a folder, "
            "for video tools."),
        ""},
};

const FormatInfo &formatInfo(const QString &name)
{
    for (const FormatInfo &f : kFormats) {
        if (name == QLatin1String(f.name))
            return f;
    }
    return kFormats[0];
}

bool isFigure(const QString &f)
{
    return figureFormatFromName(f).has_value();
}

bool isAnimation(const QString &f)
{
    return f == QLatin1String("gif") || f == QLatin1String("frames");
}

bool isTable(const QString &f)
{
    return f == QLatin1String("csv") || f == QLatin1String("md") || f == QLatin1String("tex");
}

/** `path` with its format suffix made `suffix` (none for a folder), so switching format keeps the name. */
QString withSuffix(QString path, const QString &suffix)
{
    if (path.isEmpty())
        return path;
    const QString old = QFileInfo(path).suffix();
    const bool known = std::any_of(
        std::begin(kFormats), std::end(kFormats), [&old](const FormatInfo &f) { return old == QLatin1String(f.name); });
    if (known)
        path.chop(old.size() + 1);
    return suffix.isEmpty() ? path : path + QLatin1Char('.') + suffix;
}

} // namespace

ExportDialog::ExportDialog(const Timeline &timeline, int branch, int index, QWidget *parent)
    : QDialog(parent)
    , m_timeline(timeline)
    , m_initialBranch(branch)
{
    setWindowTitle(tr("Export"));
    m_form = new QFormLayout;

    m_format = new QComboBox;
    for (const FormatInfo &f : kFormats)
        m_format->addItem(tr(f.label), QString::fromLatin1(f.name));
    m_form->addRow(tr("&Format:"), m_format);
    m_about = new QLabel;
    m_about->setWordWrap(true);
    m_form->addRow(QString(), m_about);

    m_figure = new QComboBox;
    m_figure->addItem(tr("Sequence view (canvas)"), QStringLiteral("canvas"));
    m_figure->addItem(tr("Confidence heatmap"), QStringLiteral("heatmap"));
    m_figure->addItem(tr("Remasking decision"), QStringLiteral("decisions"));
    m_figure->addItem(tr("Run plots"), QStringLiteral("plots"));
    m_form->addRow(tr("F&igure:"), m_figure);

    m_branch = new QComboBox;
    for (int b = 0; b < m_timeline.branchCount(); ++b) {
        const Branch &br = m_timeline.branch(b);
        QString label = b == 0
            ? tr("branch 0 (the original run)")
            : tr("branch %1 (from branch %2 after record %3)").arg(b).arg(br.parent).arg(br.forkIndex);
        const QString own = QString::fromStdString(br.label);
        if (!own.isEmpty() && own != QStringLiteral("branch %1").arg(b))
            label += QStringLiteral(": ") + own;
        m_branch->addItem(label, b);
    }
    m_branch->addItem(tr("every branch (each shared record once)"), -1);
    m_form->addRow(tr("&Branch:"), m_branch);

    m_record = new QSpinBox;
    m_record->setToolTip(tr("Record 0 is the initial canvas; without edits record N is the canvas after N steps"));
    m_form->addRow(tr("&Record:"), m_record);
    m_onlyThis = new QCheckBox(tr("Only this record (else every record)"));
    m_form->addRow(QString(), m_onlyThis);

    m_width = new QSpinBox;
    m_width->setRange(64, 16384);
    m_width->setSuffix(tr(" px"));
    m_form->addRow(tr("&Width:"), m_width);
    m_height = new QSpinBox;
    m_height->setRange(16, 16384);
    m_height->setSuffix(tr(" px"));
    m_form->addRow(tr("&Height:"), m_height);
    m_scale = new QDoubleSpinBox;
    m_scale->setRange(0.25, 8.0);
    m_scale->setSingleStep(0.5);
    m_scale->setValue(2.0); // crisp on high-DPI screens and slides; 1 for the smallest file
    m_scale->setToolTip(tr("Pixels per figure pixel: 2 gives twice the pixels each way"));
    m_form->addRow(tr("&Scale:"), m_scale);
    m_fps = new QDoubleSpinBox;
    m_fps->setRange(0.1, 50.0);
    m_fps->setValue(4.0);
    m_fps->setSuffix(tr(" records/s"));
    m_form->addRow(tr("&Speed:"), m_fps);

    m_path = new QLineEdit;
    m_path->setMinimumWidth(m_path->fontMetrics().averageCharWidth() * 48); // room for a real path
    auto *browse = new QPushButton(tr("Choose..."));
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    m_form->addRow(tr("Save to:"), pathRow);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole)->setDefault(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addWidget(buttons);

    m_path->setText(QDir(defaultFolder()).filePath(kDefaultName + QStringLiteral(".json")));
    m_branch->setCurrentIndex(std::clamp(branch, 0, std::max(0, m_timeline.branchCount() - 1)));
    updateRecordRange();
    m_record->setValue(index);

    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        resetSizes();
        updateForFormat();
    });
    connect(m_figure, &QComboBox::currentIndexChanged, this, [this] {
        resetSizes();
        updateForFormat();
    });
    connect(m_branch, &QComboBox::currentIndexChanged, this, &ExportDialog::updateRecordRange);
    connect(m_onlyThis, &QCheckBox::toggled, this, &ExportDialog::updateForFormat);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    resetSizes();
    updateForFormat();
}

void ExportDialog::run(QWidget *parent, const Timeline &timeline, int branch, int index)
{
    if (timeline.empty()) {
        QMessageBox::information(
            parent, tr("Export"), tr("There is nothing to export yet: run or open a timeline first."));
        return;
    }
    // Named explicitly, as RecentModels does, so the choices land in the same file however the GUI started.
    QSettings settings(QStringLiteral("DLM Studio"), QStringLiteral("DLM Studio"));
    ExportDialog dialog(timeline, branch, index, parent);
    dialog.restoreChoices(settings);
    if (dialog.exec() == QDialog::Accepted)
        dialog.rememberChoices(settings);
}

QString ExportDialog::defaultFolder()
{
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    for (const QString &candidate : {documents, QDir::homePath()}) {
        if (!candidate.isEmpty() && QFileInfo(candidate).isDir())
            return QDir::cleanPath(candidate);
    }
    return QDir::currentPath();
}

void ExportDialog::restoreChoices(const QSettings &settings)
{
    const QString storedFormat = settings.value(kFormatKey).toString();
    if (m_format->findData(storedFormat) >= 0)
        setFormat(storedFormat); // also gives the path the format's suffix
    const QString folder = settings.value(kFolderKey).toString();
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        return;
    const QString suffix = format() == QLatin1String("frames") ? QString() : QLatin1Char('.') + format();
    m_path->setText(QDir(folder).filePath(kDefaultName + suffix));
}

void ExportDialog::rememberChoices(QSettings &settings) const
{
    settings.setValue(kFormatKey, format());
    // The frames' path is a folder of its own; its parent is where the next export goes, as for a file.
    settings.setValue(kFolderKey, QFileInfo(m_path->text()).absolutePath());
}

void ExportDialog::setFormat(const QString &format)
{
    m_format->setCurrentIndex(std::max(0, m_format->findData(format)));
}

QString ExportDialog::format() const
{
    return m_format->currentData().toString();
}

void ExportDialog::setFigure(const QString &figure)
{
    m_figure->setCurrentIndex(std::max(0, m_figure->findData(figure)));
}

void ExportDialog::setBranch(int branch)
{
    m_branch->setCurrentIndex(std::max(0, m_branch->findData(branch)));
}

void ExportDialog::setRecord(int index)
{
    m_record->setValue(index);
}

void ExportDialog::setOnlyThisRecord(bool only)
{
    m_onlyThis->setChecked(only);
}

void ExportDialog::setOutputPath(const QString &path)
{
    m_path->setText(path);
}

QString ExportDialog::outputPath() const
{
    return m_path->text();
}

void ExportDialog::setFigureWidth(int width)
{
    m_width->setValue(width);
}

void ExportDialog::setScale(double scale)
{
    m_scale->setValue(scale);
}

void ExportDialog::setFps(double fps)
{
    m_fps->setValue(fps);
}

int ExportDialog::selectedBranch() const
{
    return m_branch->currentData().toInt();
}

void ExportDialog::resetSizes()
{
    // Each figure has its own natural shape; the animations are a little narrower, as they are often shown
    // beside text.
    const auto kind = figureKindFromName(m_figure->currentData().toString()).value_or(FigureKind::Canvas);
    const QSize size = defaultFigureSize(kind);
    m_width->setValue(isAnimation(format()) ? AnimationOptions().width : size.width());
    if (size.height() > 0)
        m_height->setValue(size.height());
}

void ExportDialog::updateForFormat()
{
    const QString f = format();
    const FormatInfo &info = formatInfo(f);
    m_about->setText(tr(info.about));
    const bool figure = isFigure(f);
    const bool canvas = m_figure->currentData().toString() == QLatin1String("canvas");
    m_form->setRowVisible(m_figure, figure);
    m_form->setRowVisible(m_branch, f != QLatin1String("json"));
    m_form->setRowVisible(m_record, figure || isTable(f) || f == QLatin1String("html"));
    m_form->setRowVisible(m_onlyThis, isTable(f));
    m_record->setEnabled(!isTable(f) || m_onlyThis->isChecked());
    m_form->setRowVisible(m_width, figure || isAnimation(f));
    m_form->setRowVisible(m_height, figure && !canvas);
    m_form->setRowVisible(m_scale, f == QLatin1String("png"));
    m_form->setRowVisible(m_fps, isAnimation(f));

    // "every branch" is a CSV choice only.
    const int all = m_branch->findData(-1);
    if (f != QLatin1String("csv") && m_branch->currentIndex() == all)
        m_branch->setCurrentIndex(std::clamp(m_initialBranch, 0, all - 1));
    if (auto *view = qobject_cast<QStandardItemModel *>(m_branch->model())) {
        if (QStandardItem *item = view->item(all))
            item->setEnabled(f == QLatin1String("csv"));
    }

    const QString suffix = f == QLatin1String("frames") ? QString() : f;
    m_path->setText(withSuffix(m_path->text(), suffix));
    adjustSize();
}

void ExportDialog::updateRecordRange()
{
    int last = 0;
    for (int b = 0; b < m_timeline.branchCount(); ++b) {
        if (selectedBranch() == b || selectedBranch() < 0)
            last = std::max(last, m_timeline.branch(b).size() - 1);
    }
    m_record->setRange(0, last);
}

void ExportDialog::browse()
{
    const QString f = format();
    if (f == QLatin1String("frames")) {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the frames"), m_path->text());
        if (!dir.isEmpty())
            m_path->setText(dir);
        return;
    }
    QFileDialog dialog(this, tr("Export as"), m_path->text());
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setNameFilter(QString::fromLatin1(formatInfo(f).filter));
    dialog.setDefaultSuffix(f); // a typed name without a suffix gets the right one
    dialog.selectFile(m_path->text());
    if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty())
        m_path->setText(dialog.selectedFiles().constFirst());
}

QString ExportDialog::exportNow()
{
    if (m_path->text().trimmed().isEmpty())
        return tr("choose where to save the export");
    const QString f = format();
    if (isAnimation(f))
        return exportAnimationFile();
    QGuiApplication::setOverrideCursor(Qt::WaitCursor);
    const QString error = isFigure(f) ? exportImage() : exportText();
    QGuiApplication::restoreOverrideCursor();
    return error;
}

QString ExportDialog::exportText()
{
    const QString f = format();
    const int branch = selectedBranch();
    std::vector<int> records;
    if (m_onlyThis->isChecked())
        records.push_back(m_record->value());
    Result<std::string> text = std::string();
    if (f == QLatin1String("json"))
        text = timelineToJson(m_timeline);
    else if (f == QLatin1String("csv"))
        text = timelineToCsv(m_timeline, {branch, records});
    else if (f == QLatin1String("html"))
        text = timelinePlayerHtml(m_timeline, {branch, m_record->value()});
    else
        text = timelineTable(
            m_timeline, f == QLatin1String("md") ? TableFormat::Markdown : TableFormat::Latex, {branch, records});
    if (!text)
        return QString::fromStdString(text.error());
    const Status written = writeFileAtomically(m_path->text(), QByteArray::fromStdString(*text));
    return written ? QString() : QString::fromStdString(written.error());
}

QString ExportDialog::exportImage()
{
    FigureOptions o;
    o.kind = figureKindFromName(m_figure->currentData().toString()).value_or(FigureKind::Canvas);
    o.branch = selectedBranch();
    o.record = m_record->value();
    o.width = m_width->value();
    o.height = o.kind == FigureKind::Canvas ? 0 : m_height->value();
    o.scale = format() == QLatin1String("png") ? m_scale->value() : 1.0;
    const Status done = exportFigure(m_timeline, o, *figureFormatFromName(format()), m_path->text());
    return done ? QString() : QString::fromStdString(done.error());
}

QString ExportDialog::exportAnimationFile()
{
    AnimationOptions o;
    o.branch = selectedBranch();
    o.width = m_width->value();
    o.fps = m_fps->value();
    QProgressDialog progress(tr("Drawing frames..."), tr("Cancel"), 0, m_timeline.branch(o.branch).size(), this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    // A modal progress dialog processes events in setValue, which is what lets its Cancel button work while
    // the frames are drawn on this (the GUI) thread.
    const ExportProgress report = [&progress](int done, int total) {
        progress.setMaximum(total);
        progress.setValue(done);
        return !progress.wasCanceled();
    };
    const AnimationFormat kind = format() == QLatin1String("gif") ? AnimationFormat::Gif : AnimationFormat::Frames;
    bool cancelled = false;
    const Status done = exportAnimation(m_timeline, o, kind, m_path->text(), report, &cancelled);
    if (cancelled)
        return kCancelled;
    return done ? QString() : QString::fromStdString(done.error());
}

void ExportDialog::accept()
{
    const QString error = exportNow();
    if (error == kCancelled)
        return; // the user stopped it; nothing was written, the choices stay for another try
    if (!error.isEmpty()) {
        QMessageBox::warning(this, tr("Export failed"), error);
        return;
    }
    QMessageBox::information(this, tr("Export"), tr("Exported to %1").arg(QDir::toNativeSeparators(m_path->text())));
    QDialog::accept();
}

} // namespace dlm
