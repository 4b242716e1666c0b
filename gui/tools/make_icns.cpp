// qdyn-make-icns SVG ICNS: the macOS icon file of qdyn-tray.app made from the project's SVG icon,
// at build time and on any platform (tests/packaging/icns_test.sh runs it on Linux). An .icns
// is "icns", its total length, then one entry per size: a four-letter type, the entry's length
// and a PNG (the PNG-carrying types of macOS 10.7 and later, Retina sizes included).
#include <QBuffer>
#include <QByteArray>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <array>
#include <cstdint>
#include <cstdio>

namespace {

struct IconType {
    const char* type;
    int pixels;
};

// 16, 32, 128, 256 and 512 points, each at 1x and 2x (ic11-ic14 are the 2x of the smaller).
constexpr std::array<IconType, 10> kTypes{{{"icp4", 16},
                                           {"icp5", 32},
                                           {"ic11", 32},
                                           {"ic12", 64},
                                           {"ic07", 128},
                                           {"ic13", 256},
                                           {"ic08", 256},
                                           {"ic14", 512},
                                           {"ic09", 512},
                                           {"ic10", 1024}}};

void appendBigEndian(QByteArray& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out.append(static_cast<char>((value >> shift) & 0xFFU));
}

QByteArray renderPng(QSvgRenderer& svg, int pixels) {
    QImage image(pixels, pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    painter.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: qdyn-make-icns ICON.svg OUT.icns\n");
        return 2;
    }
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid()) {
        std::fprintf(stderr, "qdyn-make-icns: %s is not an SVG image Qt can render\n", argv[1]);
        return 1;
    }
    QByteArray entries;
    for (const auto& [type, pixels] : kTypes) {
        const QByteArray png = renderPng(svg, pixels);
        if (png.isEmpty()) {
            std::fprintf(stderr, "qdyn-make-icns: no PNG made at %d pixels\n", pixels);
            return 1;
        }
        entries.append(type, 4);
        appendBigEndian(entries, static_cast<std::uint32_t>(8 + png.size()));
        entries.append(png);
    }
    QByteArray icns("icns");
    appendBigEndian(icns, static_cast<std::uint32_t>(8 + entries.size()));
    icns.append(entries);

    QFile out(QString::fromLocal8Bit(argv[2]));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(icns) != icns.size() || !out.flush()) {
        std::fprintf(stderr, "qdyn-make-icns: cannot write %s\n", argv[2]);
        return 1;
    }
    return 0;
}
