#include "ui/figures/figure_style.h"

namespace dlm::figure {

QFont font(int pixelSize, bool bold)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setStyleHint(QFont::SansSerif);
    f.setPixelSize(pixelSize);
    f.setBold(bold);
    f.setHintingPreference(QFont::PreferNoHinting);
    return f;
}

QPalette palette()
{
    // Every role set, so nothing falls back to the application's (possibly dark) palette.
    const QColor grey(0x80, 0x80, 0x80);
    QPalette p(kInk, kPaper, kPaper, grey, QColor(0xA0, 0xA0, 0xA0), kInk, kPaper, kPaper, kPaper);
    p.setColor(QPalette::PlaceholderText, grey);
    p.setColor(QPalette::Highlight, QColor(0x00, 0x72, 0xB2));
    return p;
}

} // namespace dlm::figure
