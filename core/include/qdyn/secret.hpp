// Secret: a password, token or key. Move-only, wiped on destruction, never printed; compared
// in constant time.
#pragma once

#include <string>
#include <string_view>

namespace qdyn {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : m_value(std::move(value)) {}
    ~Secret();
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;

    // Explicit copy for the rare place that needs one (e.g. handing a profile to a worker).
    [[nodiscard]] Secret clone() const { return Secret(m_value); }
    // The only way to read the value: named so that every use is easy to find in review.
    [[nodiscard]] std::string_view reveal() const noexcept { return m_value; }
    [[nodiscard]] bool empty() const noexcept { return m_value.empty(); }
    [[nodiscard]] bool equals(std::string_view other) const noexcept;

private:
    void wipe() noexcept;
    std::string m_value;
};

// Constant-time comparison (the length is not hidden, the content is).
bool constantTimeEquals(std::string_view a, std::string_view b) noexcept;

}  // namespace qdyn
