#include "ui/views/timeline_view.h"

namespace dlm {

// The defaults: a view with no branch, no selection or no requests of its own leaves them out.
void TimelineView::showBranch(const TimelineDocument &) { }

void TimelineView::showSelection(int) { }

void TimelineView::connectTo(ViewSync &) { }

} // namespace dlm
