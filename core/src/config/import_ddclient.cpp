// ddclient.conf into qdyn profiles. The reading follows ddclient 3.10's _read_config line by line
// (the special reading of password values, comments, `\` continuations, whitespace canonified,
// then `key=value` assignments with quotes and escapes, then hosts, login, password), so a file
// means here what it meant to ddclient; the conversion then maps what qdyn has an equivalent for.
#include <algorithm>
#include <array>
#include <filesystem>
#include <map>

#include "import_common.hpp"
#include "qdyn/detect/source_spec.hpp"
#include "qdyn/ip_address.hpp"

namespace qdyn::config {

namespace {

using importing::addNote;

constexpr std::size_t kMaxLogicalLine = 64 * 1024;

struct Setting {
    std::string value;
    std::size_t line = 0;
};
using Settings = std::map<std::string, Setting>;

// Text whose every character remembers the physical line it came from.
struct Traced {
    std::string text;
    std::vector<std::size_t> lines;

    void append(std::string_view more, std::size_t line) {
        text += more;
        lines.insert(lines.end(), more.size(), line);
    }
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }
bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

struct PasswordPart {
    std::string key;
    std::string value;
    std::string rewritten;  // the line with the value replaced by "dummy"
};

// ddclient: /^([^#]*\s)?([^#]*?password\S*?)\s*=\s*('.*'|[^']\S*)(.*)/ on the raw line, so a
// password may hold '#', ',' and quotes. The greedy head makes the last candidate key win.
std::optional<PasswordPart> extractPassword(std::string_view line) {
    const std::size_t hash = std::min(line.find('#'), line.size());
    for (std::size_t start = hash; start-- > 0;) {
        if (start != 0 && !isSpace(line[start - 1])) continue;
        std::size_t end = start;
        while (end < hash && !isSpace(line[end]) && line[end] != '=') ++end;
        const std::string_view key = line.substr(start, end - start);
        if (key.find("password") == std::string_view::npos) continue;
        std::size_t at = end;
        while (at < line.size() && isSpace(line[at])) ++at;
        if (at >= line.size() || line[at] != '=') continue;
        ++at;
        while (at < line.size() && isSpace(line[at])) ++at;
        if (at >= line.size()) continue;
        std::string value;
        std::size_t valueEnd = 0;
        if (line[at] == '\'') {
            const std::size_t close = line.rfind('\'');
            if (close == at) continue;
            value = std::string(line.substr(at + 1, close - at - 1));
            valueEnd = close + 1;
        } else {
            valueEnd = at;
            while (valueEnd < line.size() && !isSpace(line[valueEnd])) ++valueEnd;
            value = std::string(line.substr(at, valueEnd - at));
        }
        return PasswordPart{std::string(key), std::move(value),
                            std::string(line.substr(0, start)) + std::string(key) + "=dummy" +
                                std::string(line.substr(valueEnd))};
    }
    return std::nullopt;
}

// ddclient's parse_assignment: NAME=VALUE, the value ending at an unquoted blank or comma;
// backslash escapes the next character, '...' and "..." quote.
struct Assignment {
    std::string name;
    std::string value;
    std::size_t line = 0;
};

std::vector<Assignment> parseAssignments(const Traced& logical, std::size_t& position) {
    std::vector<Assignment> out;
    const std::string& text = logical.text;
    const auto skipSeparators = [&text](std::size_t at) {
        while (at < text.size() && (text[at] == ',' || isSpace(text[at]))) ++at;
        return at;
    };
    std::size_t at = skipSeparators(position);
    while (at < text.size() && isLetter(text[at])) {
        std::size_t end = at + 1;
        while (end < text.size() && (isLetter(text[end]) || isDigit(text[end]) || text[end] == '_' || text[end] == '-')) {
            ++end;
        }
        if (end >= text.size() || text[end] != '=') break;
        Assignment assignment{text.substr(at, end - at), {}, logical.lines[at]};
        bool escape = false;
        char quote = 0;
        std::size_t next = end + 1;
        for (; next < text.size(); ++next) {
            const char c = text[next];
            if (escape) {
                assignment.value += c;
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (quote == 0 && (isSpace(c) || c == ',')) {
                break;
            } else {
                assignment.value += c;
            }
        }
        out.push_back(std::move(assignment));
        at = skipSeparators(next);
    }
    position = at;
    return out;
}

// Why a key is not converted; empty for the keys the conversion reads.
std::string reasonFor(const std::string& key) {
    static const std::array kConverted{
        "protocol", "server", "login", "password", "host", "script", "ssl", "use", "web", "web-skip",
        "if", "ip", "cmd", "usev4", "usev6", "webv4", "webv4-skip", "webv6", "webv6-skip", "ifv4",
        "ifv6", "ipv4", "ipv6", "cmdv4", "cmdv6", "daemon", "max-interval", "timeout", "ssl_ca_file",
    };
    if (std::find(kConverted.begin(), kConverted.end(), key) != kConverted.end()) return {};
    static const std::map<std::string, std::string> kReasons{
        {"syslog", "qdyn logs to stderr, and to syslog or the journal under `qdyn run`"},
        {"facility", "qdyn logs to stderr, and to syslog or the journal under `qdyn run`"},
        {"priority", "qdyn logs to stderr, and to syslog or the journal under `qdyn run`"},
        {"mail", "qdyn sends no mail; an on_failure or on_change hook can"},
        {"mail-failure", "qdyn sends no mail; an on_failure hook can"},
        {"pid", "`qdyn run` is supervised by systemd or another service manager"},
        {"foreground", "`qdyn run` is supervised by systemd or another service manager"},
        {"cache", "qdyn keeps its own state (--state-dir)"},
        {"postscript", "qdyn's on_change hook gets the addresses in its environment, not as arguments: set on_change by hand"},
        {"min-interval", "qdyn's backoff and the providers' rules decide when to send again"},
        {"min-error-interval", "qdyn's backoff and the providers' rules decide when to retry"},
        {"max-warn", "qdyn's backoff and the providers' rules decide when to retry"},
        {"proxy", "qdyn has no proxy setting; set https_proxy in its environment"},
        {"wildcard", "a dyndns2 option qdyn does not send"},
        {"mx", "a dyndns2 option qdyn does not send"},
        {"backupmx", "a dyndns2 option qdyn does not send"},
        {"static", "a dyndns2 option qdyn does not send"},
        {"custom", "a dyndns2 option qdyn does not send"},
        {"ssl_ca_dir", "qdyn takes a CA bundle file (ca_file), not a directory"},
        {"zone", "only the protocols qdyn does not import use it"},
        {"ttl", "only the protocols qdyn does not import use it"},
    };
    if (const auto found = kReasons.find(key); found != kReasons.end()) return found->second;
    if (key.rfind("fw", 0) == 0 || key.rfind("cisco", 0) == 0) return "reading a router's status page is not supported";
    for (const char* option : {"daemon", "quiet", "verbose", "debug", "exec", "retry", "query", "test", "force",
                               "file", "help", "geturl", "options"}) {
        if (key == option) return "a command-line option of ddclient, not a setting";
    }
    return "qdyn has no equivalent";
}

struct WebSource {
    const char* name;
    const char* url;
    const char* skip;
};

// ddclient 3.10's built-in web services (%builtinweb).
constexpr std::array kBuiltinWeb{
    WebSource{"dyndns", "http://checkip.dyndns.org/", "Current IP Address:"},
    WebSource{"freedns", "https://freedns.afraid.org/dynamic/check.php", ""},
    WebSource{"googledomains", "https://domains.google.com/checkip", ""},
    WebSource{"he", "https://checkip.dns.he.net/", ""},
    WebSource{"ip4only.me", "https://ip4only.me/api/", ""},
    WebSource{"ip6only.me", "https://ip6only.me/api/", ""},
    WebSource{"ipify-ipv4", "https://api.ipify.org/", ""},
    WebSource{"ipify-ipv6", "https://api6.ipify.org/", ""},
    WebSource{"loopia", "https://dns.loopia.se/checkip/checkip.php", "Current IP Address:"},
    WebSource{"myonlineportal", "https://myonlineportal.net/checkip", ""},
    WebSource{"noip-ipv4", "http://ip1.dynupdate.no-ip.com/", ""},
    WebSource{"noip-ipv6", "http://ip1.dynupdate6.no-ip.com/", ""},
    WebSource{"nsupdate.info-ipv4", "http://ipv4.nsupdate.info/myip", ""},
    WebSource{"nsupdate.info-ipv6", "http://ipv6.nsupdate.info/myip", ""},
    WebSource{"zoneedit", "https://dynamic.zoneedit.com/checkip.html", ""},
};

const Setting* find(const Settings& settings, const std::string& key) {
    const auto found = settings.find(key);
    return found == settings.end() ? nullptr : &found->second;
}

std::string valueOf(const Settings& settings, const std::string& key) {
    const Setting* setting = find(settings, key);
    return setting == nullptr ? std::string() : setting->value;
}

// A qdyn source spec from one of ddclient's strategies; nullopt (and a note) when there is none.
class DetectionMapper {
public:
    DetectionMapper(const Settings& settings, ImportResult& result) : m_settings(settings), m_result(result) {}

    // kind: "web", "if", "ip", "cmd"; the keys: e.g. "webv4" and "webv4-skip".
    std::optional<std::string> spec(std::string_view kind, const std::string& key, std::size_t strategyLine) {
        const Setting* setting = find(m_settings, key);
        // ddclient's defaults for the web strategies.
        static const std::map<std::string, std::string> kDefaultWeb{
            {"web", "dyndns"}, {"webv4", "ipify-ipv4"}, {"webv6", "ipify-ipv6"}};
        Setting byDefault;
        if (setting == nullptr && kind == "web" && kDefaultWeb.count(key) != 0) {
            byDefault = Setting{kDefaultWeb.at(key), strategyLine};
            setting = &byDefault;
        }
        if (setting == nullptr || setting->value.empty()) {
            addNote(m_result, strategyLine, "not converted: the address strategy names " + key + ", which is not set");
            return std::nullopt;
        }
        std::string spec;
        if (kind == "if") {
            spec = "interface:" + setting->value;
        } else if (kind == "ip") {
            if (!IpAddress::parse(setting->value)) {
                addNote(m_result, setting->line, "not converted: " + key + "=" + setting->value + " is not an IP address");
                return std::nullopt;
            }
            spec = "static:" + setting->value;
        } else if (kind == "cmd") {
            if (importing::needsShell(setting->value)) {
                addNote(m_result, setting->line,
                        "not converted: " + key + " needs a shell; qdyn runs a program with arguments, never a shell "
                        "(put the pipeline in a script and name that: detect = [\"command:/path/to/script\"])");
                return std::nullopt;
            }
            spec = "command:" + setting->value;
        } else {
            spec = webSpec(key, *setting);
            if (spec.empty()) return std::nullopt;
        }
        if (auto made = detect::sourcesFromSpec(spec); !made) {
            addNote(m_result, setting->line, "not converted: " + key + ": " + made.message());
            return std::nullopt;
        }
        return spec;
    }

private:
    std::string webSpec(const std::string& key, const Setting& setting) {
        std::string url = setting.value;
        std::string skip = valueOf(m_settings, key + "-skip");
        for (const auto& builtin : kBuiltinWeb) {
            if (url == builtin.name) {
                url = builtin.url;
                if (skip.empty()) skip = builtin.skip;
            }
        }
        if (url.find("://") == std::string::npos) url = "http://" + url;
        if (skip.empty()) return "http:" + url;
        // The checkip page format: "Current IP Address: A".
        if (lower(skip).find("ip address") != std::string::npos) return "checkip:" + url;
        addNote(m_result, setting.line,
                "not converted: " + key + " with " + key + "-skip='" + skip +
                    "': qdyn reads an echo service's plain address, JSON or a checkip page, not text after a marker");
        return {};
    }

    const Settings& m_settings;
    ImportResult& m_result;
};

struct Detection {
    std::vector<std::string> v4;
    std::vector<std::string> v6;
    bool ipv4 = true;
    bool ipv6 = false;
};

Detection mapDetection(const Settings& settings, ImportResult& result) {
    DetectionMapper mapper(settings, result);
    Detection out;
    // ddclient infers a strategy from the key that is set (init_config): ip wins, then if, then web.
    const auto inferred = [&settings](const std::string& strategy, std::initializer_list<const char*> keys) {
        if (!valueOf(settings, strategy).empty()) return valueOf(settings, strategy);
        std::string chosen;
        for (const std::string key : keys) {
            const std::string value = valueOf(settings, key);
            // An address key infers its strategy only when it holds an address (not "ipv6=yes").
            const bool address = key.rfind("ip", 0) != 0 || IpAddress::parse(value).has_value();
            if (!value.empty() && address) chosen = key;
        }
        return chosen;
    };
    const std::string usev4 = inferred("usev4", {"webv4", "ifv4", "ipv4"});
    const std::string usev6 = inferred("usev6", {"webv6", "ifv6", "ipv6"});
    // With usev6 set, the legacy keys (if=, web=) may serve it alone: only an explicit `use`
    // then asks for IPv4 through them.
    const std::string use = usev6.empty() ? inferred("use", {"web", "if", "ip"}) : valueOf(settings, "use");
    const auto lineOf = [&settings](const std::string& key, const std::string& fallback) {
        const Setting* setting = find(settings, key);
        if (setting == nullptr) setting = find(settings, fallback);
        return setting == nullptr ? std::size_t{0} : setting->line;
    };
    const std::size_t v4Line = lineOf("usev4", usev4);
    const std::size_t v6Line = lineOf("usev6", usev6);
    const std::size_t useLine = lineOf("use", use);

    const bool v6Wanted = !usev6.empty() && usev6 != "disabled" && usev6 != "no";
    const bool v4Wanted = (!usev4.empty() && usev4 != "disabled") || !use.empty() || !v6Wanted;
    out.ipv4 = v4Wanted;
    out.ipv6 = v6Wanted;
    const auto add = [](std::vector<std::string>& specs, std::optional<std::string> spec) {
        if (spec) specs.push_back(std::move(*spec));
    };
    if (!usev4.empty() && usev4 != "disabled") {
        if (usev4 == "ipv4" || usev4 == "ifv4" || usev4 == "webv4" || usev4 == "cmdv4") {
            add(out.v4, mapper.spec(usev4.substr(0, usev4.size() - 2), usev4, v4Line));
        } else {
            addNote(result, v4Line, "not converted: usev4=" + usev4 + ": reading a router's status page is not supported");
        }
    } else if (!use.empty()) {
        if (use == "ip" || use == "if" || use == "web" || use == "cmd") {
            add(out.v4, mapper.spec(use, use, useLine));
        } else {
            addNote(result, useLine, "not converted: use=" + use + ": reading a router's status page is not supported");
        }
    }
    if (v6Wanted) {
        // Since 3.10: ipv6/ifv6/webv6/cmdv6, and the deprecated ip/if/web/cmd with the legacy keys.
        static const std::map<std::string, std::pair<std::string, std::string>> kV6{
            {"ipv6", {"ip", "ipv6"}}, {"ifv6", {"if", "ifv6"}}, {"webv6", {"web", "webv6"}}, {"cmdv6", {"cmd", "cmdv6"}},
            {"ip", {"ip", "ip"}},     {"if", {"if", "if"}},     {"web", {"web", "web"}},     {"cmd", {"cmd", "cmd"}},
        };
        if (const auto found = kV6.find(usev6); found != kV6.end()) {
            add(out.v6, mapper.spec(found->second.first, found->second.second, v6Line));
        } else {
            addNote(result, v6Line, "not converted: usev6=" + usev6 + ": reading a router's status page is not supported");
        }
    }
    return out;
}

// Settings that apply to every host, checked once where they are set.
void checkValues(const std::vector<Assignment>& assignments, ImportResult& result) {
    for (const auto& assignment : assignments) {
        const std::string& key = assignment.name;
        const std::string shown = importing::isSecretKey(key) ? key : key + "=" + assignment.value;
        if (const std::string reason = reasonFor(key); !reason.empty()) {
            addNote(result, assignment.line, "not converted: " + shown + " (" + reason + ")");
            continue;
        }
        const auto seconds = importing::parseInterval(assignment.value);
        if (key == "daemon" && (!seconds || *seconds < 10 || *seconds > 86400)) {
            addNote(result, assignment.line, "not converted: " + shown + " (poll_interval must be 10 s to 1 day)");
        } else if (key == "max-interval" && (!seconds || *seconds < 3600 || *seconds > 27 * 86400)) {
            addNote(result, assignment.line,
                    "not converted: " + shown + " (refresh_after must be 1 hour to 27 days; qdyn refreshes every 25 days)");
        } else if (key == "timeout" && (!seconds || *seconds < 1 || *seconds > 300)) {
            addNote(result, assignment.line, "not converted: " + shown + " (timeout must be 1 to 300 seconds)");
        } else if ((key == "ip" || key == "ipv4" || key == "ipv6") && !IpAddress::parse(assignment.value)) {
            addNote(result, assignment.line,
                    "not converted: " + shown + " (ddclient 3.10 takes an address here; for IPv6 set usev6)");
        } else if (key == "ssl_ca_file") {
            std::error_code error;
            if (!std::filesystem::is_regular_file(assignment.value, error)) {
                addNote(result, assignment.line, "not converted: " + shown + " (no such file here)");
            }
        }
    }
}

// One host line of the file as a profile (or notes saying why not).
void convertEntry(const Settings& settings, const std::vector<std::string>& hosts, std::size_t line,
                  ImportResult& result) {
    const std::string protocol = valueOf(settings, "protocol").empty() ? "dyndns2" : valueOf(settings, "protocol");
    std::string hostList;
    for (const auto& host : hosts) hostList += (hostList.empty() ? "" : ",") + host;
    static const std::map<std::string, std::string> kDefaultServer{
        {"dyndns2", "members.dyndns.org"}, {"noip", "dynupdate.no-ip.com"}, {"ovh", "www.ovh.com"}};
    const auto known = kDefaultServer.find(protocol);
    if (known == kDefaultServer.end()) {
        addNote(result, line,
                "not converted: hosts " + hostList + ": protocol " + protocol +
                    " has no qdyn equivalent (`qdyn providers` lists the services qdyn speaks; a profile with "
                    "protocol custom may fit)");
        return;
    }
    ProfileEntry entry;
    for (const auto& host : hosts) {
        if (importing::isHostName(host)) {
            entry.hosts.push_back(host);
        } else {
            addNote(result, line, "not converted: \"" + host + "\" is not a host name");
        }
    }
    if (entry.hosts.empty() || !importing::roomForProfile(result, line)) return;

    std::string server = valueOf(settings, "server").empty() ? known->second : valueOf(settings, "server");
    const Setting* ssl = find(settings, "ssl");
    std::string scheme = ssl != nullptr && importing::isFalseWord(ssl->value) ? "http" : "https";
    if (const auto separator = server.find("://"); separator != std::string::npos) {
        scheme = lower(server.substr(0, separator));
        server = server.substr(separator + 3);
    }
    while (!server.empty() && server.back() == '/') server.pop_back();
    const std::string script = valueOf(settings, "script");
    const bool plainPath = script.empty() || script == "/nic/update";
    const providers::Provider* provider =
        scheme == "https" && plainPath && server.find(':') == std::string::npos ? importing::providerForServer(server)
                                                                                 : nullptr;
    if (provider != nullptr) {
        entry.provider = std::string(provider->name);
    } else {
        entry.protocol = "dyndns2";
        entry.server = scheme + "://" + server;
        if (!plainPath) entry.path = script;
    }
    entry.comments.push_back("from line " + std::to_string(line) + ": protocol=" + protocol + ", server=" + server);
    if (scheme == "http") entry.comments.push_back("ssl=no in ddclient: plain HTTP, the password travels in clear");

    entry.username = valueOf(settings, "login");
    if (const Setting* password = find(settings, "password"); password != nullptr && !password->value.empty()) {
        std::string value = password->value;
        if (value.size() > 1 && value.back() == ',') {
            value.pop_back();
            addNote(result, password->line,
                    "warning: the password ends with a comma, which ddclient 3.10 keeps as part of it; qdyn drops "
                    "it (quote the password if the comma belongs to it)");
        }
        entry.passwordFrom = ProfileEntry::PasswordFrom::Inline;
        entry.password = Secret(std::move(value));
    }

    const Detection detection = mapDetection(settings, result);
    if (detection.ipv4 && detection.ipv6) {
        entry.families = {"ipv4", "ipv6"};
        entry.detectIpv4 = detection.v4;
        entry.detectIpv6 = detection.v6;
    } else if (detection.ipv6) {
        entry.families = {"ipv6"};
        entry.detect = detection.v6;
    } else {
        entry.detect = detection.v4;
    }
    const auto interval = [&settings](const char* key, std::int64_t min, std::int64_t max) -> std::optional<std::int64_t> {
        const auto seconds = importing::parseInterval(valueOf(settings, key));
        if (!seconds || *seconds < min || *seconds > max) return std::nullopt;
        return seconds;
    };
    entry.pollInterval = interval("daemon", 10, 86400);
    entry.refreshAfter = interval("max-interval", 3600, 27 * 86400);
    entry.timeout = interval("timeout", 1, 300);
    if (const std::string caFile = valueOf(settings, "ssl_ca_file"); !caFile.empty()) {
        std::error_code error;
        if (std::filesystem::is_regular_file(caFile, error) && scheme == "https") entry.caFile = caFile;
    }
    entry.name = importing::profileName(provider != nullptr ? std::string(provider->name)
                                                            : entry.hosts.front().substr(0, entry.hosts.front().find('.')),
                                        result);
    result.profiles.push_back(ImportedProfile{std::move(entry), line});
}

std::vector<std::string> splitByComma(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::string part = text.substr(start, comma - start);
        const auto first = part.find_first_not_of(" \t");
        const auto last = part.find_last_not_of(" \t");
        if (first != std::string::npos) out.push_back(part.substr(first, last - first + 1));
        start = comma + 1;
    }
    return out;
}

}  // namespace

ImportResult importDdclient(std::string_view text) {
    ImportResult result;
    Settings globals;
    // Password values read from the raw lines of one logical line (ddclient's %passwords).
    std::map<std::string, std::string> passwords;
    Traced continuation;
    std::size_t continuationLine = 0;
    std::size_t lineNumber = 0;
    while (!text.empty()) {
        const std::size_t newline = std::min(text.find('\n'), text.size());
        std::string raw(text.substr(0, newline));
        text.remove_prefix(std::min(newline + 1, text.size()));
        ++lineNumber;
        raw.erase(std::remove(raw.begin(), raw.end(), '\r'), raw.end());
        if (auto password = extractPassword(raw)) {
            passwords[password->key] = std::move(password->value);
            raw = std::move(password->rewritten);
        }
        if (const auto hash = raw.find('#'); hash != std::string::npos) raw.resize(hash);
        if (const auto last = raw.find_last_not_of(" \t"); last != std::string::npos && last + 1 < raw.size() &&
                                                             raw[last] == '\\') {
            addNote(result, lineNumber, "warning: blanks or a comment follow the \\ at the end of the line, so "
                                        "ddclient does not continue the line here (neither does this import)");
        }

        if (continuation.text.empty()) continuationLine = lineNumber;
        continuation.append(raw, lineNumber);
        if (!continuation.text.empty() && continuation.text.back() == '\\' && continuation.text.size() < kMaxLogicalLine) {
            continuation.text.pop_back();
            continuation.lines.pop_back();
            continue;
        }
        Traced logical;
        // Trim and canonify whitespace, keeping each character's line.
        for (std::size_t i = 0; i < continuation.text.size(); ++i) {
            const char c = continuation.text[i];
            if (isSpace(c)) {
                if (!logical.text.empty() && logical.text.back() != ' ') logical.append(" ", continuation.lines[i]);
            } else {
                logical.append(std::string_view(&c, 1), continuation.lines[i]);
            }
        }
        if (!logical.text.empty() && logical.text.back() == ' ') {
            logical.text.pop_back();
            logical.lines.pop_back();
        }
        continuation = Traced{};
        std::map<std::string, std::string> linePasswords;
        linePasswords.swap(passwords);
        if (logical.text.empty()) continue;

        std::size_t position = 0;
        std::vector<Assignment> assignments = parseAssignments(logical, position);
        for (auto& assignment : assignments) {
            if (const auto found = linePasswords.find(assignment.name); found != linePasswords.end()) {
                assignment.value = found->second;
            }
        }
        checkValues(assignments, result);
        // The rest: "host1,host2 [login [password]]", commas with blanks around them joined.
        std::string rest;
        for (std::size_t i = position; i < logical.text.size(); ++i) {
            if (logical.text[i] == ' ' && (i + 1 < logical.text.size() && logical.text[i + 1] == ',')) continue;
            if (logical.text[i] == ' ' && !rest.empty() && rest.back() == ',') continue;
            rest += logical.text[i];
        }
        std::vector<std::string> args;
        for (std::size_t start = 0; start < rest.size();) {
            const std::size_t space = std::min(rest.find(' ', start), rest.size());
            if (space > start) args.push_back(rest.substr(start, space - start));
            start = space + 1;
        }
        Settings locals;
        for (const auto& assignment : assignments) locals[assignment.name] = Setting{assignment.value, assignment.line};
        if (const Setting* host = find(locals, "host")) {
            if (args.empty()) {
                args.push_back(host->value);
            } else {
                args[0] += "," + host->value;
            }
        }
        if (args.empty()) {
            for (auto& [key, setting] : locals) globals[key] = setting;
            continue;
        }
        if (args.size() > 1 && args[1].front() == '=') {
            // "protocol = nfsn": ddclient allows no blanks around '=', and reads the words as hosts.
            addNote(result, continuationLine,
                    "not converted: \"" + args[0] + " " + args[1] +
                        "...\" has blanks around '=', so ddclient reads it as host names, not as a setting");
            continue;
        }
        Settings merged = globals;
        for (auto& [key, setting] : locals) merged[key] = setting;
        if (args.size() > 1) merged["login"] = Setting{args[1], continuationLine};
        if (args.size() > 2) merged["password"] = Setting{args[2], continuationLine};
        if (args.size() > 3) addNote(result, continuationLine, "warning: ddclient ignores the words after the password");
        convertEntry(merged, splitByComma(args[0]), continuationLine, result);
    }
    if (!continuation.text.empty()) {
        addNote(result, continuationLine, "not converted: the file ends while expecting a continuation line");
    }
    importing::finishImport(result);
    return result;
}

}  // namespace qdyn::config
