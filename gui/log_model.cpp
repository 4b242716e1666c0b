// The capped list of log lines behind the log window (see log_model.hpp).
#include "log_model.hpp"

#include <algorithm>
#include <utility>

namespace qdyn::gui {

using qdyn::agent::LogLevel;

LogModel::LogModel(int capacity, QObject* parent)
    : QAbstractListModel(parent),
      m_capacity(std::max(capacity, 1)),
      m_clock([] { return QDateTime::currentDateTime(); }) {}

QString LogModel::levelName(LogLevel level) {
    switch (level) {
        case LogLevel::Debug:
            return tr("Debug");
        case LogLevel::Info:
            return tr("Info");
        case LogLevel::Warning:
            return tr("Warning");
        case LogLevel::Error:
            return tr("Error");
    }
    return tr("Info");
}

void LogModel::append(LogLevel level, const QString& text) {
    if (static_cast<int>(m_lines.size()) >= m_capacity) {
        const int excess = static_cast<int>(m_lines.size()) - m_capacity + 1;
        beginRemoveRows(QModelIndex(), 0, excess - 1);
        m_lines.erase(m_lines.begin(), m_lines.begin() + excess);
        endRemoveRows();
    }
    Line line{m_clock(), level, text, {}};
    line.display = line.time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral("  ") + levelName(level) +
                   QStringLiteral("  ") + text;
    const int row = static_cast<int>(m_lines.size());
    beginInsertRows(QModelIndex(), row, row);
    m_lines.push_back(std::move(line));
    endInsertRows();
}

void LogModel::clear() {
    if (m_lines.empty()) return;
    beginResetModel();
    m_lines.clear();
    endResetModel();
}

void LogModel::setClock(Clock clock) {
    if (clock) m_clock = std::move(clock);
}

int LogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_lines.size());
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Line& line = m_lines[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole:
            return line.display;
        case LevelRole:
            return static_cast<int>(line.level);
        case TimeRole:
            return line.time;
        case TextRole:
            return line.text;
        default:
            return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(LevelRole, "level");
    names.insert(TimeRole, "time");
    names.insert(TextRole, "text");
    return names;
}

}  // namespace qdyn::gui
