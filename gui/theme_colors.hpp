// Text colours for problems and warnings that stay readable on light and dark themes: chosen
// from the palette's window colour, each at least 4.5:1 against it (WCAG AA for normal text).
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace qdyn::gui {

QColor problemTextColor(const QPalette& palette);
QColor warningTextColor(const QPalette& palette);
// A style sheet rule for a label ("color: #b3261e;"), from one of the colours above.
QString textColorStyle(const QColor& color, bool bold = false);
// WCAG 2 contrast ratio of two colours, 1 to 21.
double contrastRatio(const QColor& a, const QColor& b);

}  // namespace qdyn::gui
