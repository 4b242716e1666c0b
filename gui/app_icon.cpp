#include "app_icon.hpp"

#include <QPainter>
#include <QPixmap>
#include <QString>
#include <QSvgRenderer>

#include <array>

// Q_INIT_RESOURCE declares a function at global scope, so it cannot sit inside a namespace.
// It is needed because the .qrc lives in a static library: nothing references the generated
// qrc object file, so without this call the linker drops it along with its registration.
static void initQdynResources() {
  Q_INIT_RESOURCE(qdyn);
}

namespace qdyn::gui {

namespace {

// Sizes a platform asks for: tray (16, 22, 24, 32), menus and windows (48, 64), HiDPI and
// task switchers (128, 256). Exact sizes avoid blurry rescaling of a 16 px rendition.
constexpr std::array kIconSizes{16, 22, 24, 32, 48, 64, 128, 256};

}  // namespace

QIcon appIcon() {
  static const bool resourcesReady = [] {
    initQdynResources();
    return true;
  }();
  (void)resourcesReady;

  QSvgRenderer renderer(QString::fromLatin1(kAppIconPath));
  QIcon icon;
  if (!renderer.isValid()) {
    return icon;
  }
  for (const int size : kIconSizes) {
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer.render(&painter);
    painter.end();
    icon.addPixmap(pixmap);
  }
  return icon;
}

}  // namespace qdyn::gui
