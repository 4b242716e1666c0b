// The log window (see log_window.hpp).
#include "log_window.hpp"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFont>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPalette>
#include <QPixmap>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QVBoxLayout>

#include "log_model.hpp"

namespace qdyn::gui {

using qdyn::agent::LogLevel;

// Filters by level and text, and dresses the lines for the current theme: the style's own
// warning and error icons and the palette's colours, never a fixed colour that vanishes on a
// dark (or light) background.
class LogFilterModel : public QSortFilterProxyModel {
public:
    explicit LogFilterModel(QWidget* owner) : QSortFilterProxyModel(owner), m_owner(owner) {}

    void setMinimumLevel(LogLevel level) {
        m_minimum = level;
        invalidateFilter();
    }
    [[nodiscard]] LogLevel minimumLevel() const { return m_minimum; }

    void setText(const QString& text) {
        m_text = text;
        invalidateFilter();
    }

    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override {
        if (role != Qt::DecorationRole && role != Qt::ForegroundRole && role != Qt::FontRole) {
            return QSortFilterProxyModel::data(index, role);
        }
        const auto level = static_cast<LogLevel>(QSortFilterProxyModel::data(index, LogModel::LevelRole).toInt());
        QStyle* style = m_owner->style();
        switch (role) {
            case Qt::DecorationRole:
                if (level == LogLevel::Error)
                    return style->standardIcon(QStyle::SP_MessageBoxCritical, nullptr, m_owner);
                if (level == LogLevel::Warning)
                    return style->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, m_owner);
                return blankIcon();  // keeps every line's text in the same column
            case Qt::ForegroundRole:
                if (level == LogLevel::Debug) return m_owner->palette().brush(QPalette::PlaceholderText);
                return {};
            case Qt::FontRole:
                if (level == LogLevel::Error) {
                    QFont font = m_owner->font();
                    font.setBold(true);
                    return font;
                }
                return {};
            default:
                return {};
        }
    }

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        if (sourceModel()->data(index, LogModel::LevelRole).toInt() < static_cast<int>(m_minimum)) return false;
        return m_text.isEmpty() ||
               sourceModel()->data(index, Qt::DisplayRole).toString().contains(m_text, Qt::CaseInsensitive);
    }

private:
    [[nodiscard]] QIcon blankIcon() const {
        if (m_blank.isNull()) {
            const int size = m_owner->style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, m_owner);
            QPixmap pixmap(size, size);
            pixmap.fill(Qt::transparent);
            m_blank = QIcon(pixmap);
        }
        return m_blank;
    }

    QWidget* m_owner;
    LogLevel m_minimum = LogLevel::Info;
    QString m_text;
    mutable QIcon m_blank;
};

LogWindow::LogWindow(LogModel* model, QWidget* parent)
    : QWidget(parent),
      m_model(model),
      m_filter(new LogFilterModel(this)),
      m_view(new QListView(this)),
      m_filterField(new QLineEdit(this)),
      m_levelBox(new QComboBox(this)),
      m_copyButton(new QPushButton(tr("&Copy"), this)),
      m_clearButton(new QPushButton(tr("C&lear"), this)) {
    setWindowTitle(tr("qdyn log"));
    m_filter->setSourceModel(m_model);

    m_filterField->setObjectName(QStringLiteral("logFilter"));
    m_filterField->setPlaceholderText(tr("Filter"));
    m_filterField->setClearButtonEnabled(true);
    m_levelBox->setObjectName(QStringLiteral("logLevel"));
    for (const LogLevel level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error}) {
        m_levelBox->addItem(LogModel::levelName(level), static_cast<int>(level));
    }
    m_levelBox->setCurrentIndex(m_levelBox->findData(static_cast<int>(LogLevel::Info)));
    m_copyButton->setObjectName(QStringLiteral("logCopy"));
    m_copyButton->setToolTip(tr("Copy the lines shown to the clipboard"));
    m_clearButton->setObjectName(QStringLiteral("logClear"));
    m_clearButton->setToolTip(tr("Remove every line from the log"));

    m_view->setObjectName(QStringLiteral("logView"));
    m_view->setModel(m_filter);
    m_view->setUniformItemSizes(true);  // thousands of lines lay out in constant time
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setTextElideMode(Qt::ElideRight);

    auto* levelLabel = new QLabel(tr("&Level:"), this);
    levelLabel->setBuddy(m_levelBox);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_filterField, 1);
    bar->addWidget(levelLabel);
    bar->addWidget(m_levelBox);
    bar->addWidget(m_copyButton);
    bar->addWidget(m_clearButton);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    resize(760, 420);

    connect(m_filterField, &QLineEdit::textChanged, this, [this](const QString& text) { m_filter->setText(text); });
    connect(m_levelBox, &QComboBox::currentIndexChanged, this,
            [this](int) { m_filter->setMinimumLevel(static_cast<LogLevel>(m_levelBox->currentData().toInt())); });
    connect(m_copyButton, &QPushButton::clicked, this, &LogWindow::copyVisibleLines);
    connect(m_clearButton, &QPushButton::clicked, m_model, &LogModel::clear);

    QScrollBar* scrollBar = m_view->verticalScrollBar();
    connect(scrollBar, &QScrollBar::valueChanged, this,
            [this, scrollBar](int value) { m_follow = value >= scrollBar->maximum(); });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &LogWindow::onRowsInserted);
}

QStringList LogWindow::visibleLines() const {
    QStringList lines;
    const int rows = m_filter->rowCount();
    lines.reserve(rows);
    for (int row = 0; row < rows; ++row)
        lines.append(m_filter->index(row, 0).data(Qt::DisplayRole).toString());
    return lines;
}

LogLevel LogWindow::minimumLevel() const {
    return m_filter->minimumLevel();
}

void LogWindow::setMinimumLevel(LogLevel level) {
    // Through the combo, so what it shows and what the filter uses stay one.
    m_levelBox->setCurrentIndex(m_levelBox->findData(static_cast<int>(level)));
}

void LogWindow::setFilterText(const QString& text) {
    m_filterField->setText(text);  // the filter follows through textChanged, as when typed
}

void LogWindow::copyVisibleLines() {
    const QStringList lines = visibleLines();
    QGuiApplication::clipboard()->setText(lines.isEmpty() ? QString()
                                                          : lines.join(QLatin1Char('\n')) + QLatin1Char('\n'));
}

void LogWindow::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_follow) m_view->scrollToBottom();
}

void LogWindow::onRowsInserted() {
    if (m_follow) m_view->scrollToBottom();
}

}  // namespace qdyn::gui
