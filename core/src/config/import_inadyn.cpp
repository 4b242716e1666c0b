// inadyn.conf into qdyn profiles. inadyn reads its file with libconfuse: `key = value` and
// `key = { v1, v2 }` settings, `provider NAME { }` and `custom NAME { }` sections, quoted
// strings with escapes, `#`, `//` and `/* */` comments, include("file"). A small parser for
// exactly that (no library: the grammar is tiny and every byte of it is hostile input), then
// the mapping onto qdyn's providers, the custom protocol and detection sources.
#include <algorithm>
#include <array>
#include <filesystem>
#include <map>

#include "import_common.hpp"
#include "qdyn/detect/source_spec.hpp"

namespace qdyn::config {

namespace {

using importing::addNote;

constexpr std::size_t kMaxValues = 256;     // items of one list
constexpr std::size_t kMaxToken = 4096;     // one word or string
constexpr std::size_t kMaxSections = 1024;

struct Value {
    std::string text;
    std::size_t line = 0;
};

struct Option {
    std::string name;
    std::vector<Value> values;
    std::size_t line = 0;
    bool call = false;  // name(args): include("file")
};

struct Section {
    std::string kind;   // provider, custom, or anything else (noted)
    std::string title;  // "default@dyndns.org:1", "namecheap"
    std::size_t line = 0;
    std::vector<Option> options;
};

struct Document {
    std::vector<Option> globals;
    std::vector<Section> sections;
};

enum class Kind { Word, String, Open, Close, Equals, Append, Comma, LParen, RParen, End };

struct Token {
    Kind kind = Kind::End;
    std::string text;
    std::size_t line = 0;
};

class Lexer {
public:
    explicit Lexer(std::string_view text) : m_text(text) {}

    Result<Token> next() {
        skipBlanksAndComments();
        Token token;
        token.line = m_line;
        if (!m_error.empty()) return makeError(m_error);
        if (m_at >= m_text.size()) return token;
        const char c = m_text[m_at];
        const auto single = [&](Kind kind) {
            ++m_at;
            token.kind = kind;
            return token;
        };
        switch (c) {
            case '{': return single(Kind::Open);
            case '}': return single(Kind::Close);
            case '=': return single(Kind::Equals);
            case ',': return single(Kind::Comma);
            case '(': return single(Kind::LParen);
            case ')': return single(Kind::RParen);
            case '"':
            case '\'': return quoted(c);
            default: break;
        }
        if (c == '+' && m_at + 1 < m_text.size() && m_text[m_at + 1] == '=') {
            m_at += 2;
            token.kind = Kind::Append;
            return token;
        }
        token.kind = Kind::Word;
        while (m_at < m_text.size() && !isDelimiter(m_text[m_at]) &&
               !(m_text[m_at] == '+' && m_at + 1 < m_text.size() && m_text[m_at + 1] == '=')) {
            token.text += m_text[m_at++];
            if (token.text.size() > kMaxToken) return makeError("line " + std::to_string(token.line) + ": word too long");
        }
        return token;
    }

private:
    static bool isDelimiter(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '{' || c == '}' || c == '=' || c == ',' ||
               c == '(' || c == ')' || c == '"' || c == '\'' || c == '#';
    }

