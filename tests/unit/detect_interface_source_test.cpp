// The local interface source on Linux, inside a network namespace the test creates: addresses
// added there are reported with their IPv6 flags, a round takes well under a millisecond and
// allocates nothing once warm. Plus the netlink dump parser on hand-built datagrams.
#include <gtest/gtest.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "netlink_addr_linux.hpp"
#include "qdyn/detect/interface_source.hpp"

// Counts every allocation in this test binary, so a test can prove a detection round makes none.
#include "counting_new.hpp"

namespace qdyn::detect {
namespace {

// Runs argv (no shell) and returns its exit status; inherits the caller's network namespace.
int runQuiet(const std::vector<std::string>& argv) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void writeAll(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

std::string describe(const Candidate& c) {
    std::string line = c.address.toString() + " " + c.interfaceName;
    if (c.temporary) line += " temporary";
    if (c.deprecated) line += " deprecated";
    if (c.tentative) line += " tentative";
    if (c.stable) line += " stable";
    return line;
}

// The child's side: a fresh network namespace with known addresses on lo, the source run there,
// and everything reported as text lines. Runs after fork(): only this process, then _exit.
[[noreturn]] void childInNamespace(int out) {
    std::ostringstream report;
    if (::unshare(CLONE_NEWNET) != 0) {
        report << (errno == EPERM ? "SKIP" : "FAIL") << " unshare(CLONE_NEWNET): " << std::strerror(errno) << '\n';
        writeAll(out, report.str());
        ::_exit(0);
    }
    const std::vector<std::vector<std::string>> setup = {
        {"ip", "link", "set", "lo", "up"},
        {"ip", "addr", "add", "203.0.113.9/32", "dev", "lo"},
        {"ip", "-6", "addr", "add", "2001:db8::9/128", "dev", "lo", "nodad"},
        {"ip", "-6", "addr", "add", "2001:db8::a/128", "dev", "lo", "nodad", "preferred_lft", "0"},
    };
    for (const auto& argv : setup) {
        if (runQuiet(argv) != 0) {
            report << "FAIL could not run:";
            for (const auto& arg : argv) report << ' ' << arg;
            report << '\n';
            writeAll(out, report.str());
            ::_exit(0);
        }
    }

    auto source = makeInterfaceSource();
    std::vector<Candidate> found;
    for (AddressFamily family : {AddressFamily::V4, AddressFamily::V6}) {
        auto status = source->detectInto(family, found);
        if (!status) {
            report << "FAIL detect: " << status.message() << '\n';
            continue;
        }
        for (const auto& candidate : found) report << "ADDR " << describe(candidate) << '\n';
    }

    auto filtered = makeInterfaceSource({"lo"});
    auto onLo = filtered->detect(AddressFamily::V4);
    report << "FILTER lo " << (onLo ? std::to_string(onLo->size()) : "error " + onLo.message()) << '\n';
    auto none = makeInterfaceSource({"qdynnone0"})->detect(AddressFamily::V4);
    report << "FILTER qdynnone0 " << (none ? "ok" : none.message()) << '\n';

    // Warm up, then time rounds of both families and count the allocations they make.
    for (int i = 0; i < 5; ++i) {
        (void)source->detectInto(AddressFamily::V4, found);
        (void)source->detectInto(AddressFamily::V6, found);
    }
    std::vector<long long> micros;
    micros.reserve(64);
    std::size_t allocations = 0;
    for (int i = 0; i < 50; ++i) {
        const std::size_t before = qdyn::test::allocationCount.load();
        const auto start = std::chrono::steady_clock::now();
        (void)source->detectInto(AddressFamily::V4, found);
        (void)source->detectInto(AddressFamily::V6, found);
        const auto took = std::chrono::steady_clock::now() - start;
        allocations += qdyn::test::allocationCount.load() - before;
        micros.push_back(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
    }
    std::sort(micros.begin(), micros.end());
    report << "ROUND median_us " << micros[micros.size() / 2] << " allocations " << allocations << '\n';
    writeAll(out, report.str());
    ::_exit(0);
}

std::vector<std::string> runChild() {
    int fds[2];
    if (::pipe(fds) != 0) return {"FAIL pipe"};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        childInNamespace(fds[1]);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof(buffer))) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) lines.push_back("FAIL child crashed");
    return lines;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += "\n  " + line;
    return text;
}

TEST(DetectInterfaceSourceTest, ReportsNamespaceAddressesWithFlags) {
    const auto lines = runChild();
    ASSERT_FALSE(lines.empty());
    if (lines.front().rfind("SKIP", 0) == 0) {
        GTEST_SKIP() << "NOT TESTED: cannot create a network namespace (needs root or user namespaces): "
                     << lines.front();
    }
    for (const auto& line : lines) EXPECT_NE(line.rfind("FAIL", 0), 0U) << line;
    EXPECT_TRUE(has(lines, "ADDR 127.0.0.1 lo")) << joined(lines);
    EXPECT_TRUE(has(lines, "ADDR 203.0.113.9 lo")) << joined(lines);
    EXPECT_TRUE(has(lines, "ADDR ::1 lo stable")) << joined(lines);
    EXPECT_TRUE(has(lines, "ADDR 2001:db8::9 lo stable")) << joined(lines);
    EXPECT_TRUE(has(lines, "ADDR 2001:db8::a lo deprecated stable")) << joined(lines);
    EXPECT_TRUE(has(lines, "FILTER lo 2")) << joined(lines);
    EXPECT_TRUE(has(lines, "FILTER qdynnone0 no interface named qdynnone0")) << joined(lines);

    const auto round = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("ROUND", 0) == 0; });
    ASSERT_NE(round, lines.end()) << joined(lines);
    std::istringstream fields(*round);
    std::string word;
    long long medianUs = -1;
    long long allocations = -1;
    fields >> word >> word >> medianUs >> word >> allocations;
    RecordProperty("local_round_us_median", std::to_string(medianUs));
    std::cout << "[ detect   ] local round (IPv4 + IPv6) median " << medianUs << " us, " << allocations
              << " allocations in 50 rounds\n";
    EXPECT_EQ(allocations, 0) << "a warm detection round must not allocate";
    // The target is well under 1 ms; the bound leaves room for a loaded CI machine.
    EXPECT_LT(medianUs, 5000);
}

