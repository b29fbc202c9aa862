#pragma once
// The skip-to-first and skip-to-last glyphs of the step controls, drawn from the palette. Style icons are
// fixed pictures: Fusion's are dark, and their disabled form all but vanishes on a dark theme.

#include <QIcon>
#include <QPalette>

namespace dlm {

/** Which transport glyph: a bar with two triangles pointing away from it. */
enum class TransportGlyph { SkipToFirst, SkipToLast };

/**
 * The glyph as an icon in the palette's button-text colour, with a disabled form in the disabled text colour,
 * lifted towards the enabled one where needed so it keeps a contrast of 4.5:1 against the palette's button
 * colour (and so at least 3:1 against a face the style draws a little lighter).
 */
QIcon transportIcon(TransportGlyph glyph, const QPalette &palette, int size = 16);

/** WCAG contrast ratio of two colours (1 = the same luminance, 21 = black on white). */
double contrastRatio(const QColor &a, const QColor &b);

} // namespace dlm
