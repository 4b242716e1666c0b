// The log window: LogModel's lines, filtered by text and a minimum level, copied or cleared, and
// followed as new lines come in while the view is at its bottom.
#pragma once

#include <QStringList>
#include <QWidget>

#include "qdyn/agent/agent.hpp"

class QComboBox;
class QLineEdit;
class QListView;
class QPushButton;
class QSortFilterProxyModel;

namespace qdyn::gui {

class LogModel;
class LogFilterModel;

class LogWindow : public QWidget {
    Q_OBJECT

public:
    explicit LogWindow(LogModel* model, QWidget* parent = nullptr);

    // The lines the filter lets through, in order: what Copy puts on the clipboard.
    [[nodiscard]] QStringList visibleLines() const;
    [[nodiscard]] qdyn::agent::LogLevel minimumLevel() const;
    void setMinimumLevel(qdyn::agent::LogLevel level);
    void setFilterText(const QString& text);
    [[nodiscard]] QListView* view() const { return m_view; }

public slots:
    void copyVisibleLines();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onRowsInserted();

    LogModel* m_model;
    LogFilterModel* m_filter;
    QListView* m_view;
    QLineEdit* m_filterField;
    QComboBox* m_levelBox;
    QPushButton* m_copyButton;
    QPushButton* m_clearButton;
    // Whether the view sits at its bottom, kept from the scroll bar's own signals: at the time
    // rows arrive its range may still be the one of an older, not yet laid out, list.
    bool m_follow = true;
};

}  // namespace qdyn::gui
