#pragma once
// The status bar's loading display: a progress bar and a Cancel button beside it, shown only while a model
// loads. A 16 GB model takes a minute from a cold disk; the user must see it move and be able to give up.

#include <QWidget>

class QProgressBar;
class QPushButton;

namespace dlm {

/** Progress and Cancel of a model load; the window shows it in its status bar. */
class LoadProgressBar : public QWidget
{
    Q_OBJECT

public:
    explicit LoadProgressBar(QWidget *parent = nullptr);

    /** Shows the bar and Cancel from the start of a load until its end (modelLoaded, cancelled, failed). */
    void setLoading(bool loading);
    /** The whole load's fraction in [0, 1] and the stage's words (the bar's tooltip). */
    void setProgress(double fraction, const QString &text);
    QPushButton *cancelButton() const { return m_cancel; }
    QProgressBar *bar() const { return m_bar; }

Q_SIGNALS:
    void cancelRequested();

private:
    QProgressBar *m_bar = nullptr;
    QPushButton *m_cancel = nullptr;
};

} // namespace dlm
