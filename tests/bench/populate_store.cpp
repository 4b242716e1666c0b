// populate_store: writes dynamic hosts into a qdyn-server store file through the Store API, for
// the DNS benchmarks (tests/bench/dns.sh). Every host gets its A and AAAA records, TTL 60 and
// no expiry, as if its owner had updated it.
//
//   populate_store STORE --generate N PARENT
//       hosts h0000001.PARENT .. hN.PARENT (seven digits at least); host i answers
//       A 10.(i>>16).(i>>8 & 255).(i & 255) and AAAA 2001:db8::(i>>16):(i & 0xffff)
//   populate_store STORE --stdin
//       one host a line: "NAME ADDRESS [ADDRESS...]" (IPv4 gives A, IPv6 gives AAAA)
//
// qdyn-server keeps a stored name only if an account may update it (the name is a host of an
// account or lies below one), so the config that serves the store must grant PARENT or the
// names read from stdin.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn_server/store.hpp"

namespace {

using qdyn::server::Store;
using qdyn::server::StoredName;
using qdyn::server::StoredRRset;
using qdyn::server::StoreWrite;

constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kTypeAAAA = 28;
constexpr std::uint32_t kTtl = 60;
constexpr std::size_t kNamesPerWrite = 10000;

int usage() {
    std::cerr << "usage: populate_store STORE --generate N PARENT\n"
                 "       populate_store STORE --stdin   (lines: NAME ADDRESS [ADDRESS...])\n";
    return 2;
}

int fail(const std::string& message) {
    std::cerr << "populate_store: " << message << '\n';
    return 1;
}

void addRecord(StoredName& name, std::uint16_t type, std::vector<std::uint8_t> rdata) {
    for (auto& set : name.rrsets) {
        if (set.type == type) {
            set.rdatas.push_back(std::move(rdata));
            return;
        }
    }
    name.rrsets.push_back(StoredRRset{type, kTtl, {std::move(rdata)}});
}

std::vector<std::uint8_t> bytesOf(const qdyn::IpAddress& address) {
    const auto bytes = address.bytes();
    return {bytes.begin(), bytes.end()};
}

// Hands names to the store in writes of kNamesPerWrite, each with the next serial.
class Writer {
public:
    explicit Writer(Store& store) : m_store(store) {}

    void add(StoredName name) {
        m_pending.upserts.push_back(std::move(name));
        ++m_count;
        if (m_pending.upserts.size() >= kNamesPerWrite) flush();
    }

    // Queues what is left and waits until everything is durable.
    qdyn::Result<void> finish() {
        flush();
        if (m_last == 0) return {};
        return m_store.waitDurable(m_last);
    }

    [[nodiscard]] std::size_t count() const noexcept { return m_count; }

private:
    void flush() {
        if (m_pending.upserts.empty()) return;
        m_pending.serial = ++m_serial;
        m_last = m_store.enqueue(std::move(m_pending));
        m_pending = StoreWrite{};
    }

    Store& m_store;
    StoreWrite m_pending;
    std::uint32_t m_serial = 0;
    Store::Ticket m_last = 0;
    std::size_t m_count = 0;
};

qdyn::Result<void> generate(Writer& writer, std::uint32_t count, const std::string& parent) {
    char label[32];
    for (std::uint32_t i = 1; i <= count; ++i) {
        std::snprintf(label, sizeof label, "h%07u.", i);
        auto name = qdyn::dns::Name::parse(std::string(label) + parent);
        if (!name) return qdyn::makeError(name.message());
        StoredName stored;
        stored.name = std::move(*name);
        const auto hi = static_cast<std::uint8_t>(i >> 16U);
        const auto mid = static_cast<std::uint8_t>((i >> 8U) & 0xFFU);
        const auto lo = static_cast<std::uint8_t>(i & 0xFFU);
        addRecord(stored, kTypeA, {10, hi, mid, lo});
        addRecord(stored, kTypeAAAA, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, hi, mid, lo});
        writer.add(std::move(stored));
    }
    return {};
}

qdyn::Result<void> fromStdin(Writer& writer) {
    std::string line;
    std::size_t lineNumber = 0;
    while (std::getline(std::cin, line)) {
        ++lineNumber;
        std::istringstream words(line);
        std::string nameText;
        if (!(words >> nameText) || nameText.front() == '#') continue;
        const auto where = "line " + std::to_string(lineNumber) + ": ";
        auto name = qdyn::dns::Name::parse(nameText);
        if (!name) return qdyn::makeError(where + name.message());
        StoredName stored;
        stored.name = std::move(*name);
        std::string addressText;
        while (words >> addressText) {
            const auto address = qdyn::IpAddress::parse(addressText);
            if (!address) return qdyn::makeError(where + "not an IP address: " + addressText);
            addRecord(stored, address->isV6() ? kTypeAAAA : kTypeA, bytesOf(*address));
        }
        if (stored.rrsets.empty()) return qdyn::makeError(where + "a host needs at least one address");
        writer.add(std::move(stored));
    }
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const bool generating = args.size() == 4 && args[1] == "--generate";
    const bool reading = args.size() == 2 && args[1] == "--stdin";
    if (!generating && !reading) return usage();

    std::uint32_t count = 0;
    if (generating) {
        try {
            const auto parsed = std::stoul(std::string(args[2]));
            if (parsed == 0 || parsed > 9999999) return fail("N must be 1..9999999");
            count = static_cast<std::uint32_t>(parsed);
        } catch (const std::exception&) {
            return usage();
        }
    }

    auto store = Store::open(std::string(args[0]));
    if (!store) return fail(store.message());
    Writer writer(**store);
    const auto filled = generating ? generate(writer, count, std::string(args[3])) : fromStdin(writer);
    if (!filled) return fail(filled.message());
    if (auto durable = writer.finish(); !durable) return fail(durable.message());
    (*store)->close();
    std::cout << "populate_store: " << writer.count() << " hosts written to " << args[0] << '\n';
    return 0;
}
