#include "ui/panels/load_progress_bar.h"

#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>

#include <algorithm>

namespace dlm {

LoadProgressBar::LoadProgressBar(QWidget *parent)
    : QWidget(parent)
    , m_bar(new QProgressBar)
    , m_cancel(new QPushButton(tr("Cancel")))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_bar->setRange(0, 1000);
    m_bar->setMaximumWidth(200);
    m_cancel->setToolTip(tr("Stop loading; the model loaded before stays"));
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        // One click is enough: the engine sees it at its next progress report, within a chunk of disk reads.
        m_cancel->setEnabled(false);
        Q_EMIT cancelRequested();
    });
    hide();
}

void LoadProgressBar::setLoading(bool loading)
{
    if (loading) {
        m_bar->setValue(0);
        m_cancel->setEnabled(true);
    }
    setVisible(loading);
}

void LoadProgressBar::setProgress(double fraction, const QString &text)
{
    m_bar->setValue(static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 1000));
    m_bar->setToolTip(text);
}

} // namespace dlm