// --- the netlink parser on hand-built datagrams ---

class Collect final : public netlink::AddressSink {
public:
    void onAddress(const netlink::AddressMessage& message) override { messages.push_back(message); }
    std::vector<netlink::AddressMessage> messages;
};

void put(std::vector<std::uint8_t>& out, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out.insert(out.end(), bytes, bytes + size);
    while (out.size() % 4 != 0) out.push_back(0);
}

std::vector<std::uint8_t> attribute(std::uint16_t type, const void* data, std::size_t size) {
    std::vector<std::uint8_t> out;
    rtattr header{static_cast<unsigned short>(sizeof(rtattr) + size), type};
    put(out, &header, sizeof(header));
    out.resize(sizeof(rtattr));
    put(out, data, size);
    return out;
}

std::vector<std::uint8_t> message(std::uint16_t type, std::uint32_t seq, const std::vector<std::uint8_t>& body) {
    std::vector<std::uint8_t> out;
    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(sizeof(nlmsghdr) + body.size());
    header.nlmsg_type = type;
    header.nlmsg_seq = seq;
    put(out, &header, sizeof(header));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

std::vector<std::uint8_t> newAddr(std::uint32_t seq, std::uint8_t family, const std::vector<std::uint8_t>& address,
                                  std::uint32_t flags) {
    std::vector<std::uint8_t> body;
    ifaddrmsg header{};
    header.ifa_family = family;
    header.ifa_prefixlen = 64;
    header.ifa_index = 3;
    put(body, &header, sizeof(header));
    const auto addr = attribute(IFA_ADDRESS, address.data(), address.size());
    body.insert(body.end(), addr.begin(), addr.end());
    const auto flagAttr = attribute(IFA_FLAGS, &flags, sizeof(flags));
    body.insert(body.end(), flagAttr.begin(), flagAttr.end());
    return message(RTM_NEWADDR, seq, body);
}

const std::vector<std::uint8_t> kDocV6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07};

TEST(DetectNetlinkParserTest, ParsesAddressesAndThirtyTwoBitFlags) {
    auto datagram = newAddr(7, AF_INET6, kDocV6, IFA_F_TEMPORARY | IFA_F_STABLE_PRIVACY);
    const auto stale = newAddr(6, AF_INET6, kDocV6, 0);  // another request's: ignored
    datagram.insert(datagram.end(), stale.begin(), stale.end());
    const auto done = message(NLMSG_DONE, 7, std::vector<std::uint8_t>(4, 0));
    datagram.insert(datagram.end(), done.begin(), done.end());

    Collect sink;
    auto step = netlink::parseAddressDump(datagram, 7, sink);
    ASSERT_TRUE(step) << step.message();
    EXPECT_EQ(*step, netlink::Step::Done);
    ASSERT_EQ(sink.messages.size(), 1U);
    EXPECT_EQ(sink.messages[0].address.toString(), "2001:db8::7");
    EXPECT_EQ(sink.messages[0].ifindex, 3U);
    EXPECT_EQ(sink.messages[0].prefixLength, 64U);
    EXPECT_EQ(sink.messages[0].flags, static_cast<std::uint32_t>(IFA_F_TEMPORARY | IFA_F_STABLE_PRIVACY));
}

TEST(DetectNetlinkParserTest, RejectsMalformedDatagrams) {
    Collect sink;
    auto good = newAddr(1, AF_INET6, kDocV6, 0);
    auto truncated = good;
    truncated.resize(good.size() - 4);
    EXPECT_FALSE(netlink::parseAddressDump(truncated, 1, sink));

    const std::vector<std::uint8_t> shortV6(4, 1);
    EXPECT_FALSE(netlink::parseAddressDump(newAddr(1, AF_INET6, shortV6, 0), 1, sink));

    auto interrupted = good;
    nlmsghdr header{};
    std::memcpy(&header, interrupted.data(), sizeof(header));
    header.nlmsg_flags |= NLM_F_DUMP_INTR;
    std::memcpy(interrupted.data(), &header, sizeof(header));
    EXPECT_FALSE(netlink::parseAddressDump(interrupted, 1, sink));

    int code = -EPERM;
    std::vector<std::uint8_t> body;
    put(body, &code, sizeof(code));
    body.resize(body.size() + sizeof(nlmsghdr));
    auto error = netlink::parseAddressDump(message(NLMSG_ERROR, 1, body), 1, sink);
    ASSERT_FALSE(error);
    EXPECT_NE(error.message().find("error -1"), std::string::npos) << error.message();
    EXPECT_TRUE(sink.messages.empty());

    auto more = netlink::parseAddressDump(good, 1, sink);
    ASSERT_TRUE(more) << more.message();
    EXPECT_EQ(*more, netlink::Step::More);
}

}  // namespace
}  // namespace qdyn::detect
