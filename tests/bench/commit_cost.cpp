// commit_cost: what one accepted update costs qdyn-server's update path in memory, without the
// network or the store: UpdateService::apply of a changed address on a zone with the IXFR journal
// listening, as in the server. Prints the time and the heap allocations per update for a zone of
// the updated hosts alone and for the same hosts inside a large zone (the per-update cost must
// not grow with the zone), then one RESULT line.
//
//   commit_cost [EXTRA_NAMES] [UPDATES]     (defaults 1000000 and 400000)
//
// 100 accounts of 200 hosts each are updated round-robin, as tests/bench/updates.sh does over
// HTTP; EXTRA_NAMES more dynamic names (restored as from a store) make the large zone.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "qdyn_server/config.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "xfr/journal.hpp"

// Every operator new of the program is counted.
#include "counting_new.hpp"

namespace {

constexpr int kAccounts = 100;
constexpr int kHostsPerAccount = 200;
constexpr const char* kZone = "bench.example.test";

std::string configText() {
    std::string text = std::string("[zone]\norigin = \"") + kZone + "\"\nnameserver = \"ns1." + kZone +
                       "\"\nnameserver_addresses = [\"127.0.0.1\"]\nhost_expire = \"never\"\n";
    for (int a = 0; a < kAccounts; ++a) {
        text += "\n[[account]]\nname = \"a" + std::to_string(a) + "\"\npassword = \"secret\"\nhosts = [";
        for (int h = a * kHostsPerAccount; h < (a + 1) * kHostsPerAccount; ++h) {
            if (h > a * kHostsPerAccount) text += ", ";
            text += "\"h";
            text += std::to_string(h);
            text += '"';
        }
        text += "]\n";
    }
    // The large zone's extra names lie below a host of their own account.
    text += "\n[[account]]\nname = \"big\"\npassword = \"secret\"\nhosts = [\"big\"]\n";
    return text;
}

qdyn::server::StoredZone extraNames(std::size_t count) {
    qdyn::server::StoredZone zone;
    zone.exists = true;
    zone.serial = 1;
    zone.names.reserve(count);
    char label[32];
    for (std::size_t i = 0; i < count; ++i) {
        std::snprintf(label, sizeof label, "x%07zu.big.", i);
        auto name = qdyn::dns::Name::parse(std::string(label) + kZone);
        if (!name) std::abort();
        const auto b = static_cast<std::uint8_t>(i & 0xFFU);
        zone.names.push_back(qdyn::server::StoredName{
            std::move(*name), {qdyn::server::StoredRRset{1, 60, {{10, 1, 2, b}}}}, false, 0});
    }
    return zone;
}

struct Figures {
    double nsPerUpdate = 0;
    double allocationsPerUpdate = 0;
};

Figures run(const qdyn::server::Config& config, std::size_t extra, std::size_t updates) {
    using namespace qdyn::server;
    auto initial = buildInitialSnapshot(config, 1);
    if (!initial) {
        std::fprintf(stderr, "commit_cost: %s\n", initial.message().c_str());
        std::exit(1);
    }
    Zone zone(*initial);
    UpdateService service(config, zone);
    ZoneJournal journal(config.dns.ixfrJournal);
    service.addListener(journal);
    if (extra > 0) {
        auto names = extraNames(extra);
        const auto started = std::chrono::steady_clock::now();
        if (auto restored = service.restore(std::move(names)); !restored) {
            std::fprintf(stderr, "commit_cost: %s\n", restored.message().c_str());
            std::exit(1);
        }
        std::fprintf(stderr, "restore %zu names: %.3f s\n", extra,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    std::vector<qdyn::dns::Name> hosts;
    for (const auto& account : config.accounts) {
        for (const auto& host : account.hosts) hosts.push_back(host);
    }
    hosts.pop_back();  // the large zone's parent
    const std::size_t warmUp = hosts.size();
    std::size_t changed = 0;
    const auto update = [&](std::size_t i) {
        const std::size_t index = i % hosts.size();
        const auto round = static_cast<std::uint8_t>(i / hosts.size());
        HostUpdate next;
        next.v4 = qdyn::IpAddress::fromV4({192, 0, 2, round});
        const auto& account = config.accounts[index / kHostsPerAccount];
        if (service.apply(account, hosts[index], next).status == UpdateStatus::Updated) ++changed;
    };
    for (std::size_t i = 0; i < warmUp; ++i) update(i);
    const std::size_t allocationsBefore = qdyn::test::allocationCount.load();
    const auto started = std::chrono::steady_clock::now();
    for (std::size_t i = warmUp; i < warmUp + updates; ++i) update(i);
    const auto took = std::chrono::steady_clock::now() - started;
    const std::size_t allocations = qdyn::test::allocationCount.load() - allocationsBefore;
    if (changed != warmUp + updates) {
        std::fprintf(stderr, "commit_cost: %zu of %zu updates changed the zone\n", changed, warmUp + updates);
        std::exit(1);
    }
    return {std::chrono::duration<double, std::nano>(took).count() / static_cast<double>(updates),
            static_cast<double>(allocations) / static_cast<double>(updates)};
}

}  // namespace


int main(int argc, char** argv) {
    const std::size_t extra = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
    const std::size_t updates = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 400000;
    auto config = qdyn::server::Config::parse(configText(), "commit_cost");
    if (!config) {
        std::fprintf(stderr, "commit_cost: %s\n", config.message().c_str());
        return 1;
    }
    const Figures small = run(*config, 0, updates);
    const Figures large = run(*config, extra, updates);
    std::printf("%-44s %.0f ns, %.1f allocations\n", "per update, 20000 hosts", small.nsPerUpdate,
                small.allocationsPerUpdate);
    std::printf("%-44s %.0f ns, %.1f allocations\n", ("per update, 20000 hosts + " + std::to_string(extra)).c_str(),
                large.nsPerUpdate, large.allocationsPerUpdate);
    std::printf("RESULT commit_ns=%.0f commit_allocations=%.1f large_zone_commit_ns=%.0f large_zone_allocations=%.1f "
                "extra_names=%zu updates=%zu\n",
                small.nsPerUpdate, small.allocationsPerUpdate, large.nsPerUpdate, large.allocationsPerUpdate, extra,
                updates);
    return 0;
}
