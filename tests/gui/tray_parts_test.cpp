// Tests of the tray app's smaller parts, offscreen: the log model and window, the About box, the
// single-instance guard, and start at login (the XDG entry for real, the plist as text).
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QListView>
#include <QLocalSocket>
#include <QProcess>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUuid>
#include <QXmlStreamReader>
#include <QtTest>
#include <filesystem>
#include <string>

#include "about_dialog.hpp"
#include "autostart.hpp"
#include "autostart_files.hpp"
#include "log_model.hpp"
#include "log_window.hpp"
#include "qdyn/version.hpp"
#include "single_instance.hpp"

#if defined(Q_OS_UNIX)
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#endif

namespace {
namespace tray_parts_test {

using qdyn::agent::LogLevel;
using qdyn::gui::AboutDialog;
using qdyn::gui::AboutInfo;
using qdyn::gui::LogModel;
using qdyn::gui::LogWindow;
using qdyn::gui::SingleInstance;

// A name no other run (or test) uses: a socket path in a private folder on Unix.
QString uniqueServerName(const QTemporaryDir& dir) {
#if defined(Q_OS_UNIX)
    return dir.filePath(QStringLiteral("instance"));
#else
    Q_UNUSED(dir);
    return QStringLiteral("qdyn-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
#endif
}

// The Desktop Entry Specification read backwards, independently of the writer: undo the
// string-value escapes, then one quoted argument's escapes, then %%.
QString unquoteExecArgument(const QString& value) {
    QString unescaped;
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value[i] == QLatin1Char('\\') && i + 1 < value.size()) {
            const QChar next = value[++i];
            if (next == QLatin1Char('s'))
                unescaped += QLatin1Char(' ');
            else if (next == QLatin1Char('n'))
                unescaped += QLatin1Char('\n');
            else if (next == QLatin1Char('t'))
                unescaped += QLatin1Char('\t');
            else if (next == QLatin1Char('r'))
                unescaped += QLatin1Char('\r');
            else if (next == QLatin1Char('\\'))
                unescaped += QLatin1Char('\\');
            else
                return QStringLiteral("<bad string escape>");
        } else {
            unescaped += value[i];
        }
    }
    QString argument;
    if (unescaped.startsWith(QLatin1Char('"'))) {
        if (unescaped.size() < 2 || !unescaped.endsWith(QLatin1Char('"'))) return QStringLiteral("<unterminated>");
        const QString inner = unescaped.mid(1, unescaped.size() - 2);
        for (qsizetype i = 0; i < inner.size(); ++i) {
            if (inner[i] == QLatin1Char('\\')) {
                if (i + 1 >= inner.size() || !QStringLiteral("\"`$\\").contains(inner[i + 1])) {
                    return QStringLiteral("<bad quote escape>");
                }
                argument += inner[++i];
            } else if (inner[i] == QLatin1Char('"')) {
                return QStringLiteral("<bare quote>");
            } else {
                argument += inner[i];
            }
        }
    } else {
        argument = unescaped;
    }
    return argument.replace(QStringLiteral("%%"), QStringLiteral("%"));
}

QString fileText(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(file.readAll());
}

bool writeText(const QString& path, const QByteArray& text) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

std::filesystem::path toPath(const QString& path) {
    return std::filesystem::path(path.toStdU16String());
}

class TrayPartsTest : public QObject {
    Q_OBJECT

private slots:
    // --- the log model ---------------------------------------------------------------------

    void logModelCapsAndDropsTheOldest() {
        LogModel model(3);
        const QDateTime start(QDate(2024, 1, 2), QTime(3, 4, 5));
        int tick = 0;
        model.setClock([&] { return start.addSecs(tick++); });
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        for (int i = 1; i <= 5; ++i)
            model.append(LogLevel::Info, QStringLiteral("line %1").arg(i));

        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(removed.count(), 2);
        QCOMPARE(model.index(0).data(LogModel::TextRole).toString(), QStringLiteral("line 3"));
        QCOMPARE(model.index(2).data(LogModel::TextRole).toString(), QStringLiteral("line 5"));
        QCOMPARE(model.index(0).data(LogModel::TimeRole).toDateTime(), start.addSecs(2));
        QCOMPARE(model.index(0).data(LogModel::LevelRole).toInt(), static_cast<int>(LogLevel::Info));
        const QString display = model.index(0).data(Qt::DisplayRole).toString();
        QVERIFY2(display.contains(QStringLiteral("2024-01-02 03:04:07")) && display.contains(QStringLiteral("line 3")),
                 qPrintable(display));
    }

