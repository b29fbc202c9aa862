#pragma once
// One canvas position drawn as a chip: the shapes and colours of the token states, shared by the canvas
// view and its legend so that the key always matches what the canvas shows.

#include <QColor>
#include <QFont>
#include <QFontMetricsF>
#include <QHash>
#include <QPalette>
#include <QPixmap>
#include <QRectF>
#include <QStaticText>
#include <QString>

#include <cmath>
#include <limits>

class QPainter;

namespace dlm {

/** What a chip shows; built from a record by the view, independent of where the record came from. */
struct TokenChip
{
    enum class Kind { Prompt, Mask, Token };

    int position = -1;
    Kind kind = Kind::Token;
    QString text;             ///< token text; for a mask, the model's current candidate (may be empty)
    bool wordStart = false;   ///< the piece began with a space: wider gap before the chip
    bool breakAfter = false;  ///< the piece is or ends with a newline: the next chip starts a line
    bool remasked = false;    ///< a mask that got a candidate this step and was sent back
    bool newThisStep = false; ///< committed by this step
    bool edited = false;      ///< set by the user
    bool locked = false;      ///< pinned: no strategy may change it
    bool special = false;     ///< a prompt chip of a special token (bos, <|eot_id|>): markup, drawn muted
    float tint = std::numeric_limits<float>::quiet_NaN(); ///< p(token) when committed; NaN: no fill
    QRectF rect;              ///< where the chip sits after layout
};

/**
 * Measures and paints chips. Shapes carry the state (mask box, thick outline, return arrow, pencil, pin);
 * Okabe-Ito colours reinforce them, and committed tokens are filled by confidence on the viridis map.
 */
class TokenChipPainter
{
public:
    explicit TokenChipPainter(const QFont &font);

    const QFont &font() const { return m_font; }
    /** Prompt text and mask boxes follow the widget's palette (light or dark); token fills never do. */
    void setPalette(const QPalette &palette);
    qreal chipHeight() const;
    qreal chipWidth(const TokenChip &chip) const;
    void paint(QPainter *painter, const TokenChip &chip) const;

    // The glyphs, drawn into a square `box`; public so legends and other views reuse the same shapes.
    static void drawReturnArrow(QPainter *painter, const QRectF &box, const QColor &color);
    static void drawPencil(QPainter *painter, const QRectF &box, const QColor &color);
    static void drawPin(QPainter *painter, const QRectF &box, const QColor &color);

private:
    static qreal padX(const TokenChip &chip);
    int glyphCount(const TokenChip &chip) const;
    QString shownText(const TokenChip &chip) const;

    /** A piece's laid-out text and advance; pieces repeat across positions and steps, so shaping once pays. */
    struct ShapedText
    {
        QStaticText text;
        qreal advance = 0;
    };
    const ShapedText &shaped(const QString &text, bool candidate) const;
    /** The dashed mask box of one chip size, drawn once. */
    const QPixmap &maskBox(const QSize &size, qreal devicePixelRatio) const;

    QFont m_font;
    QFont m_candidateFont;
    QColor m_promptText{0x30, 0x30, 0x30};
    QColor m_maskFill{0xEE, 0xEE, 0xEE};
    QColor m_maskBorder{0x8C, 0x8C, 0x8C};
    QColor m_candidateText{0x80, 0x80, 0x80};
    QColor m_specialFill{0xF4, 0xF4, 0xF4};
    QFontMetricsF m_metrics;
    QFontMetricsF m_candidateMetrics;
    mutable QHash<quint64, QPixmap> m_maskBoxes;
    mutable QHash<QString, ShapedText> m_shaped[2]; ///< [0] token font, [1] candidate (italic) font
};

} // namespace dlm
