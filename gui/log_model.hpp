// The tray app's log: the lines the agent and the app report, newest last, capped so a long-running
// app keeps a bounded history (the oldest lines go first). LogWindow shows it.
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QString>
#include <deque>
#include <functional>

#include "qdyn/agent/agent.hpp"

namespace qdyn::gui {

class LogModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        LevelRole = Qt::UserRole + 1,  // int: the qdyn::agent::LogLevel
        TimeRole,                      // QDateTime: when the line was appended
        TextRole,                      // QString: the message alone (DisplayRole is time, level and message)
    };
    // Where append() takes the time from; tests pin it.
    using Clock = std::function<QDateTime()>;

    explicit LogModel(int capacity = 5000, QObject* parent = nullptr);

    void append(qdyn::agent::LogLevel level, const QString& text);
    void clear();
    void setClock(Clock clock);
    [[nodiscard]] int capacity() const { return m_capacity; }

    [[nodiscard]] static QString levelName(qdyn::agent::LogLevel level);

    [[nodiscard]] int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

private:
    struct Line {
        QDateTime time;
        qdyn::agent::LogLevel level;
        QString text;
        QString display;  // built once: the filter and the view read it for every row
    };

    int m_capacity;
    Clock m_clock;
    std::deque<Line> m_lines;
};

}  // namespace qdyn::gui
