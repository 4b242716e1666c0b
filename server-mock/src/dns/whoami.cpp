// The whoami answers: built from the querier's address alone, no zone data involved.
#include "dns/whoami.hpp"

#include <cctype>

namespace qdyn::server {

namespace {

constexpr std::size_t kWhoamiHeaderSize = 12;

char lower(std::uint8_t octet) noexcept {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(octet)));
}

}  // namespace

bool asksWhoami(std::span<const std::uint8_t> query, const dns::Name& whoami) noexcept {
    const std::string& wire = whoami.wire();
    if (query.size() < kWhoamiHeaderSize + wire.size()) return false;
    const auto* name = query.data() + kWhoamiHeaderSize;
    // The labels line up octet for octet, so the length octets (at most 63, below any letter)
    // compare exactly and only label text folds case.
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (lower(name[i]) != lower(static_cast<std::uint8_t>(wire[i]))) return false;
    }
    return true;
}

void answerWhoami(dns::Message& reply, const dns::Question& question, const IpAddress& client) {
    reply.header.aa = true;
    reply.header.rcode = dns::Rcode::NoError;
    const bool inClass = question.klass == dns::rrclass::Internet || question.klass == dns::rrclass::ANY;
    const std::uint16_t addressType = client.isV4() ? dns::rrtype::A : dns::rrtype::AAAA;
    dns::ResourceRecord record{question.name, question.type, inClass ? dns::rrclass::Internet : question.klass, 0, {}};
    if (question.type == dns::rrtype::TXT && (inClass || question.klass == dns::rrclass::CH)) {
        record.data = dns::TxtData{{client.toString()}};
    } else if (inClass && (question.type == addressType || question.type == dns::rrtype::ANY)) {
        record.type = addressType;
        if (client.isV4()) {
            record.data = dns::AData{client.v4Bytes()};
        } else {
            record.data = dns::AaaaData{client.v6Bytes()};
        }
    } else {
        return;  // NODATA
    }
    reply.answers.push_back(std::move(record));
}

}  // namespace qdyn::server
