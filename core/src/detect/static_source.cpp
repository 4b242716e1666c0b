// A configured address as a source.
#include "qdyn/detect/static_source.hpp"

namespace qdyn::detect {

namespace {

class StaticSource final : public AddressSource {
public:
    explicit StaticSource(const IpAddress& address) : m_address(address) {}

    [[nodiscard]] std::string_view kind() const override { return "static"; }
    [[nodiscard]] std::string describe() const override { return "static " + m_address.toString(); }

    Result<std::vector<Candidate>> detect(AddressFamily family) override {
        if (family != m_address.family()) {
            return makeError("the static address " + m_address.toString() + " is not " +
                             std::string(toString(family)));
        }
        Candidate candidate;
        candidate.address = m_address;
        return std::vector<Candidate>{candidate};
    }

private:
    IpAddress m_address;
};

}  // namespace

std::unique_ptr<AddressSource> makeStaticSource(const IpAddress& address) {
    return std::make_unique<StaticSource>(address);
}

}  // namespace qdyn::detect
