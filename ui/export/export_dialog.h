#pragma once
// File > Export...: every export of the timeline on screen from one dialog. Text formats go through core's
// exporters, figures and animations through ui/figures (figure_export.h, animation_export.h): the same code,
// and so the same bytes, as `dlmstudio-cli export`; nothing here knows a format's details.

#include "core/timeline/timeline.h"

#include <QDialog>
#include <QString>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;

namespace dlm {

/**
 * Chooses a format (json, csv, html, md, tex, png, svg, pdf, gif, frames), what to show (figure, branch,
 * record) and how big, and where to write; then runs the export, with a cancellable progress dialog for
 * animations, and reports success or the error.
 */
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    /** `branch` and `index` are the record on screen: the defaults for branch and record. */
    ExportDialog(const Timeline &timeline, int branch, int index, QWidget *parent = nullptr);

    /**
     * What File > Export... calls: shows the dialog modally with the format and folder of the last export
     * (from the application's settings) and runs the export the user chooses; a successful export is
     * remembered for the next opening.
     */
    static void run(QWidget *parent, const Timeline &timeline, int branch, int index);

    /**
     * Where exports go by default: the Documents folder if it exists, else the home folder, else the current
     * directory. Never a folder that does not exist, which would make the first export fail.
     */
    static QString defaultFolder();

    /** Takes the format and folder stored by rememberChoices(); a stored folder that is gone is skipped. */
    void restoreChoices(const QSettings &settings);
    /** Stores the format and the folder of the output path, for the next opening. */
    void rememberChoices(QSettings &settings) const;

    // The choices, for tests and for callers that preset them.
    void setFormat(const QString &format);
    QString format() const;
    void setFigure(const QString &figure);
    void setBranch(int branch); ///< -1 = every branch (csv only)
    void setRecord(int index);
    void setOnlyThisRecord(bool only);
    void setOutputPath(const QString &path);
    QString outputPath() const;
    void setFigureWidth(int width);
    void setScale(double scale);
    void setFps(double fps);

    /**
     * Runs the export with the current choices. Returns an empty string on success, else the message
     * ("export cancelled" when the user stopped an animation). Animations show a progress dialog.
     */
    QString exportNow();

public Q_SLOTS:
    /** Exports; stays open with the message on failure, closes after success. */
    void accept() override;

private:
    void updateForFormat();
    void updateRecordRange();
    void resetSizes();
    void browse();
    QString exportText();
    QString exportImage();
    QString exportAnimationFile();
    int selectedBranch() const;

    Timeline m_timeline;
    int m_initialBranch = 0;
    QFormLayout *m_form = nullptr;
    QComboBox *m_format = nullptr;
    QLabel *m_about = nullptr;
    QComboBox *m_figure = nullptr;
    QComboBox *m_branch = nullptr;
    QSpinBox *m_record = nullptr;
    QCheckBox *m_onlyThis = nullptr;
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QDoubleSpinBox *m_scale = nullptr;
    QDoubleSpinBox *m_fps = nullptr;
    QLineEdit *m_path = nullptr;
};

} // namespace dlm
