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

QIcon renderIcon(const char* path) {
  static const bool resourcesReady = [] {
    initQdynResources();
    return true;
  }();
  (void)resourcesReady;

  QSvgRenderer renderer(QString::fromLatin1(path));
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

}  // namespace

QIcon appIcon() { return renderIcon(kAppIconPath); }

const char* stateIconPath(TrayState state) {
  switch (state) {
    case TrayState::UpToDate: return ":/qdyn/state-ok.svg";
    case TrayState::Updating: return ":/qdyn/state-updating.svg";
    case TrayState::Attention: return ":/qdyn/state-attention.svg";
    case TrayState::Paused: return ":/qdyn/state-paused.svg";
  }
  return ":/qdyn/state-attention.svg";
}

// Rendered at each change of state (a few per cycle at most); a static cache would outlive the
// QGuiApplication its pixmaps belong to.
QIcon stateIcon(TrayState state) { return renderIcon(stateIconPath(state)); }

}  // namespace qdyn::gui
