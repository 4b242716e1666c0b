// [[record]] of server.toml: the static A, AAAA, CNAME, MX and TXT records, and the rules that
// keep them consistent with the updatable hosts and the name server.
#include <algorithm>
#include <charconv>

#include "config/sections.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server::config {

namespace {

constexpr std::size_t kMaxCharacterString = 255;

Result<std::uint16_t> recordType(std::string_view text) {
    std::string upper(text);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (upper == "A") return dns::rrtype::A;
    if (upper == "AAAA") return dns::rrtype::AAAA;
    if (upper == "CNAME") return dns::rrtype::CNAME;
    if (upper == "MX") return dns::rrtype::MX;
    if (upper == "TXT") return dns::rrtype::TXT;
    return makeError("type '" + std::string(text) + "' is not one of A, AAAA, CNAME, MX, TXT");
}

Result<IpAddress> addressOf(std::string_view text, bool v4) {
    auto address = IpAddress::parse(text);
    if (!address || address->isV4() != v4) {
        return makeError("'" + std::string(text) + "' is not an " + (v4 ? "IPv4" : "IPv6") + " address");
    }
    return *address;
}

// "10 mail" or "10 mx.example.org."
Result<dns::MxData> mxOf(std::string_view text, const dns::Name& origin) {
    const auto space = text.find(' ');
    const std::string usage = "an MX value is 'PREFERENCE NAME', e.g. '10 mail'";
    if (space == std::string_view::npos) return makeError(usage);
    const std::string_view number = text.substr(0, space);
    std::string_view exchange = text.substr(space + 1);
    while (!exchange.empty() && exchange.front() == ' ') exchange.remove_prefix(1);
    unsigned preference = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), preference);
    if (ec != std::errc() || ptr != number.data() + number.size() || preference > 65535 || exchange.empty()) {
        return makeError(usage);
    }
    auto name = zoneRelativeName(exchange, origin);
    if (!name) return makeError("MX exchange '" + std::string(exchange) + "' " + name.message());
    return dns::MxData{static_cast<std::uint16_t>(preference), *name};
}

// One string longer than a character-string is split into 255-octet pieces, as zone tools do.
void appendTxt(dns::TxtData& txt, const std::string& text) {
    if (text.empty()) txt.strings.emplace_back();
    for (std::size_t pos = 0; pos < text.size(); pos += kMaxCharacterString) {
        txt.strings.push_back(text.substr(pos, kMaxCharacterString));
    }
}