    void skipBlanksAndComments() {
        while (m_at < m_text.size()) {
            const char c = m_text[m_at];
            const std::string_view rest = m_text.substr(m_at);
            if (c == '\n') {
                ++m_line;
                ++m_at;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                ++m_at;
            } else if (c == '#' || rest.starts_with("//")) {
                while (m_at < m_text.size() && m_text[m_at] != '\n') ++m_at;
            } else if (rest.starts_with("/*")) {
                const std::size_t end = rest.find("*/", 2);
                if (end == std::string_view::npos) {
                    m_error = "line " + std::to_string(m_line) + ": a /* comment is never closed";
                    m_at = m_text.size();
                    return;
                }
                m_line += static_cast<std::size_t>(std::count(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
                m_at += end + 2;
            } else {
                return;
            }
        }
    }

    // "..." with C escapes; '...' where only \' and \\ are escapes (libconfuse's rules).
    Result<Token> quoted(char quote) {
        Token token{Kind::String, {}, m_line};
        ++m_at;
        while (true) {
            if (m_at >= m_text.size()) return makeError("line " + std::to_string(token.line) + ": a string is never closed");
            char c = m_text[m_at++];
            if (c == quote) break;
            if (c == '\n') ++m_line;
            if (c == '\\' && m_at < m_text.size()) {
                const char escaped = m_text[m_at];
                if (quote == '"') {
                    ++m_at;
                    c = escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == 'r' ? '\r' : escaped;
                    if (escaped == '\n') ++m_line;
                } else if (escaped == '\'' || escaped == '\\') {
                    ++m_at;
                    c = escaped;
                }
            }
            token.text += c;
            if (token.text.size() > kMaxToken) return makeError("line " + std::to_string(token.line) + ": string too long");
        }
        return token;
    }

    std::string_view m_text;
    std::size_t m_at = 0;
    std::size_t m_line = 1;
    std::string m_error;
};

class Parser {
public:
    explicit Parser(std::string_view text) : m_lexer(text) {}

    Result<Document> parse() {
        Document document;
        if (auto first = advance(); !first) return first.error();
        while (m_token.kind != Kind::End) {
            if (m_token.kind != Kind::Word) return unexpected("a setting or a section");
            Token name = m_token;
            if (auto moved = advance(); !moved) return moved.error();
            if (m_token.kind == Kind::Word || m_token.kind == Kind::String || m_token.kind == Kind::Open) {
                if (document.sections.size() == kMaxSections) return makeError("too many sections");
                Section section{name.text, {}, name.line, {}};
                if (m_token.kind != Kind::Open) {
                    section.title = m_token.text;
                    if (auto moved2 = advance(); !moved2) return moved2.error();
                    if (m_token.kind != Kind::Open) return unexpected("{ after the section title");
                }
                if (auto moved3 = advance(); !moved3) return moved3.error();
                while (m_token.kind != Kind::Close) {
                    if (m_token.kind != Kind::Word) return unexpected("a setting or }");
                    Token inner = m_token;
                    if (auto moved4 = advance(); !moved4) return moved4.error();
                    auto option = readOption(inner);
                    if (!option) return option.error();
                    section.options.push_back(std::move(*option));
                }
                if (auto moved5 = advance(); !moved5) return moved5.error();
                document.sections.push_back(std::move(section));
                continue;
            }
            auto option = readOption(name);
            if (!option) return option.error();
            document.globals.push_back(std::move(*option));
        }
        return document;
    }

private:
    Result<void> advance() {
        auto token = m_lexer.next();
        if (!token) return token.error();
        m_token = std::move(*token);
        return {};
    }

    Error unexpected(const std::string& wanted) const {
        const std::string got = m_token.kind == Kind::End ? std::string("the end of the file")
                                : m_token.text.empty() ? std::string("a symbol")
                                                       : "\"" + m_token.text.substr(0, 40) + "\"";
        return makeError("line " + std::to_string(m_token.line) + ": expected " + wanted + ", found " + got);
    }

    // After the name: `= value`, `+= value`, `= { v, ... }` or `(args)`.
    Result<Option> readOption(const Token& name) {
        Option option{name.text, {}, name.line, false};
        if (m_token.kind == Kind::LParen) {
            option.call = true;
            return readList(option, Kind::RParen);
        }
        if (m_token.kind != Kind::Equals && m_token.kind != Kind::Append) return unexpected("= after " + name.text);
        if (auto moved = advance(); !moved) return moved.error();
        if (m_token.kind == Kind::Open) return readList(option, Kind::Close);
        if (m_token.kind != Kind::Word && m_token.kind != Kind::String) return unexpected("a value for " + name.text);
        option.values.push_back(Value{m_token.text, m_token.line});
        if (auto moved = advance(); !moved) return moved.error();
        return option;
    }

    Result<Option> readList(Option& option, Kind close) {
        if (auto moved = advance(); !moved) return moved.error();
        while (m_token.kind != close) {
            if (m_token.kind != Kind::Word && m_token.kind != Kind::String) return unexpected("a value in the list");
            if (option.values.size() == kMaxValues) return makeError("line " + std::to_string(m_token.line) + ": list too long");
            option.values.push_back(Value{m_token.text, m_token.line});
            if (auto moved = advance(); !moved) return moved.error();
            if (m_token.kind == Kind::Comma) {
                if (auto moved2 = advance(); !moved2) return moved2.error();
            } else if (m_token.kind != close) {
                return unexpected(", or the end of the list");
            }
        }
        if (auto moved = advance(); !moved) return moved.error();
        return std::move(option);
    }

    Lexer m_lexer;
    Token m_token;
};

// inadyn 2.10's providers (inadyn.conf(5)) and the qdyn catalog row each one is, if any.
struct InadynProvider {
    const char* name;
    const char* qdyn;
};
constexpr std::array kInadynProviders{
    InadynProvider{"default@freedns.afraid.org", ""}, InadynProvider{"ipv4@nsupdate.info", "nsupdate-info"},
    InadynProvider{"default@duckdns.org", ""},        InadynProvider{"default@freemyip.com", ""},
    InadynProvider{"default@loopia.com", ""},         InadynProvider{"default@dyndns.org", "dyn"},
    InadynProvider{"default@noip.com", "noip"},       InadynProvider{"default@no-ip.com", "noip"},
    InadynProvider{"default@easydns.com", ""},        InadynProvider{"default@dnsomatic.com", "dnsomatic"},
    InadynProvider{"dyndns@he.net", "he"},            InadynProvider{"default@tunnelbroker.net", ""},
    InadynProvider{"default@sitelutions.com", ""},    InadynProvider{"default@dnsexit.com", ""},
    InadynProvider{"default@zoneedit.com", ""},       InadynProvider{"default@changeip.com", ""},
    InadynProvider{"default@dhis.org", ""},           InadynProvider{"default@domains.google.com", ""},
    InadynProvider{"default@ovh.com", "ovh"},         InadynProvider{"default@gira.de", ""},
    InadynProvider{"default@duiadns.net", ""},        InadynProvider{"default@ddnss.de", ""},
    InadynProvider{"default@dynv6.com", "dynv6"},     InadynProvider{"default@ipv4.dynv6.com", "dynv6"},
    InadynProvider{"default@spdyn.de", ""},           InadynProvider{"default@strato.com", "strato"},
    InadynProvider{"default@cloudxns.net", ""},       InadynProvider{"dyndns@3322.org", ""},
    InadynProvider{"default@dnspod.cn", ""},          InadynProvider{"default@dynu.com", "dynu"},
    InadynProvider{"default@selfhost.de", ""},        InadynProvider{"default@pdd.yandex.ru", ""},
    InadynProvider{"default@cloudflare.com", ""},
};

// inadyn's lookup: the exact name, then "default@" + name, then the first name holding it.
const InadynProvider* findInadynProvider(std::string_view title) {
    const std::string name(title.substr(0, title.find(':')));
    if (name.empty()) return nullptr;
    for (const std::string& candidate : {name, "default@" + name}) {
        for (const auto& provider : kInadynProviders) {
            if (candidate == provider.name) return &provider;
        }
    }
    for (const auto& provider : kInadynProviders) {
        if (std::string_view(provider.name).find(name) != std::string_view::npos) return &provider;
    }
    return nullptr;
}


const Option* findOption(const std::vector<Option>& options, std::string_view name) {
    const Option* found = nullptr;
    for (const auto& option : options) {
        if (option.name == name && !option.call && !option.values.empty()) found = &option;  // the last one wins
    }
    return found;
}

std::string scalar(const std::vector<Option>& options, std::string_view name) {
    const Option* option = findOption(options, name);
    return option == nullptr ? std::string() : option->values.front().text;
}

std::string shown(const Option& option) {
    if (option.call) return option.name + "(...)";
    if (importing::isSecretKey(option.name)) return option.name;
    std::string text = option.name + " = ";
    for (std::size_t i = 0; i < option.values.size(); ++i) text += (i == 0 ? "" : ", ") + option.values[i].text;
    return text.size() > 120 ? text.substr(0, 117) + "..." : text;
}

struct Globals {
    std::optional<std::int64_t> period;
    std::optional<std::int64_t> forcedUpdate;
    bool ipv6 = false;
    bool allowPrivate = false;
    bool tlsVerify = true;
    std::string caFile;
    std::string iface;
};

Globals readGlobals(const std::vector<Option>& options, ImportResult& result) {
    Globals globals;
    for (const auto& option : options) {
        const std::string value = option.values.empty() || option.call ? std::string() : option.values.front().text;
        const auto seconds = importing::parseInterval(value);
        const auto skip = [&](const std::string& why) { addNote(result, option.line, "not converted: " + shown(option) + " (" + why + ")"); };
        if (option.name == "period") {
            if (seconds && *seconds >= 10 && *seconds <= 86400) {
                globals.period = seconds;
            } else {
                skip("poll_interval must be 10 s to 1 day");
            }
        } else if (option.name == "forced-update") {
            if (seconds && *seconds >= 3600 && *seconds <= 27 * 86400) {
                globals.forcedUpdate = seconds;
            } else {
                skip("refresh_after must be 1 hour to 27 days; qdyn refreshes every 25 days");
            }
        } else if (option.name == "allow-ipv6") {
            globals.ipv6 = importing::isTrueWord(value);
        } else if (option.name == "verify-address") {
            globals.allowPrivate = importing::isFalseWord(value);
        } else if (option.name == "secure-ssl") {
            globals.tlsVerify = !importing::isFalseWord(value);
        } else if (option.name == "ca-trust-file") {
            std::error_code error;
            if (std::filesystem::is_regular_file(value, error)) {
                globals.caFile = value;
            } else {
                skip("no such file here");
            }
        } else if (option.name == "iface") {
            globals.iface = value;
        } else if (option.name == "user-agent") {
            skip("qdyn sends its own User-Agent");
        } else if (option.name == "fake-address" || option.name == "broken-rtc" || option.name == "iterations") {
            skip("qdyn has no equivalent");
        } else if (option.call) {
            skip("inline the included file's settings and import again");
        } else {
            skip("qdyn has no equivalent");
        }
    }
    return globals;
}

constexpr std::array kSectionKeys{
    "username",       "password",     "hostname",   "ssl",         "iface",      "checkip-server",
    "checkip-path",   "checkip-ssl",  "checkip-command", "ddns-server", "ddns-path", "append-myip",
};

// The detection specs of a section (iface, checkip-command, checkip-server), or none.
std::vector<std::string> detection(const Section& section, const Globals& globals, bool custom, ImportResult& result) {
    const auto valid = [&result](const std::string& spec, std::size_t line) {
        if (auto made = detect::sourcesFromSpec(spec); !made) {
            addNote(result, line, "not converted: " + made.message());
            return false;
        }
        return true;
    };
    if (const Option* command = findOption(section.options, "checkip-command")) {
        const std::string& text = command->values.front().text;
        if (importing::needsShell(text)) {
            addNote(result, command->line,
                    "not converted: checkip-command needs a shell; qdyn runs a program with arguments, never a shell "
                    "(put it in a script and name that: detect = [\"command:/path/to/script\"])");
        } else if (valid("command:" + text, command->line)) {
            return {"command:" + text};
        }
    }
    if (const Option* iface = findOption(section.options, "iface")) {
        if (valid("interface:" + iface->values.front().text, iface->line)) return {"interface:" + iface->values.front().text};
    }
    if (const Option* server = findOption(section.options, "checkip-server"); server != nullptr &&
                                                                             server->values.front().text != "default") {
        // For custom sections a checkip-server does not follow `ssl`; HTTPS unless checkip-ssl says no.
        const std::string checkSsl = scalar(section.options, "checkip-ssl");
        const std::string ssl = custom ? std::string() : scalar(section.options, "ssl");
        const bool https = checkSsl.empty() ? !importing::isFalseWord(ssl) : !importing::isFalseWord(checkSsl);
        std::string path = scalar(section.options, "checkip-path");
        if (path.empty() || path.front() != '/') path = "/" + path;
        const std::string spec = std::string("http:") + (https ? "https://" : "http://") + server->values.front().text + path;
        if (valid(spec, server->line)) return {spec};
    }
    if (!globals.iface.empty() && valid("interface:" + globals.iface, 0)) return {"interface:" + globals.iface};
    return {};
}

void convertSection(const Section& section, const Globals& globals, ImportResult& result) {
    const bool custom = section.kind == "custom";
    if (section.kind != "provider" && !custom) {
        addNote(result, section.line, "not converted: section " + section.kind + " (inadyn knows provider and custom)");
        return;
    }
    ProfileEntry entry;
    const std::string label = section.kind + " " + section.title;
    entry.comments.push_back("from line " + std::to_string(section.line) + ": " + label);
    const InadynProvider* known = custom ? nullptr : findInadynProvider(section.title);
    std::string baseName;
    if (custom) {
        const std::string server = scalar(section.options, "ddns-server");
        if (server.empty()) {
            addNote(result, section.line, "not converted: " + label + " has no ddns-server");
            return;
        }
        const std::string ssl = scalar(section.options, "ssl");
        std::string path = scalar(section.options, "ddns-path");
        if (path.empty() || path.front() != '/') path = "/" + path;
        // inadyn appends the host (or, with append-myip, the address) unless the path has specifiers.
        if (path.find('%') == std::string::npos) path += importing::isTrueWord(scalar(section.options, "append-myip")) ? "%i" : "%h";
        entry.protocol = "custom";
        entry.url = (importing::isFalseWord(ssl) ? "http://" : "https://") + server + path;
        entry.comments.push_back("any 2xx reply counts as success; list success and failure words to be stricter");
        baseName = section.title;
    } else if (known == nullptr || std::string_view(known->qdyn).empty()) {
        addNote(result, section.line,
                "not converted: " + label + (known != nullptr ? " (" + std::string(known->name) + ")" : std::string()) +
                    " has no qdyn equivalent (`qdyn providers` lists the services qdyn speaks; a custom section may fit)");
        return;
    } else {
        entry.provider = known->qdyn;
        baseName = known->qdyn;
        if (const Option* ssl = findOption(section.options, "ssl"); ssl != nullptr && importing::isFalseWord(ssl->values.front().text)) {
            addNote(result, ssl->line, "not converted: ssl = false (qdyn speaks HTTPS to " + entry.provider + ")");
        }
    }
    if (const auto colon = section.title.find(':'); colon != std::string::npos) baseName += "-" + section.title.substr(colon + 1);
    // The section is converted: say what of it is not (for a section left out, its one note says enough).
    for (const auto& option : section.options) {
        const bool isKey = std::find(kSectionKeys.begin(), kSectionKeys.end(), option.name) != kSectionKeys.end();
        if (option.call) {
            addNote(result, option.line, "not converted: " + shown(option) + " (inline the included file's settings and import again)");
        } else if (!isKey || (!custom && (option.name == "ddns-server" || option.name == "ddns-path" ||
                                          option.name == "append-myip"))) {
            const std::string why = option.name == "user-agent" ? "qdyn sends its own User-Agent" : "qdyn has no equivalent";
            addNote(result, option.line, "not converted: " + shown(option) + " (" + why + ")");
        }
    }

    if (const Option* hostnames = findOption(section.options, "hostname")) {
        for (const auto& host : hostnames->values) {
            if (importing::isHostName(host.text)) {
                entry.hosts.push_back(host.text);
            } else {
                addNote(result, host.line, "not converted: \"" + host.text + "\" is not a host name");
            }
        }
    }
    if (entry.hosts.empty()) {
        addNote(result, section.line, "not converted: " + label + " has no hostname");
        return;
    }
    if (!importing::roomForProfile(result, section.line)) return;
    entry.username = scalar(section.options, "username");
    std::string password = scalar(section.options, "password");
    if (entry.provider == "dynv6") {
        // inadyn's dynv6 plugin sends the username as the zone's token; qdyn's dynv6 row wants it as the password.
        password = entry.username;
        entry.username.clear();
        entry.comments.push_back("inadyn's username (the dynv6 token) is the password here");
    }
    if (!password.empty()) {
        entry.passwordFrom = ProfileEntry::PasswordFrom::Inline;
        entry.password = Secret(std::move(password));
    }
    entry.detect = detection(section, globals, custom, result);
    if (globals.ipv6) entry.families = {"ipv4", "ipv6"};
    entry.pollInterval = globals.period;
    entry.refreshAfter = globals.forcedUpdate;
    if (globals.allowPrivate) entry.allowPrivate = true;
    const bool https = entry.url.rfind("http://", 0) != 0;
    if (!globals.tlsVerify && https) entry.tlsVerify = false;
    if (!globals.caFile.empty() && https) entry.caFile = globals.caFile;
    entry.name = importing::profileName(baseName, result);
    result.profiles.push_back(ImportedProfile{std::move(entry), section.line});
}

}  // namespace

Result<ImportResult> importInadyn(std::string_view text) {
    auto document = Parser(text).parse();
    if (!document) return document.error();
    ImportResult result;
    const Globals globals = readGlobals(document->globals, result);
    for (const auto& section : document->sections) convertSection(section, globals, result);
    importing::finishImport(result);
    return result;
}

}  // namespace qdyn::config