    // --- the log window --------------------------------------------------------------------

    void logWindowFiltersByTextAndLevel() {
        LogModel model;
        model.append(LogLevel::Debug, QStringLiteral("alpha debug"));
        model.append(LogLevel::Info, QStringLiteral("Alpha info"));
        model.append(LogLevel::Warning, QStringLiteral("beta warning"));
        model.append(LogLevel::Error, QStringLiteral("gamma error"));
        LogWindow window(&model);
        auto* field = window.findChild<QLineEdit*>(QStringLiteral("logFilter"));
        auto* levels = window.findChild<QComboBox*>(QStringLiteral("logLevel"));
        QVERIFY(field != nullptr && levels != nullptr);

        QCOMPARE(window.minimumLevel(), LogLevel::Info);  // the default hides debug lines
        QCOMPARE(window.visibleLines().size(), 3);

        QTest::keyClicks(field, QStringLiteral("ALPHA"));  // case-insensitive
        QCOMPARE(window.visibleLines().size(), 1);
        QVERIFY(window.visibleLines().first().endsWith(QStringLiteral("Alpha info")));

        levels->setCurrentIndex(levels->findData(static_cast<int>(LogLevel::Debug)));
        QCOMPARE(window.minimumLevel(), LogLevel::Debug);
        QCOMPARE(window.visibleLines().size(), 2);

        field->clear();
        levels->setCurrentIndex(levels->findData(static_cast<int>(LogLevel::Error)));
        QCOMPARE(window.visibleLines().size(), 1);
        QVERIFY(window.visibleLines().first().endsWith(QStringLiteral("gamma error")));

        model.append(LogLevel::Error, QStringLiteral("delta error"));  // new lines go through the filter too
        model.append(LogLevel::Warning, QStringLiteral("delta warning"));
        QCOMPARE(window.visibleLines().size(), 2);
    }

