// Names in the order they were first added, each once: the names one zone edit touches. An
// update touches a name or two, so a short list scanned in place beats a hash set, which
// allocates for every entry; past kScan names a hash index takes over (an expiry run or a
// large UPDATE may touch thousands).
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <unordered_map>

#include <boost/container/small_vector.hpp>

#include "qdyn/dns/name.hpp"

namespace qdyn::server {

class NameList {
public:
    static constexpr std::size_t kScan = 16;

    // Appends `name` unless it is there already (names compare case-insensitively); true when
    // it was appended.
    bool add(const dns::Name& name) {
        if (indexOf(name)) return false;
        m_names.push_back(name);
        if (m_names.size() > kScan) {
            if (m_index.empty()) {
                for (std::size_t i = 0; i < m_names.size(); ++i) m_index.emplace(m_names[i], i);
            } else {
                m_index.emplace(name, m_names.size() - 1);
            }
        }
        return true;
    }

    // Where `name` was added, if it was.
    [[nodiscard]] std::optional<std::size_t> indexOf(const dns::Name& name) const {
        if (m_index.empty()) {
            const auto found = std::find(m_names.begin(), m_names.end(), name);
            if (found == m_names.end()) return std::nullopt;
            return static_cast<std::size_t>(found - m_names.begin());
        }
        const auto found = m_index.find(name);
        if (found == m_index.end()) return std::nullopt;
        return found->second;
    }

    [[nodiscard]] std::size_t size() const noexcept { return m_names.size(); }
    [[nodiscard]] auto begin() const noexcept { return m_names.begin(); }
    [[nodiscard]] auto end() const noexcept { return m_names.end(); }

private:
    boost::container::small_vector<dns::Name, 2> m_names;
    std::unordered_map<dns::Name, std::size_t, dns::NameHash> m_index;  // built once past kScan names
};

}  // namespace qdyn::server
