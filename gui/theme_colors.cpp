#include "theme_colors.hpp"

#include <cmath>

namespace qdyn::gui {

namespace {

double channel(double value) {
    return value <= 0.03928 ? value / 12.92 : std::pow((value + 0.055) / 1.055, 2.4);
}

double luminance(const QColor& color) {
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF());
}

bool darkBackground(const QPalette& palette) {
    return luminance(palette.color(QPalette::Window)) < 0.18;
}

}  // namespace

QColor problemTextColor(const QPalette& palette) {
    return darkBackground(palette) ? QColor(0xff, 0x7b, 0x72) : QColor(0xb3, 0x26, 0x1e);
}

QColor warningTextColor(const QPalette& palette) {
    return darkBackground(palette) ? QColor(0xe3, 0xb3, 0x41) : QColor(0x8a, 0x5a, 0x00);
}

QString textColorStyle(const QColor& color, bool bold) {
    return QStringLiteral("color: %1;%2").arg(color.name(), bold ? QStringLiteral(" font-weight: bold;") : QString());
}

double contrastRatio(const QColor& a, const QColor& b) {
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace qdyn::gui