    void logWindowCopiesTheVisibleLines() {
        LogModel model;
        model.append(LogLevel::Info, QStringLiteral("first"));
        model.append(LogLevel::Debug, QStringLiteral("hidden"));
        model.append(LogLevel::Error, QStringLiteral("second"));
        LogWindow window(&model);
        QGuiApplication::clipboard()->setText(QStringLiteral("before"));
        QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("logCopy")), Qt::LeftButton);
        const QString copied = QGuiApplication::clipboard()->text();
        QCOMPARE(copied, window.visibleLines().join(QLatin1Char('\n')) + QLatin1Char('\n'));
        QCOMPARE(copied.count(QLatin1Char('\n')), 2);
        QVERIFY(!copied.contains(QStringLiteral("hidden")));
    }

    void logWindowClears() {
        LogModel model;
        model.append(LogLevel::Info, QStringLiteral("one"));
        model.append(LogLevel::Error, QStringLiteral("two"));
        LogWindow window(&model);
        QCOMPARE(window.visibleLines().size(), 2);
        QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("logClear")), Qt::LeftButton);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(window.visibleLines().isEmpty());
        model.append(LogLevel::Info, QStringLiteral("three"));  // still works after a clear
        QCOMPARE(window.visibleLines().size(), 1);
    }

    void logWindowMarksLevelsFromTheTheme() {
        LogModel model;
        model.append(LogLevel::Debug, QStringLiteral("debug"));
        model.append(LogLevel::Info, QStringLiteral("info"));
        model.append(LogLevel::Warning, QStringLiteral("warning"));
        model.append(LogLevel::Error, QStringLiteral("error"));
        LogWindow window(&model);
        window.setMinimumLevel(LogLevel::Debug);
        QPalette dark = window.palette();
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::PlaceholderText, QColor(140, 150, 160));
        window.setPalette(dark);

        const QAbstractItemModel* shown = window.view()->model();
        QCOMPARE(shown->rowCount(), 4);
        // Warnings and errors carry the style's icons; no line has a fixed text colour except
        // debug, which takes the palette's dimmed one (so it follows a dark theme).
        QVERIFY(!shown->index(2, 0).data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(!shown->index(3, 0).data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(shown->index(2, 0).data(Qt::DecorationRole).value<QIcon>().cacheKey() !=
                shown->index(3, 0).data(Qt::DecorationRole).value<QIcon>().cacheKey());
        for (int row = 1; row < 4; ++row)
            QVERIFY(!shown->index(row, 0).data(Qt::ForegroundRole).isValid());
        QCOMPARE(shown->index(0, 0).data(Qt::ForegroundRole).value<QBrush>().color(), QColor(140, 150, 160));
        QVERIFY(shown->index(3, 0).data(Qt::FontRole).value<QFont>().bold());
    }

    void logWindowFollowsNewLinesOnlyAtTheBottom() {
        LogModel model;
        LogWindow window(&model);
        window.resize(500, 200);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QScrollBar* bar = window.view()->verticalScrollBar();

        for (int i = 0; i < 200; ++i)
            model.append(LogLevel::Info, QStringLiteral("line %1").arg(i));
        QCoreApplication::processEvents();
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());

        bar->setValue(0);  // the user scrolls up to read: new lines must not pull the view away
        for (int i = 0; i < 20; ++i)
            model.append(LogLevel::Info, QStringLiteral("more %1").arg(i));
        QCoreApplication::processEvents();
        QCOMPARE(bar->value(), 0);

        bar->setValue(bar->maximum());  // back at the bottom: following again
        model.append(LogLevel::Info, QStringLiteral("last"));
        QCoreApplication::processEvents();
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());
    }

    // --- the About box ---------------------------------------------------------------------

    void aboutShowsVersionQtConfigAndLinks() {
        const AboutInfo info{QStringLiteral("/home/u/.config/qdyn/profiles.toml"),
                             QUrl(QStringLiteral("https://example.org/qdyn/README.md")),
                             QStringLiteral("Licence line <b>x</b>")};
        AboutDialog dialog(info);
        const QString text = dialog.text();
        QVERIFY2(text.contains(QString::fromUtf8(qdyn::kVersion)), qPrintable(text));
        QVERIFY(QString::fromUtf8(qdyn::kVersion).size() > 0);
        QVERIFY2(text.contains(QString::fromLatin1(qVersion())), qPrintable(text));
        QVERIFY2(text.contains(QDir::toNativeSeparators(info.configPath)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("href=\"https://example.org/qdyn/README.md\"")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Licence line &lt;b&gt;x&lt;/b&gt;")), qPrintable(text));  // escaped

        const AboutDialog bare(AboutInfo{QStringLiteral("/p"), {}, {}});
        QVERIFY(!bare.text().contains(QStringLiteral("<a ")));
        QVERIFY(bare.text().contains(QString::fromUtf8(qdyn::kVersion)));
    }

    // --- one instance ----------------------------------------------------------------------

    void secondInstanceAsksTheFirstToShow() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString name = uniqueServerName(dir);
        {
            SingleInstance first(name);
            QVERIFY(first.tryBecomePrimary());
            QVERIFY(first.isPrimary());
            QSignalSpy activated(&first, &SingleInstance::activationRequested);

            SingleInstance second(name);
            QVERIFY(!second.tryBecomePrimary());
            QVERIFY(!second.isPrimary());
            QVERIFY(activated.wait(5000));
            QCOMPARE(activated.count(), 1);

            // Anything but the one request is ignored.
            QLocalSocket stranger;
            stranger.connectToServer(name);
            QVERIFY(stranger.waitForConnected(2000));
            stranger.write("show yourself\n");
            QVERIFY(stranger.waitForBytesWritten(2000));
            QTest::qWait(200);
            QCOMPARE(activated.count(), 1);
        }
        // The first is gone (cleanly): the name is free again.
        SingleInstance third(name);
        QVERIFY(third.tryBecomePrimary());
    }

    void staleSocketOfACrashedInstanceIsTakenOver() {
#if defined(Q_OS_UNIX)
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString name = uniqueServerName(dir);
        // What a crash leaves: the socket file, bound, with nobody listening on it.
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray path = QFile::encodeName(name);
        QVERIFY(static_cast<std::size_t>(path.size()) < sizeof(address.sun_path));
        std::memcpy(address.sun_path, path.constData(), static_cast<std::size_t>(path.size()));
        QCOMPARE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
        ::close(fd);
        QVERIFY(QFileInfo::exists(name));

        SingleInstance recovered(name);
        QVERIFY(recovered.tryBecomePrimary());
        QSignalSpy activated(&recovered, &SingleInstance::activationRequested);
        SingleInstance later(name);  // the taken-over name works
        QVERIFY(!later.tryBecomePrimary());
        QVERIFY(activated.wait(5000));
#else
        QSKIP("named pipes leave nothing behind when a process dies");
#endif
    }

    // --- start at login: the file texts ----------------------------------------------------

    void execArgumentsAreQuotedPerTheSpec() {
        using qdyn::gui::desktopExecArgument;
        QCOMPARE(QString::fromStdString(desktopExecArgument("/usr/bin/qdyn-tray").value()),
                 QStringLiteral("/usr/bin/qdyn-tray"));
        QCOMPARE(QString::fromStdString(desktopExecArgument("/opt/my apps/qdyn-tray").value()),
                 QStringLiteral("\"/opt/my apps/qdyn-tray\""));
        QCOMPARE(QString::fromStdString(desktopExecArgument("/opt/50%/qdyn-tray").value()),
                 QStringLiteral("/opt/50%%/qdyn-tray"));
        // \ becomes \\ inside the quotes and each of those \\ again as a string value.
        QCOMPARE(QString::fromStdString(desktopExecArgument("/a\\b").value()), QStringLiteral("\"/a\\\\\\\\b\""));
        QCOMPARE(QString::fromStdString(desktopExecArgument("/a\"$b").value()), QStringLiteral("\"/a\\\\\"\\\\$b\""));
        QVERIFY(!desktopExecArgument("/a\nb").ok());
        QVERIFY(!desktopExecArgument("/a\xff").ok());
        QVERIFY(!desktopExecArgument("").ok());

        const QString nasty = QStringLiteral("/opt/My Apps/qdyn \"tray\" $HOME `x` 'y' \\back; 50%/qdyn-tray");
        const auto quoted = desktopExecArgument(nasty.toStdString());
        QVERIFY(quoted.ok());
        QCOMPARE(unquoteExecArgument(QString::fromStdString(*quoted)), nasty);
    }

    void launchAgentPlistIsValidXmlWithThePath() {
        const QString path = QStringLiteral("/Users/a&b/<dir>/\"q\" 'x'/qdyn tray.app/Contents/MacOS/qdyn-tray");
        const auto plist = qdyn::gui::launchAgentPlist(toPath(path));
        QVERIFY2(plist.ok(), plist.ok() ? "" : plist.message().c_str());
        const QString text = QString::fromStdString(*plist);
        QVERIFY(!text.contains(QStringLiteral("a&b")));

        QXmlStreamReader xml(text);
        QString lastKey;
        QString label;
        QStringList arguments;
        bool runAtLoad = false;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement) continue;
            const auto element = xml.name();
            if (element == QStringLiteral("key")) {
                lastKey = xml.readElementText();
            } else if (element == QStringLiteral("string") && lastKey == QStringLiteral("Label")) {
                label = xml.readElementText();
            } else if (element == QStringLiteral("string") && lastKey == QStringLiteral("ProgramArguments")) {
                arguments.append(xml.readElementText());
            } else if (element == QStringLiteral("true") && lastKey == QStringLiteral("RunAtLoad")) {
                runAtLoad = true;
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(label, QStringLiteral("org.qdyn.QdynTray"));
        QCOMPARE(arguments, QStringList{path});
        QVERIFY(runAtLoad);

        QVERIFY(!qdyn::gui::launchAgentPlist("relative/qdyn-tray").ok());
        QVERIFY(!qdyn::gui::launchAgentPlist("/a\x01b").ok());
    }

    // --- start at login: XDG autostart for real --------------------------------------------

    void xdgAutostartEnablesValidatesAndDisables() {
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
        const QString validator = QStringLiteral("/usr/bin/desktop-file-validate");
        QVERIFY2(QFileInfo(validator).isExecutable(), "desktop-file-validate is missing (package desktop-file-utils)");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray saved = qgetenv("XDG_CONFIG_HOME");
        const bool hadValue = qEnvironmentVariableIsSet("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(dir.path()));
        const auto autostart = qdyn::gui::makeAutostart();
        if (hadValue)
            qputenv("XDG_CONFIG_HOME", saved);
        else
            qunsetenv("XDG_CONFIG_HOME");

        const QString file = dir.filePath(QStringLiteral("autostart/org.qdyn.QdynTray.desktop"));
        QCOMPARE(QString::fromStdString(autostart->location()), file);
        QVERIFY(!autostart->isEnabled());
        QVERIFY(autostart->setEnabled(false, "/usr/bin/qdyn-tray").ok());  // nothing to remove: fine

        const QString program = QStringLiteral("/opt/My Apps/qdyn \"tray\" $x 50%/qdyn-tray");
        const auto enabled = autostart->setEnabled(true, toPath(program));
        QVERIFY2(enabled.ok(), enabled.ok() ? "" : enabled.message().c_str());
        QVERIFY(QFileInfo::exists(file));
        QVERIFY(autostart->isEnabled());
        // Written atomically: no temporary file left beside it.
        QCOMPARE(QDir(dir.filePath(QStringLiteral("autostart"))).entryList(QDir::Files | QDir::Hidden).size(), 1);

        QProcess validate;
        validate.setProcessChannelMode(QProcess::MergedChannels);
        validate.start(validator, {file});
        QVERIFY(validate.waitForFinished(20000));
        const QString output = QString::fromUtf8(validate.readAll());
        QVERIFY2(validate.exitStatus() == QProcess::NormalExit && validate.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.trimmed().isEmpty(), qPrintable(output));

        const QString text = fileText(file);
        QString exec;
        for (const QString& line : text.split(QLatin1Char('\n'))) {
            if (line.startsWith(QStringLiteral("Exec="))) exec = line.mid(5);
        }
        QCOMPARE(unquoteExecArgument(exec), program);
        QVERIFY(text.contains(QStringLiteral("\nType=Application\n")));
        QVERIFY(text.contains(QStringLiteral("\nIcon=org.qdyn.QdynTray\n")));
        QVERIFY(text.contains(QStringLiteral("\nX-GNOME-Autostart-enabled=true\n")));

        QVERIFY(autostart->setEnabled(false, toPath(program)).ok());
        QVERIFY(!QFileInfo::exists(file));
        QVERIFY(!autostart->isEnabled());

        // Switched off by the desktop's own settings: the file is there but says so.
        QVERIFY(writeText(file, "[Desktop Entry]\nType=Application\nName=qdyn\nExec=qdyn-tray\nHidden=true\n"));
        QVERIFY(!autostart->isEnabled());
        QVERIFY(
            writeText(file, "[Desktop Entry]\nType=Application\nExec=qdyn-tray\nX-GNOME-Autostart-enabled=false\n"));
        QVERIFY(!autostart->isEnabled());
        QVERIFY(writeText(file, "[Desktop Entry]\nType=Application\nExec=qdyn-tray\n[Other]\nHidden=true\n"));
        QVERIFY(autostart->isEnabled());                                  // Hidden in another group means nothing
        QVERIFY(autostart->setEnabled(true, "/usr/bin/qdyn-tray").ok());  // enabling again rewrites it
        QVERIFY(autostart->isEnabled());
        QVERIFY(!fileText(file).contains(QStringLiteral("Hidden")));

        // A relative program path is refused and leaves the entry as it was.
        QVERIFY(!autostart->setEnabled(true, "qdyn-tray").ok());
        QVERIFY(fileText(file).contains(QStringLiteral("Exec=/usr/bin/qdyn-tray\n")));
#else
        QSKIP("XDG autostart is the Linux and BSD implementation");
#endif
    }

    void xdgAutostartWithoutConfigHomeFailsWithAReason() {
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
        const auto autostart = qdyn::gui::makeXdgAutostart({});
        QVERIFY(!autostart->isEnabled());
        const auto result = autostart->setEnabled(true, "/usr/bin/qdyn-tray");
        QVERIFY(!result.ok());
        QVERIFY(!result.message().empty());
#else
        QSKIP("XDG autostart is the Linux and BSD implementation");
#endif
    }
};

}  // namespace tray_parts_test
}  // namespace

QTEST_MAIN(tray_parts_test::TrayPartsTest)
#include "tray_parts_test.moc"