Result<StaticRecord> parseRecord(const Reader& reader, const toml::table& table, const ZoneConfig& zone) {
    if (auto keys = reader.onlyKeys(table, {"name", "type", "value", "ttl"}, "[[record]]"); !keys) return keys.error();
    const auto* nameNode = table.get("name");
    const auto* typeNode = table.get("type");
    const auto* valueNode = table.get("value");
    if (nameNode == nullptr || typeNode == nullptr || valueNode == nullptr) {
        return reader.at(table, "[[record]] needs name, type and value");
    }
    StaticRecord record;
    auto nameText = reader.string(*nameNode, "name");
    if (!nameText) return nameText.error();
    auto owner = zoneRelativeName(*nameText, zone.origin);
    if (!owner) return reader.at(*nameNode, "name '" + *nameText + "' " + owner.message());
    if (!owner->isSubdomainOf(zone.origin)) {
        return reader.at(*nameNode, "name '" + *nameText + "' is not inside the zone " + zone.origin.toString());
    }
    record.name = *owner;
    auto typeText = reader.string(*typeNode, "type");
    if (!typeText) return typeText.error();
    auto type = recordType(*typeText);
    if (!type) return reader.at(*typeNode, type.message());
    record.type = *type;
    record.ttl = zone.hostTtl;
    if (const auto* ttlNode = table.get("ttl")) {
        auto ttl = reader.ttl(*ttlNode, "ttl");
        if (!ttl) return ttl.error();
        record.ttl = *ttl;
    }

    if (record.type == dns::rrtype::TXT && valueNode->is_array()) {
        auto items = reader.stringArray(*valueNode, "value");
        if (!items) return items.error();
        if (items->empty()) return reader.at(*valueNode, "a TXT value needs at least one string");
        dns::TxtData txt;
        for (const auto& item : *items) appendTxt(txt, item.first);
        record.data = std::move(txt);
        return record;
    }
    auto value = reader.string(*valueNode, "value");
    if (!value) return value.error();
    auto fail = [&](const std::string& why) { return reader.at(*valueNode, "value: " + why); };
    switch (record.type) {
    case dns::rrtype::A:
    case dns::rrtype::AAAA: {
        auto address = addressOf(*value, record.type == dns::rrtype::A);
        if (!address) return fail(address.message());
        record.data = addressRData(*address);
        break;
    }
    case dns::rrtype::CNAME: {
        if (record.name == zone.origin) return reader.at(*nameNode, "a CNAME cannot be at the zone apex");
        auto target = zoneRelativeName(*value, zone.origin);
        if (!target) return fail("'" + *value + "' " + target.message());
        if (*target == record.name) return fail("a CNAME cannot point to itself");
        record.data = dns::NameData{*target};
        break;
    }
    case dns::rrtype::MX: {
        auto mx = mxOf(*value, zone.origin);
        if (!mx) return fail(mx.message());
        record.data = *mx;
        break;
    }
    default: {
        dns::TxtData txt;
        appendTxt(txt, *value);
        record.data = std::move(txt);
        break;
    }
    }
    return record;
}

}  // namespace

Result<std::vector<StaticRecord>> parseRecords(const Reader& reader, const std::vector<const toml::table*>& tables,
                                               const ZoneConfig& zone) {
    std::vector<StaticRecord> out;
    for (const auto* table : tables) {
        auto record = parseRecord(reader, *table, zone);
        if (!record) return record.error();
        for (const auto& existing : out) {
            if (existing.name == record->name && existing.type == record->type && existing.data == record->data) {
                return reader.at(*table, "this record is defined twice");
            }
        }
        out.push_back(std::move(*record));
    }
    return out;
}

Result<void> checkConsistency(const Reader& reader, const Config& config,
                              const std::vector<const toml::table*>& recordTables) {
    const auto& records = config.records;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& record = records[i];
        const toml::table& where = *recordTables[i];
        const std::string owner = record.name.toString();
        if (record.type == dns::rrtype::CNAME) {
            // RFC 1034 3.6.2: a CNAME is alone at its name.
            for (std::size_t j = 0; j < records.size(); ++j) {
                if (j != i && records[j].name == record.name) {
                    return reader.at(where, "the CNAME at " + owner + " must be the only record of its name");
                }
            }
            if (grantedToAny(config.accounts, record.name)) {
                return reader.at(where, "the CNAME at " + owner + " is an updatable host of an [[account]]; a CNAME must be alone at its name");
            }
            if (record.name == config.zone.nameserver) {
                return reader.at(where, "the zone's name server " + owner + " cannot be a CNAME");
            }
        }
        for (std::size_t j = 0; j < i; ++j) {
            // RFC 2181 5.2: the records of one RRset share one TTL.
            if (records[j].name == record.name && records[j].type == record.type && records[j].ttl != record.ttl) {
                return reader.at(where, "the " + dns::typeToString(record.type) + " records of " + owner +
                                            " must all have the same ttl");
            }
        }
        const bool address = record.type == dns::rrtype::A || record.type == dns::rrtype::AAAA;
        if (address && record.name == config.zone.nameserver && !config.zone.nameserverGlue.empty()) {
            return reader.at(where, "the name server's addresses come from [zone] nameserver_addresses; do not repeat them as [[record]]");
        }
    }
    return {};
}

}  // namespace qdyn::server::config
