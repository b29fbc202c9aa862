#pragma once
// Which experts a mixture-of-experts model (LLaDA-MoE) used: a layers x experts grid drawn from the records'
// routing alone (no model needed, so a saved timeline shows it too). Two modes: the selected position's
// experts with their router weights, or the whole step's summary (the share of positions routed to each
// expert in each layer).

#include "core/timeline/timeline.h"
#include "ui/views/timeline_view.h"

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;

namespace dlm {

/** The experts grid of one record of a branch; ViewSync drives it like the token inspector. */
class ExpertsView : public QWidget, public TimelineView
{
    Q_OBJECT

public:
    enum class Mode { Position, Step };

    explicit ExpertsView(QWidget *parent = nullptr);

    /** Takes branch `branchId` of `timeline`; record pointers are shared, so the timeline may change later. */
    void setTimelineBranch(const Timeline &timeline, int branchId);
    void clear();
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }

    /** What the grid shows: layers x experts (experts: the highest id any record of the branch used, plus 1). */
    int layerCount() const { return m_layers; }
    int expertCount() const { return m_experts; }
    /** Position mode: the router weight of `expert` (0 when not chosen). Step mode: the share of positions. */
    double cell(int layer, int expert) const;
    QString caption() const;

    // TimelineView: ViewSync keeps the view on the document's branch, record and selection.
    void showBranch(const TimelineDocument &document) override;
    void showCursor(const TimelineDocument &document) override;
    void showSelection(int position) override;

public Q_SLOTS:
    void setCurrentIndex(int index);
    /** The position whose experts Position mode shows; -1 shows none. */
    void setPosition(int position);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void rebuild();
    QRect gridRect() const;

    std::vector<std::shared_ptr<const StepRecord>> m_records;
    int m_current = -1;
    int m_position = -1;
    Mode m_mode = Mode::Position;
    int m_layers = 0;
    int m_experts = 0;
    std::vector<double> m_cells; ///< layers x experts
    QComboBox *m_modeBox = nullptr;
    QLabel *m_caption = nullptr;
};

} // namespace dlm
